import { useId, useState, type FormEvent } from 'react';
import { AppError } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import type { MessageKey } from '../../i18n/translate';
import { Button } from '../../primitives/Button';
import { useStaffSession } from '../../session/StaffSessionContext';

const REFUSALS: Readonly<Record<string, MessageKey>> = {
  interpreter_code_unknown: 'interpret.error.interpreter_code_unknown',
  interpreter_code_used: 'interpret.error.interpreter_code_used',
  interpreter_code_expired: 'interpret.error.interpreter_code_expired',
  interpreter_present: 'interpret.error.interpreter_present',
  interpreter_in_call: 'interpret.error.interpreter_in_call',
};

/** The code of an invitation link (`/advisor/?interpret=CODE`), if the page was opened with one. */
function codeInLink(): string {
  return new URLSearchParams(window.location.search).get('interpret') ?? '';
}

/**
 * An interpreter joins the call they were invited to, with the code the advisor gave them (or
 * that the invitation link carries). The call view follows as soon as the server says it started.
 */
export function InterpretPage() {
  const t = useT();
  const ids = useId();
  const session = useStaffSession();
  const [code, setCode] = useState(codeInLink);
  const [refusal, setRefusal] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setRefusal(null);
    try {
      await session.joinAsInterpreter(code);
    } catch (error) {
      const reason = error instanceof AppError ? error.reason : undefined;
      setRefusal((reason && REFUSALS[reason]) || 'interpret.error.other');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="interpret" aria-labelledby={`${ids}-title`} data-testid="interpret-page">
      <h2 id={`${ids}-title`}>{t('interpret.title')}</h2>
      <p id={`${ids}-intro`}>{t('interpret.intro')}</p>
      <form onSubmit={(event) => void submit(event)}>
        <p>
          <label htmlFor={`${ids}-code`}>{t('interpret.code')}</label>
          <input
            id={`${ids}-code`}
            className="interpret__code"
            data-testid="interpret-code"
            value={code}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={12}
            required
            aria-describedby={`${ids}-intro`}
            aria-invalid={refusal !== null}
            onChange={(event) => setCode(event.target.value)}
          />
        </p>
        <Button type="submit" testId="interpret-join" disabled={busy}>
          {t('interpret.join')}
        </Button>
      </form>
      {refusal ? (
        <p className="error" role="alert" data-testid="interpret-error">
          {t(refusal)}
        </p>
      ) : null}
    </section>
  );
}
