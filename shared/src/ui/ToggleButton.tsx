import type { ReactNode } from 'react';

export interface ToggleButtonProps {
  /** The action, constant whatever the state (e.g. "Mute microphone"); aria-pressed says if on. */
  readonly label: string;
  /** Shown while pressed, for sighted users; assistive technology reads aria-pressed instead. */
  readonly pressedText: string;
  readonly pressed: boolean;
  readonly onPressedChange: (pressed: boolean) => void;
  readonly icon: ReactNode;
  readonly pressedIcon?: ReactNode;
  readonly disabled?: boolean;
  readonly testId?: string;
}

export function ToggleButton({
  label,
  pressedText,
  pressed,
  onPressedChange,
  icon,
  pressedIcon,
  disabled,
  testId,
}: ToggleButtonProps) {
  return (
    <button
      type="button"
      className="button button--toggle"
      aria-pressed={pressed}
      disabled={disabled}
      data-testid={testId}
      data-pressed={pressed}
      onClick={() => onPressedChange(!pressed)}
    >
      <span className="button__icon" aria-hidden="true">
        {pressed ? (pressedIcon ?? icon) : icon}
      </span>
      <span className="button__label">{label}</span>
      {pressed ? (
        <span className="button__state" aria-hidden="true">
          {pressedText}
        </span>
      ) : null}
    </button>
  );
}
