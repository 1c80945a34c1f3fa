import { z } from 'zod';
import { IdSchema } from './ids';

// Signing a call's PDF on the kiosk's screen: the advisor sends one to sign, the citizen signs on
// a pad (or declines), the server stamps the strokes onto the PDF's last page.

/**
 * The pad's coordinate space: every point is an integer x in [0, width], y in [0, height], from
 * the top left, whatever the pad's size on screen (its aspect ratio is this one).
 */
export const SIGNATURE_PAD = { width: 1000, height: 400 } as const;
/** Most strokes in one signature (a pen lifted and put down again starts a new one). */
export const MAX_SIGNATURE_STROKES = 60;
/**
 * Most points in one signature, all strokes together; at ~8 bytes a point on the wire the
 * request stays under the signalling's 32 KB payload limit.
 */
export const MAX_SIGNATURE_POINTS = 3000;

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');

const coordinate = z.int().min(0).max(SIGNATURE_PAD.width);

/**
 * One stroke as a flat list of its points, `[x0, y0, x1, y1, …]` (a tap is one point). Flat
 * because it halves the bytes of a list of pairs.
 */
export const SignatureStrokeSchema = z
  .array(coordinate)
  .min(2)
  .max(MAX_SIGNATURE_POINTS * 2)
  .refine((xy) => xy.length % 2 === 0, 'x and y alternate: an even count')
  .refine(
    (xy) => xy.every((v, i) => i % 2 === 0 || v <= SIGNATURE_PAD.height),
    `y is at most ${SIGNATURE_PAD.height}`,
  );

export const SignatureStrokesSchema = z
  .array(SignatureStrokeSchema)
  .min(1)
  .max(MAX_SIGNATURE_STROKES)
  .refine(
    (strokes) => strokes.reduce((n, s) => n + s.length / 2, 0) <= MAX_SIGNATURE_POINTS,
    `at most ${MAX_SIGNATURE_POINTS} points in all`,
  );
export type SignatureStrokes = z.infer<typeof SignatureStrokesSchema>;

/** Why a citizen did not sign, as they told the kiosk. */
export const SignatureDeclineReasonSchema = z.enum(['cannot_sign', 'not_agreed']);
export type SignatureDeclineReason = z.infer<typeof SignatureDeclineReasonSchema>;

/** A document sent to sign: one open at a time per call. */
export const SignatureRequestSchema = z.object({
  id: IdSchema,
  /** The call document to sign (a PDF). */
  documentId: IdSchema,
  name: z.string(),
  /** SHA-256 of the document's bytes as sent: what both screens show, what the stamp carries. */
  sha256: Sha256Schema,
  at: z.iso.datetime({ offset: true }),
});
export type SignatureRequest = z.infer<typeof SignatureRequestSchema>;

/** How a signature request ended, for the call `callId`; `signed` names the stamped PDF, a new call document. */
const closed = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ callId: IdSchema, signatureId: IdSchema, sha256: Sha256Schema, ...shape });

export const SignatureClosedSchema = z.discriminatedUnion('outcome', [
  closed({ outcome: z.literal('signed'), signedDocumentId: IdSchema }),
  closed({ outcome: z.literal('declined'), reason: SignatureDeclineReasonSchema }),
  closed({ outcome: z.literal('cancelled') }),
]);
export type SignatureClosed = z.infer<typeof SignatureClosedSchema>;

/**
 * A stroke as an SVG path in pad coordinates, smoothed: quadratic curves through the midpoints of
 * its segments, each point a control point. The kiosk draws this very path on its pad (Path2D) and
 * the server stamps it on the PDF, so what the citizen saw is what is signed. A tap is a dot.
 */
export function signaturePath(xy: readonly number[]): string {
  const n = xy.length / 2;
  const x = (i: number) => xy[2 * i]!;
  const y = (i: number) => xy[2 * i + 1]!;
  if (n === 1) return `M ${x(0)} ${y(0)} L ${x(0) + 0.5} ${y(0)}`;
  const parts = [`M ${x(0)} ${y(0)}`];
  for (let i = 1; i < n - 1; i++) {
    parts.push(`Q ${x(i)} ${y(i)} ${(x(i) + x(i + 1)) / 2} ${(y(i) + y(i + 1)) / 2}`);
  }
  parts.push(`L ${x(n - 1)} ${y(n - 1)}`);
  return parts.join(' ');
}
