export interface LiveAnnouncerProps {
  readonly message: string;
  /** Changes with every announcement so that a repeated sentence is read again. */
  readonly seq: number;
}

/** The page's single polite status region, read by screen readers without moving focus. */
export function LiveAnnouncer({ message, seq }: LiveAnnouncerProps) {
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className="visually-hidden">
      {seq % 2 === 0 ? message : `${message}\u00a0`}
    </div>
  );
}
