import type { ReactNode } from 'react';

export interface ConsoleSectionProps {
  /** The anchor the console's table of contents jumps to. */
  readonly id: string;
  readonly testId: string;
  readonly titleId: string;
  readonly title: ReactNode;
  readonly className?: string;
  readonly children?: ReactNode;
}

/**
 * One part of the technician console. It takes focus when reached from the table of contents
 * (tabIndex -1), so that screen readers and keyboard users continue from there.
 */
export function ConsoleSection({
  id,
  testId,
  titleId,
  title,
  className,
  children,
}: ConsoleSectionProps) {
  return (
    <section
      id={id}
      className={className ? `console__section ${className}` : 'console__section'}
      data-testid={testId}
      aria-labelledby={titleId}
      tabIndex={-1}
    >
      <h3 id={titleId}>{title}</h3>
      {children}
    </section>
  );
}
