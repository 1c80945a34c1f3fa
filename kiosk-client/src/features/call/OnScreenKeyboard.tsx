import type { Language } from '../../i18n/translate';
import { useT } from '../../i18n/useT';

const LETTERS: Record<Language, readonly string[]> = {
  fr: ['azertyuiop', 'qsdfghjklm', "wxcvbn,.?'"],
  en: ['qwertyuiop', 'asdfghjkl@', "zxcvbnm,.?'"],
};
const DIGITS = '1234567890';
const ACCENTS = ['é', 'è', 'à', 'ç', 'ê', 'ù', '-', '@'];

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
  const rows = [DIGITS, ...LETTERS[language]].map((row) => [...row]);
  const accents = language === 'fr' ? ACCENTS : ACCENTS.filter((c) => c !== '@');
  return (
    <div className="osk" role="group" aria-label={t('chat.keyboard')}>
      {[...rows, accents].map((row, i) => (
        <div className="osk__row" key={i}>
          {row.map((char) => (
            <button
              key={char}
              type="button"
              className="osk__key"
              data-testid={`kiosk-key-${char}`}
              onClick={() => onKey(char)}
            >
              {char}
            </button>
          ))}
        </div>
      ))}
      <div className="osk__row">
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
