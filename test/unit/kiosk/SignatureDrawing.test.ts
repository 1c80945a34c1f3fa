import { describe, expect, it } from 'vitest';
import {
  MAX_SIGNATURE_POINTS,
  MAX_SIGNATURE_STROKES,
  SignatureStrokesSchema,
} from '@visio/shared/protocol';
import { SignatureDrawing } from '../../../kiosk-client/src/features/signature/SignatureDrawing';

describe('the signature being drawn on the pad', () => {
  it('keeps points in pad units inside the pad, without near-duplicates', () => {
    const drawing = new SignatureDrawing();
    drawing.begin(0.1, 0.5);
    expect(drawing.extend(0.1001, 0.5)).toBe(false);
    expect(drawing.extend(0.2, 0.25)).toBe(true);
    drawing.extend(1.5, -2);
    drawing.end();
    expect(drawing.extend(0.3, 0.3)).toBe(false);
    expect(drawing.toStrokes()).toEqual([[100, 200, 200, 100, 1000, 0]]);
  });

  it('undoes the last stroke and clears them all', () => {
    const drawing = new SignatureDrawing();
    for (const x of [0.1, 0.5, 0.9]) {
      drawing.begin(x, 0.5);
      drawing.extend(x + 0.05, 0.6);
      drawing.end();
    }
    drawing.undo();
    expect(drawing.toStrokes().map((s) => s[0])).toEqual([100, 500]);
    drawing.clear();
    expect(drawing.isEmpty).toBe(true);
  });

  it('stops taking points and strokes at the bounds the server accepts', () => {
    const drawing = new SignatureDrawing();
    for (let s = 0; s < MAX_SIGNATURE_STROKES + 5; s++) {
      drawing.begin(0, 0);
      for (let i = 1; i < 100; i++) drawing.extend((i % 2) * 0.5, (i % 3) * 0.3);
      drawing.end();
    }
    const strokes = drawing.toStrokes();
    expect(strokes.length).toBeLessThanOrEqual(MAX_SIGNATURE_STROKES);
    expect(strokes.reduce((n, s) => n + s.length / 2, 0)).toBe(MAX_SIGNATURE_POINTS);
    expect(SignatureStrokesSchema.safeParse(strokes).success).toBe(true);

    // One endless stroke too.
    const long = new SignatureDrawing();
    long.begin(0, 0);
    for (let i = 1; i < MAX_SIGNATURE_POINTS * 2; i++) long.extend((i % 2) * 0.5, 0.5);
    expect(long.toStrokes()[0]).toHaveLength(MAX_SIGNATURE_POINTS * 2);
  });
});
