import { useCallback, useEffect, useRef, type PointerEvent } from 'react';
import { SIGNATURE_PAD, signaturePath } from '@visio/shared/protocol';
import type { SignatureDrawing } from './SignatureDrawing';

/** The ink's width, in pad units (a 1000-unit-wide pad: a felt pen's line). */
const INK_WIDTH = 7;

/**
 * The pad: a canvas that takes touch, pen and mouse alike (pointer events; the pen's in-between
 * samples too), draws each stroke as the same smoothed path the server stamps, and tells its
 * owner after each stroke. `touch-action: none` keeps the page from scrolling under the finger.
 */
export function SignaturePad({
  drawing,
  version,
  onStroke,
  label,
  describedBy,
}: {
  readonly drawing: SignatureDrawing;
  /** Bumped by the owner on undo and clear: the pad draws the strokes again. */
  readonly version: number;
  readonly onStroke: () => void;
  readonly label: string;
  readonly describedBy: string;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const activePointer = useRef<number | null>(null);

  const paint = useCallback(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const { width, height } = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(width * ratio));
    const h = Math.max(1, Math.round(height * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(w / SIGNATURE_PAD.width, 0, 0, h / SIGNATURE_PAD.height, 0, 0);
    ctx.lineWidth = INK_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#0d1a73';
    for (const stroke of drawing.toStrokes()) ctx.stroke(new Path2D(signaturePath(stroke)));
  }, [drawing]);

  useEffect(() => {
    paint();
    const canvas = canvasRef.current;
    if (!canvas) return;
    const resized = new ResizeObserver(() => paint());
    resized.observe(canvas);
    return () => resized.disconnect();
  }, [paint, version]);

  const at = (event: { clientX: number; clientY: number }) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return [
      (event.clientX - rect.left) / rect.width,
      (event.clientY - rect.top) / rect.height,
    ] as const;
  };

  const down = (event: PointerEvent<HTMLCanvasElement>) => {
    // One finger signs; a palm or a second finger does not add strokes.
    if (!event.isPrimary || activePointer.current !== null) return;
    event.preventDefault();
    activePointer.current = event.pointerId;
    event.currentTarget.setPointerCapture(event.pointerId);
    drawing.begin(...at(event));
    paint();
  };
  const move = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.pointerId !== activePointer.current) return;
    const coalesced = event.nativeEvent.getCoalescedEvents?.() ?? [];
    let added = false;
    for (const sample of coalesced.length > 0 ? coalesced : [event.nativeEvent])
      added = drawing.extend(...at(sample)) || added;
    if (added) paint();
  };
  const up = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.pointerId !== activePointer.current) return;
    activePointer.current = null;
    drawing.end();
    onStroke();
  };

  return (
    <canvas
      ref={canvasRef}
      className="signature-pad"
      data-testid="signature-pad"
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
    />
  );
}
