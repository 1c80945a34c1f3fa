import { useEffect, useState } from 'react';
import { CheckInCodeSchema } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { formatClock, useNow } from '../../primitives/useNow';
import { useVisit, useVisitSend } from '../../session/KioskSessionContext';
import { checkInErrorKey } from './checkInErrors';
import { Keypad } from './Keypad';
import { QrScanner } from './QrScanner';

const CODE_LENGTH = 6;

/**
 * Code entry with an on-screen keypad: no text field, so no system keyboard ever opens and
 * nothing typed lingers in a field for the next person.
 */
export function CodeScreen() {
  const t = useT();
  const send = useVisitSend();
  const pending = useVisit((s) => s.matches({ step: { code: 'checking' } }));
  const problem = useVisit((s) => s.context.visit.codeProblem);
  const lockedUntil = useVisit((s) => s.context.codeLockedUntil);
  const entry = useVisit((s) => s.context.visit.codeEntry);
  const now = useNow();
  const [digits, setDigits] = useState('');

  // The visit unlocks the keypad when the wait is over; `now` only shows the time left.
  const locked = lockedUntil !== null;
  const complete = CheckInCodeSchema.safeParse(digits).success;

  // On success this screen is gone; on a refusal the citizen types the code afresh.
  const [refused, setRefused] = useState(problem);
  if (problem !== refused) {
    setRefused(problem);
    if (problem) setDigits('');
  }

  const submit = () => {
    if (!complete || pending || locked) return;
    send({ type: 'code.submit', code: digits });
  };
  const addDigit = (digit: string) => setDigits((d) => (d.length < CODE_LENGTH ? d + digit : d));
  const erase = () => setDigits((d) => d.slice(0, -1));
  // Read from the convocation: shown in the boxes as if typed, and checked at once (the same
  // request, so the same validity window and the same lockout as a typed code).
  const scanned = (code: string) => {
    setDigits(code);
    send({ type: 'code.submit', code, via: 'scan' });
  };
  const scanning = entry === 'scan' && !locked && !pending;

  // A hardware keypad (some kiosks have one, for people who cannot use the touchscreen) works too.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (scanning || locked || pending || event.ctrlKey || event.metaKey || event.altKey) return;
      // Enter on a focused key presses that key, as everywhere else.
      if (event.key === 'Enter' && event.target instanceof HTMLButtonElement) return;
      if (/^\d$/.test(event.key)) addDigit(event.key);
      else if (event.key === 'Backspace') erase();
      else if (event.key === 'Enter') submit();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <main className="screen screen--code" data-testid="kiosk-screen-code">
      <div className="code__intro">
        <h1>{t('code.title')}</h1>
        <p className="lead">{t('code.hint')}</p>
        <div className="digits" data-testid="code-digits" data-value={digits}>
          <span className="visually-hidden" aria-live="polite">
            {t('code.entered', { digits: [...digits].join(' '), count: digits.length })}
          </span>
          {Array.from({ length: CODE_LENGTH }, (_, i) => (
            <span
              key={i}
              className={`digit-box${i === digits.length && !locked ? ' digit-box--next' : ''}`}
              aria-hidden="true"
            >
              {digits[i] ?? ''}
            </span>
          ))}
        </div>
        {problem ? (
          <p
            className="notice notice--warning code__error"
            role="alert"
            data-testid="code-error"
            data-code={problem.code}
            data-reason={problem.reason ?? ''}
          >
            {t(checkInErrorKey(problem), {
              time: locked ? formatClock(lockedUntil - now) : '',
            })}
          </p>
        ) : null}
        {pending ? (
          <p className="code__pending" aria-busy="true">
            {t('code.checking')}
          </p>
        ) : null}
        <div className="code__actions">
          <Button
            variant="secondary"
            className="code__back"
            testId="code-back"
            onClick={() => send({ type: 'code.back' })}
          >
            {t('code.back')}
          </Button>
          {scanning ? (
            <Button
              variant="secondary"
              testId="code-type-instead"
              onClick={() => send({ type: 'code.entry', entry: 'keypad' })}
            >
              {t('code.typeInstead')}
            </Button>
          ) : (
            <Button
              variant="secondary"
              testId="code-scan"
              disabled={locked || pending}
              onClick={() => {
                setDigits('');
                send({ type: 'code.entry', entry: 'scan' });
              }}
            >
              {t('code.scan')}
            </Button>
          )}
        </div>
      </div>
      {scanning ? (
        <QrScanner onCode={scanned} />
      ) : (
        <Keypad
          disabled={locked || pending}
          canErase={digits.length > 0}
          canSubmit={complete}
          onDigit={addDigit}
          onErase={erase}
          onSubmit={submit}
        />
      )}
    </main>
  );
}
