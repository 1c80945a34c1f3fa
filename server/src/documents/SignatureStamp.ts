import { createHash } from 'node:crypto';
import { LineCapStyle, PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import {
  AppError,
  SIGNATURE_PAD,
  signaturePath,
  type SignatureStrokes,
} from '@visio/shared/protocol';

/** SHA-256 of a document's bytes, lower-case hex: the fingerprint both screens show. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Room around the stamp and inside it, in PDF points (1/72 inch). */
const MARGIN = 24;
const PADDING = 6;
/** The stamp's widest width: about 9 cm, beside the usual signature box of a French form. */
const STAMP_WIDTH = 260;
const LINE = 8;

/**
 * Loads a PDF as pdf-lib reads it, or refuses it (`INVALID_INPUT`, reason `unreadable_pdf`):
 * damaged, encrypted (a stamp would break its protection), or without a page.
 */
export async function loadSignable(bytes: Uint8Array): Promise<PDFDocument> {
  try {
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    // Damage shows as late as the page tree: read it now, not half-way through a stamp.
    if (!pdf.isEncrypted && pdf.getPages().length > 0) return pdf;
  } catch {
    // Unreadable: said below.
  }
  throw unreadable();
}

function unreadable(): AppError {
  return AppError.withReason(
    'INVALID_INPUT',
    'unreadable_pdf',
    'This PDF cannot be signed here (damaged, protected or empty)',
  );
}

export interface StampOptions {
  /** When the citizen confirmed. */
  at: Date;
  /** Where the date is read (the network's time zone, e.g. Europe/Paris). */
  timeZone: string;
}

/**
 * The PDF with the signature stamped at the bottom right of its last page: the strokes as drawn
 * on the pad (same smoothing), the date and time, and the SHA-256 of the original document, on a
 * white ground so that it reads over whatever the page has there. Every page of the original is
 * kept as it was; the stamp is in both French and English.
 */
export async function stampSignature(
  original: Uint8Array,
  strokes: SignatureStrokes,
  options: StampOptions,
): Promise<Buffer> {
  const pdf = await loadSignable(original);
  const page = pdf.getPage(pdf.getPageCount() - 1);
  const box = page.getCropBox();
  const width = Math.min(STAMP_WIDTH, box.width - 2 * MARGIN);
  const inner = width - 2 * PADDING;
  const scale = inner / SIGNATURE_PAD.width;
  const drawingHeight = SIGNATURE_PAD.height * scale;
  const height = PADDING + drawingHeight + 3 * LINE + PADDING + 2;
  const x = box.x + box.width - MARGIN - width;
  const y = box.y + MARGIN;

  page.drawRectangle({
    x,
    y,
    width,
    height,
    color: rgb(1, 1, 1),
    opacity: 0.9,
    borderColor: rgb(0.2, 0.2, 0.2),
    borderWidth: 0.5,
  });
  // SVG paths are drawn from their top left, y downwards: the pad's own orientation.
  const top = y + height - PADDING;
  for (const stroke of strokes) {
    page.drawSvgPath(signaturePath(stroke), {
      x: x + PADDING,
      y: top,
      scale,
      borderColor: rgb(0.05, 0.1, 0.45),
      borderWidth: 2.2,
      borderLineCap: LineCapStyle.Round,
    });
  }
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const mono = await pdf.embedFont(StandardFonts.Courier);
  const when = winAnsi(
    new Intl.DateTimeFormat('fr-FR', {
      dateStyle: 'short',
      timeStyle: 'medium',
      timeZone: options.timeZone,
    }).format(options.at),
  );
  const text = (line: string, row: number, f = font, size = 6.5) =>
    page.drawText(line, {
      x: x + PADDING,
      y: y + PADDING + (2 - row) * LINE,
      size,
      font: f,
      color: rgb(0, 0, 0),
    });
  text(`Signé le / Signed on ${when} (${winAnsi(options.timeZone)})`, 0);
  text('SHA-256 du document original / of the original document:', 1);
  text(sha256Of(original), 2, mono, Math.min(6.5, inner / (64 * 0.6)));
  return Buffer.from(await pdf.save());
}

/** The standard fonts speak WinAnsi: narrow and other odd spaces become plain ones. */
function winAnsi(text: string): string {
  return text.replace(/[\u00a0\u2000-\u200b\u202f\u205f]/g, ' ').replace(/[^\x20-\xff]/g, '?');
}
