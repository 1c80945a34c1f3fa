import { useId, useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import type { MessageKey } from '../../i18n/translate';
import { Button } from '../../primitives/Button';
import { useStaffSession } from '../../session/StaffSessionContext';
import { codeInLink, codeRefusal } from './refusals';

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
      setRefusal(codeRefusal(error));
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
