import { useId } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly body: string;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
}

/** A question before something that cannot be undone; the safe answer has the focus. */
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
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      role="alertdialog"
      describedBy={bodyId}
      testId="confirm-dialog"
    >
      <p id={bodyId}>{body}</p>
      <div className="dialog__actions">
        <Button variant="secondary" testId="confirm-no" autoFocus onClick={onCancel}>
          {cancelLabel}
        </Button>
        <Button variant="danger" testId="confirm-yes" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
