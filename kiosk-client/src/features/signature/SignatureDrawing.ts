import {
  MAX_SIGNATURE_POINTS,
  MAX_SIGNATURE_STROKES,
  SIGNATURE_PAD,
  type SignatureStrokes,
} from '@visio/shared/protocol';

/** A point closer than this to the previous one of its stroke adds nothing but bytes (pad units). */
const MIN_STEP = 3;

/**
 * The strokes drawn on the pad so far, in the pad's coordinates (SIGNATURE_PAD), within the
 * bounds the server accepts: points are rounded and kept inside the pad, near-duplicates are
 * dropped, and once a signature holds its most points or strokes the rest is not taken.
 */
export class SignatureDrawing {
  private strokes: number[][] = [];
  private points = 0;
  private drawing = false;

  /** A finger, pen or mouse touches the pad at (x, y), given as fractions of its size. */
  begin(fx: number, fy: number): void {
    this.drawing = false;
    if (this.strokes.length >= MAX_SIGNATURE_STROKES || this.points >= MAX_SIGNATURE_POINTS) return;
    this.strokes.push([]);
    this.drawing = true;
    this.add(fx, fy);
  }

  /** It moves to (x, y); false if nothing was added (too close, or the signature is full). */
  extend(fx: number, fy: number): boolean {
    if (!this.drawing) return false;
    return this.add(fx, fy);
  }

  end(): void {
    this.drawing = false;
  }

  undo(): void {
    const last = this.strokes.pop();
    if (last) this.points -= last.length / 2;
    this.drawing = false;
  }

  clear(): void {
    this.strokes = [];
    this.points = 0;
    this.drawing = false;
  }

  get strokeCount(): number {
    return this.strokes.length;
  }

  get isEmpty(): boolean {
    return this.strokes.length === 0;
  }

  /** What is sent to the server: copies, never the live arrays. */
  toStrokes(): SignatureStrokes {
    return this.strokes.map((s) => [...s]);
  }

  private add(fx: number, fy: number): boolean {
    if (this.points >= MAX_SIGNATURE_POINTS) return false;
    const stroke = this.strokes[this.strokes.length - 1]!;
    const x = Math.round(clamp(fx) * SIGNATURE_PAD.width);
    const y = Math.round(clamp(fy) * SIGNATURE_PAD.height);
    const n = stroke.length;
    if (n >= 2 && Math.hypot(x - stroke[n - 2]!, y - stroke[n - 1]!) < MIN_STEP) return false;
    stroke.push(x, y);
    this.points += 1;
    return true;
  }
}

function clamp(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
}
