import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  readonly variant?: 'primary' | 'secondary' | 'danger';
  /** Decorative: the visible text is the accessible name. */
  readonly icon?: ReactNode;
  readonly testId?: string;
  readonly ref?: Ref<HTMLButtonElement>;
}

/** A real <button>, large enough for a finger, with its text as its accessible name. */
export function Button({
  variant = 'primary',
  icon,
  testId,
  className,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={['button', `button--${variant}`, className].filter(Boolean).join(' ')}
      data-testid={testId}
      {...rest}
    >
      {icon ? (
        <span className="button__icon" aria-hidden="true">
          {icon}
        </span>
      ) : null}
      <span className="button__label">{children}</span>
    </button>
  );
}
