import { useEffect, useId, useRef } from 'react';
import { Button } from './Button';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly body?: string;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
}

/**
 * A yes/no question over the whole screen. The safe answer ("no") has the focus, so a screen
 * reader reads the question at once and a stray touch elsewhere does nothing.
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
  busy = false,
}: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const safeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => safeRef.current?.focus(), []);

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={body ? bodyId : undefined}
        data-testid="confirm-dialog"
      >
        <h2 id={titleId}>{title}</h2>
        {body ? <p id={bodyId}>{body}</p> : null}
        <div className="dialog__actions">
          <Button ref={safeRef} variant="secondary" testId="confirm-no" onClick={onCancel}>
            {cancelLabel}
          </Button>
          <Button variant="danger" testId="confirm-yes" disabled={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}
