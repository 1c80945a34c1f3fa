import { useId, useMemo, useState } from 'react';
import { AppError, type InterpreterKind } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useAppState } from '../../session/StaffAppContext';
import { useStaffSession } from '../../session/StaffSessionContext';
import { usePartyCall } from '@visio/shared/ui';
import { SPOKEN_LANGUAGES } from '../interpret/messages';
import { useInterpreterKind } from '../interpret/useInterpreterKind';
import type { AdvisorCall } from './AdvisorCall';

const KINDS: readonly InterpreterKind[] = ['lsf', 'lpc', 'spoken'];

/**
 * The advisor invites an interpreter (LSF, LPC or a spoken language) into the call: a one-time
 * code and its link to give them. While one takes part, says so (a role, never a name).
 */
export function InvitePanel({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const ids = useId();
  const session = useStaffSession();
  const interpreter = usePartyCall(call.party)?.interpreter ?? null;
  const kindWords = useInterpreterKind();
  const [kind, setKind] = useState<InterpreterKind>('lsf');
  const [language, setLanguage] = useState<string>(SPOKEN_LANGUAGES[0]);
  const [invitation, setInvitation] = useState<{ code: string; link: string } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const appLanguage = useAppState((s) => s.language);
  const languageNames = useMemo(
    () => new Intl.DisplayNames([appLanguage], { type: 'language' }),
    [appLanguage],
  );

  const invite = async () => {
    setBusy(true);
    setFailed(null);
    try {
      setInvitation(
        await session.inviteInterpreter({ kind, language: kind === 'spoken' ? language : null }),
      );
    } catch (error) {
      setFailed(error instanceof AppError ? (error.reason ?? error.code) : 'INTERNAL');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel invite" aria-labelledby={`${ids}-title`} data-testid="invite-panel">
      <h3 id={`${ids}-title`}>{t('invite.title')}</h3>
      {interpreter ? (
        <p data-testid="interpreter-present" role="status">
          {t('invite.present', { kind: kindWords(interpreter) })}
        </p>
      ) : (
        <>
          <fieldset className="invite__kinds">
            <legend>{t('invite.kind')}</legend>
            {KINDS.map((k) => (
              <label key={k} className="invite__kind">
                <input
                  type="radio"
                  name={`${ids}-kind`}
                  value={k}
                  checked={kind === k}
                  data-testid={`invite-kind-${k}`}
                  onChange={() => setKind(k)}
                />{' '}
                {t(`interpret.kind.${k}`)}
              </label>
            ))}
          </fieldset>
          {kind === 'spoken' ? (
            <p>
              <label htmlFor={`${ids}-language`}>{t('invite.language')}</label>{' '}
              <select
                id={`${ids}-language`}
                value={language}
                data-testid="invite-language"
                onChange={(event) => setLanguage(event.target.value)}
              >
                {SPOKEN_LANGUAGES.map((code) => (
                  <option key={code} value={code}>
                    {languageNames.of(code) ?? code}
                  </option>
                ))}
              </select>
            </p>
          ) : null}
          <Button testId="invite-interpreter" disabled={busy} onClick={() => void invite()}>
            {t(invitation ? 'invite.again' : 'invite.submit')}
          </Button>
          {invitation ? (
            <div className="invite__code" role="status">
              <p>
                {t('invite.code')}{' '}
                <strong className="invite__value" data-testid="interpreter-code">
                  {invitation.code}
                </strong>
              </p>
              <p>
                {t('invite.link')}{' '}
                <span className="invite__value" data-testid="interpreter-link">
                  {`${window.location.origin}${invitation.link}`}
                </span>
              </p>
              <p className="hint">{t('invite.once')}</p>
            </div>
          ) : null}
          {failed ? (
            <p className="error" role="alert">
              {t(
                failed === 'interpreter_present'
                  ? 'interpret.error.interpreter_present'
                  : 'interpret.error.other',
              )}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
