import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

// Loaded only when a document is to be signed: pdf.js is the kiosk's largest library.
GlobalWorkerOptions.workerSrc = workerUrl;

/** Opens a PDF from its bytes (a copy: pdf.js hands the buffer to its worker). */
export function open(bytes: ArrayBuffer) {
  return getDocument({ data: new Uint8Array(bytes.slice(0)), enableXfa: false });
}
