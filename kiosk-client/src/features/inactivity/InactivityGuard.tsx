import { useEffect, useRef } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { useVisit, useVisitSend } from '../../session/KioskSessionContext';

/**
 * "Are you still there?": the visit machine counts the time without a touch and the warning's
 * countdown (see visitMachine's `inactivity`); this tells it about every touch and shows the
 * warning with a big button. When the countdown runs out the visit is wiped.
 */
export function InactivityGuard() {
  const t = useT();
  const send = useVisitSend();
  const remaining = useVisit((s) => s.context.countdown);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const warning = remaining !== null;

  useEffect(() => {
    const touched = () => send({ type: 'touch' });
    // While the warning shows, a touch dismisses it when the finger lifts: gone at the press,
    // the release would land on whatever lies beneath it.
    const types = warning ? (['click', 'keydown'] as const) : (['pointerdown', 'keydown'] as const);
    for (const type of types) window.addEventListener(type, touched, { capture: true });
    return () => {
      for (const type of types) window.removeEventListener(type, touched, { capture: true });
    };
  }, [send, warning]);

  if (!warning) return null;
  return (
    <Dialog
      title={t('idle.title')}
      role="alertdialog"
      describedBy="idle-body"
      onClose={() => send({ type: 'touch' })}
      testId="inactivity-countdown"
      initialFocus={buttonRef}
    >
      <p id="idle-body" data-remaining={remaining}>
        {t('idle.body', { seconds: remaining })}
      </p>
      <div className="dialog__actions">
        <Button ref={buttonRef} testId="still-here" onClick={() => send({ type: 'touch' })}>
          {t('idle.stillHere')}
        </Button>
      </div>
    </Dialog>
  );
}
