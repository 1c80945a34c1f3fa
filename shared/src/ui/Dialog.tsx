import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

export interface DialogProps {
  readonly title: string;
  /** Escape, or the dialog's own close action. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly testId?: string;
  readonly role?: 'dialog' | 'alertdialog';
  readonly describedBy?: string;
  /** Extra classes beside `dialog` (each app's sizes). */
  readonly className?: string;
  /** What has the focus when the dialog opens (the safe answer of a question, …). */
  readonly initialFocus?: RefObject<HTMLElement | null>;
}

/**
 * A modal dialog on the native <dialog> element: the browser traps the focus inside, makes the
 * rest of the page inert, and turns Escape into `onClose`. When it goes, the focus goes back to
 * where it was before it opened.
 */
export function Dialog({
  title,
  onClose,
  children,
  testId,
  role,
  describedBy,
  className,
  initialFocus,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // The latest onClose, for the listener set once below.
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement;
    let unmounting = false;
    // Chrome closes a dialog by itself when Escape is pressed again without a user activation in
    // between: then the dialog is still rendered but not shown, so whoever owns it must know.
    const onNativeClose = () => {
      if (!unmounting) onCloseRef.current();
    };
    dialog.addEventListener('close', onNativeClose);
    if (!dialog.open) dialog.showModal();
    initialFocus?.current?.focus();
    return () => {
      unmounting = true;
      dialog.removeEventListener('close', onNativeClose);
      dialog.close();
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
    // Opened once per mount; a new initial focus target does not reopen it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
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
