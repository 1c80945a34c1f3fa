import { useId, useRef } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';

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
 * A question before something that cannot be undone. The safe answer ("no") has the focus, so a
 * screen reader reads the question at once and a stray Enter or touch does no harm.
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
  const bodyId = useId();
  const safeRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      role="alertdialog"
      describedBy={body ? bodyId : undefined}
      testId="confirm-dialog"
      initialFocus={safeRef}
    >
      {body ? <p id={bodyId}>{body}</p> : null}
      <div className="dialog__actions">
        <Button ref={safeRef} variant="secondary" testId="confirm-no" onClick={onCancel}>
          {cancelLabel}
        </Button>
        <Button variant="danger" testId="confirm-yes" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
