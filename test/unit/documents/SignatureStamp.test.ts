import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import {
  SignatureStrokesSchema,
  SIGNATURE_PAD,
  type SignatureStrokes,
} from '@visio/shared/protocol';
import { loadSignable, stampSignature } from '../../../server/src/documents/SignatureStamp';
import { lastPagePaths, pageTexts } from '../../support/pdfText';

/** A two-page form, each page saying which it is. */
async function form(pages = 2): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    pdf.addPage([595, 842]).drawText(`Formulaire page ${i}`, { x: 72, y: 760, size: 18, font });
  }
  return pdf.save();
}

const SIGNATURE: SignatureStrokes = [
  [100, 300, 150, 200, 200, 120, 260, 180, 300, 260, 340, 150],
  [400, 250, 480, 240, 560, 260],
  [700, 100],
];

describe('stamping a signature on a PDF', () => {
  test('keeps every page, stamps the last one with the strokes, the date and the original’s SHA-256', async () => {
    const original = await form(2);
    const at = new Date('2026-12-04T14:05:09Z');
    const signed = await stampSignature(original, SIGNATURE, { at, timeZone: 'Europe/Paris' });

    const hash = createHash('sha256').update(original).digest('hex');
    const [first, last] = await pageTexts(signed);
    const before = await pageTexts(original);
    expect(signed.equals(Buffer.from(original))).toBe(false);
    expect(first).toBe(before[0]);
    expect(last).toContain('Formulaire page 2');
    expect(last).toContain('04/12/2026 15:05:09');
    expect(last).toContain('Europe/Paris');
    expect(last).toContain(hash);
    expect(first).not.toContain(hash);
    // The box and the three strokes, on a page that had none.
    expect(await lastPagePaths(original)).toBe(0);
    expect(await lastPagePaths(signed)).toBe(1 + SIGNATURE.length);
  });

  test('stamps a one-page document on its only page', async () => {
    const signed = await stampSignature(await form(1), SIGNATURE, {
      at: new Date(),
      timeZone: 'UTC',
    });
    expect((await PDFDocument.load(signed)).getPageCount()).toBe(1);
    expect((await pageTexts(signed))[0]).toContain('SHA-256');
  });

  test('refuses what pdf-lib cannot read, with a reason the advisor is told', async () => {
    await expect(loadSignable(Buffer.from('%PDF-1.4\nnot really'))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'unreadable_pdf',
    });
  });
});

describe('the signature’s bounds on the wire', () => {
  test('takes points inside the pad only, in x/y pairs, within the counts', () => {
    expect(SignatureStrokesSchema.safeParse(SIGNATURE).success).toBe(true);
    const refused = [
      [],
      [[]],
      [[1, 2, 3]],
      [[SIGNATURE_PAD.width + 1, 0]],
      [[0, SIGNATURE_PAD.height + 1]],
      [[1.5, 2]],
      [[-1, 2]],
      Array.from({ length: 61 }, () => [1, 1]),
      Array.from({ length: 4 }, () => Array.from({ length: 1600 }, () => 5)),
    ];
    for (const strokes of refused)
      expect(SignatureStrokesSchema.safeParse(strokes).success).toBe(false);
  });
});
