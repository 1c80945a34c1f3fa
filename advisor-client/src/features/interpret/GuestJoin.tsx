import { useId, useState } from 'react';
import { useT } from '../../i18n/useT';
import type { MessageKey } from '../../i18n/translate';
import { Button } from '../../primitives/Button';
import { useStaffApp } from '../../session/StaffAppContext';
import { codeInLink, codeRefusal } from './refusals';

/**
 * On the sign-in page opened from an invitation link: an interpreter without an account joins as
 * a guest (the interpreter role for that call only, no account data, no agenda).
 */
export function GuestJoin() {
  const t = useT();
  const ids = useId();
  const app = useStaffApp();
  const code = codeInLink();
  const [refusal, setRefusal] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  if (!code) return null;

  const join = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      await app.joinAsGuestInterpreter(code);
    } catch (error) {
      setRefusal(codeRefusal(error));
      setBusy(false);
    }
  };

  return (
    <section className="guest-join" aria-labelledby={`${ids}-title`} data-testid="guest-join-panel">
      <h2 id={`${ids}-title`}>{t('guest.title')}</h2>
      <p>{t('guest.intro')}</p>
      <Button testId="guest-join" disabled={busy} onClick={() => void join()}>
        {t('guest.join')}
      </Button>
      {refusal ? (
        <p className="alert" role="alert" data-testid="guest-error">
          {t(refusal)}
        </p>
      ) : null}
    </section>
  );
}
