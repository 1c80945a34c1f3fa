import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { useKioskSession, useKioskState } from '../../session/KioskSessionContext';
import { screenOf, type KioskScreen } from '../../session/kioskMachine';
import { DEFAULT_LANGUAGE } from '../../i18n/translate';

/** Warning shown before the reset: nobody loses their place without being told. */
const WARNING_SECONDS = 20;
const DEFAULT_IDLE_SECONDS = 120;

/** `?idle=<seconds>` (tools and tests) overrides the default idle time. */
function idleSeconds(): number {
  const value = Number(new URLSearchParams(window.location.search).get('idle'));
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_IDLE_SECONDS;
}
const IDLE_SECONDS = idleSeconds();

/** Screens where a citizen who walked away leaves something behind. The waiting room and the
 * call are excluded: waiting without touching anything is normal (the server ends no-shows). */
const GUARDED: ReadonlySet<KioskScreen> = new Set(['code', 'device-check', 'survey']);

/**
 * "Are you still there?": after a while without a touch, a visible countdown and a big button;
 * when it runs out, the session wipes everything and returns to the welcome screen.
 */
export function InactivityGuard() {
  const t = useT();
  const session = useKioskSession();
  const screen = useKioskState((s) => screenOf(s.machine));
  const personalWelcome = useKioskState(
    (s) => s.language !== DEFAULT_LANGUAGE || s.readAloud || s.notice !== null,
  );
  const guarded = GUARDED.has(screen) || (screen === 'welcome' && personalWelcome);
  const [lastTouch, setLastTouch] = useState(() => Date.now());
  const [remaining, setRemaining] = useState<number | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const touched = () => setLastTouch(Date.now());
    for (const type of ['pointerdown', 'keydown'] as const)
      window.addEventListener(type, touched, { capture: true });
    return () => {
      for (const type of ['pointerdown', 'keydown'] as const)
        window.removeEventListener(type, touched, { capture: true });
    };
  }, []);

  useEffect(() => {
    if (!guarded) return;
    const warnAt = lastTouch + IDLE_SECONDS * 1000;
    const tick = () => {
      const left = Math.ceil((warnAt + WARNING_SECONDS * 1000 - Date.now()) / 1000);
      if (Date.now() < warnAt) return setRemaining(null);
      if (left <= 0) {
        setRemaining(null);
        setLastTouch(Date.now());
        session.idleReset();
      } else setRemaining(left);
    };
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [guarded, lastTouch, session, screen]);

  if (!guarded || remaining === null) return null;
  return (
    <Dialog
      title={t('idle.title')}
      role="alertdialog"
      describedBy="idle-body"
      onClose={() => setLastTouch(Date.now())}
      testId="inactivity-countdown"
      initialFocus={buttonRef}
    >
      <p id="idle-body" data-remaining={remaining}>
        {t('idle.body', { seconds: remaining })}
      </p>
      <div className="dialog__actions">
        <Button ref={buttonRef} testId="still-here" onClick={() => setLastTouch(Date.now())}>
          {t('idle.stillHere')}
        </Button>
      </div>
    </Dialog>
  );
}
