import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument, OPS, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

const STANDARD_FONTS = `${path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;

/** A PDF as pdf.js reads it: another reader than pdf-lib, which writes the stamped ones. */
async function withPdfJs<T>(bytes: Uint8Array, read: (doc: PDFDocumentProxy) => Promise<T>) {
  const task = getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: STANDARD_FONTS });
  try {
    return await read(await task.promise);
  } finally {
    await task.destroy();
  }
}

/** The text of each page, its pieces joined by spaces. */
export function pageTexts(bytes: Uint8Array): Promise<string[]> {
  return withPdfJs(bytes, async (doc) => {
    const texts: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    return texts;
  });
}

/** How many paths the last page paints (pdf.js folds each path, a box or a stroke, into one). */
export function lastPagePaths(bytes: Uint8Array): Promise<number> {
  return withPdfJs(bytes, async (doc) => {
    const { fnArray } = await (await doc.getPage(doc.numPages)).getOperatorList();
    return fnArray.filter((op) => op === OPS.constructPath).length;
  });
}
