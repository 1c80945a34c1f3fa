import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';

export interface KeypadProps {
  readonly disabled: boolean;
  readonly canErase: boolean;
  readonly canSubmit: boolean;
  readonly onDigit: (digit: string) => void;
  readonly onErase: () => void;
  readonly onSubmit: () => void;
}

const ROWS = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
] as const;

/** A telephone-style number pad with large keys; erase and confirm on the bottom row. */
export function Keypad({ disabled, canErase, canSubmit, onDigit, onErase, onSubmit }: KeypadProps) {
  const t = useT();
  const digit = (d: string) => (
    <Button
      key={d}
      variant="secondary"
      className="keypad__key"
      testId={`keypad-${d}`}
      disabled={disabled}
      onClick={() => onDigit(d)}
    >
      {d}
    </Button>
  );
  return (
    <div className="keypad" role="group" aria-label={t('code.keypad')}>
      {ROWS.flat().map(digit)}
      <Button
        variant="secondary"
        className="keypad__key keypad__key--word"
        testId="keypad-erase"
        disabled={disabled || !canErase}
        onClick={onErase}
      >
        {t('code.erase')}
      </Button>
      {digit('0')}
      <Button
        className="keypad__key keypad__key--word"
        testId="keypad-submit"
        disabled={disabled || !canSubmit}
        onClick={onSubmit}
      >
        {t('code.submit')}
      </Button>
    </div>
  );
}
