import { useState } from 'react';
import type { Language } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { afterChar, keyChar, keyRows, tapShift, type ShiftState } from './keyboardLayout';

export interface OnScreenKeyboardProps {
  readonly language: Language;
  readonly onKey: (char: string) => void;
  readonly onErase: () => void;
  readonly onSend: () => void;
  readonly canSend: boolean;
}

/** Big keys in the citizen's layout (AZERTY in French, QWERTY in English): no system keyboard. */
export function OnScreenKeyboard({
  language,
  onKey,
  onErase,
  onSend,
  canSend,
}: OnScreenKeyboardProps) {
  const t = useT();
  const [shift, setShift] = useState<ShiftState>('off');
  const type = (base: string) => {
    onKey(keyChar(base, shift, language));
    setShift(afterChar);
  };
  return (
    <div className="osk" role="group" aria-label={t('chat.keyboard')} data-shift={shift}>
      {keyRows(language).map((row, i) => (
        <div className="osk__row" key={i}>
          {row.map((base) => (
            // The test id names the key, whatever the case it types now.
            <button
              key={base}
              type="button"
              className="osk__key"
              data-testid={`kiosk-key-${base}`}
              onClick={() => type(base)}
            >
              {keyChar(base, shift, language)}
            </button>
          ))}
        </div>
      ))}
      <div className="osk__row">
        <button
          type="button"
          className="osk__key osk__key--word osk__key--shift"
          data-testid="kiosk-key-shift"
          data-state={shift}
          aria-pressed={shift !== 'off'}
          onClick={() => setShift(tapShift)}
        >
          <span aria-hidden="true">{shift === 'locked' ? '⇪' : '⇧'}</span>{' '}
          {t(shift === 'locked' ? 'chat.capsLock' : 'chat.shift')}
        </button>
        <button
          type="button"
          className="osk__key osk__key--word"
          data-testid="kiosk-key-erase"
          onClick={onErase}
        >
          {t('chat.erase')}
        </button>
        <button
          type="button"
          className="osk__key osk__key--space"
          data-testid="kiosk-key-space"
          aria-label={t('chat.space')}
          onClick={() => onKey(' ')}
        >
          {t('chat.space')}
        </button>
        <button
          type="button"
          className="osk__key osk__key--word osk__key--send"
          data-testid="kiosk-key-send"
          disabled={!canSend}
          onClick={onSend}
        >
          {t('chat.send')}
        </button>
      </div>
    </div>
  );
}
