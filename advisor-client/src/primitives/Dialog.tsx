import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  readonly title: string;
  /** Escape, or the dialog's own close action. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly testId?: string;
  readonly role?: 'dialog' | 'alertdialog';
  readonly describedBy?: string;
}

/**
 * A modal dialog on the native <dialog> element: the browser traps the focus inside, makes the
 * rest of the page inert, closes on Escape, and gives the focus back where it was.
 */
export function Dialog({ title, onClose, children, testId, role, describedBy }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      role={role}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
