/** Prints one document only: loads it in a hidden frame and prints that frame. */
export function printDocument(url: string): void {
  const frame = document.createElement('iframe');
  frame.className = 'print-frame';
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.src = url;
  frame.addEventListener('load', () => {
    const view = frame.contentWindow;
    if (!view) return frame.remove();
    view.addEventListener('afterprint', () => frame.remove());
    view.focus();
    view.print();
    // Some print paths never fire afterprint: do not leave the frame behind.
    setTimeout(() => frame.remove(), 60_000);
  });
  document.body.append(frame);
}
