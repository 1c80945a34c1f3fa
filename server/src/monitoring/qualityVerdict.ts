import type { QualityVerdict } from '@visio/shared/protocol';

/**
 * When a call is good, fair or poor. A figure above `fair` makes the call at best fair, above
 * `poor` makes it poor. Why these numbers:
 * - packet loss: Opus (with in-band FEC) and VP8 (with NACK) hide up to about 2 %; above 5 % speech
 *   breaks up and video shows artefacts;
 * - jitter, of the audio flows: WebRTC's jitter buffer absorbs some 30 ms without adding noticeable
 *   delay; above 50 ms it adds delay or drops late packets. Video's figure is not judged: its
 *   packets carry the frame's capture time, so it counts the frames' own timing too (a frame's
 *   packets leave together, a keyframe takes longer to encode, more so on a busy machine): 37 ms
 *   on a clean loopback with the CPU loaded, where audio's was 15 ms. A line's jitter shows in its
 *   audio as well, and video's troubles in its loss and freezes;
 * - round trip browser to browser through the server: ITU-T G.114 keeps one-way delay under
 *   150 ms for natural conversation (300 ms round trip); above 250 ms one way (500 ms) people talk
 *   over each other;
 * - video freezes per minute of call (call summary only; a live sample flags any new freeze as
 *   fair).
 */
export const QUALITY_THRESHOLDS = {
  packetLossPercent: { fair: 2, poor: 5 },
  jitterMs: { fair: 30, poor: 50 },
  rttMs: { fair: 300, poor: 500 },
  freezesPerMinute: { fair: 0.5, poor: 2 },
} as const;

export type QualityReason = 'packet_loss' | 'jitter' | 'rtt' | 'freezes';

/**
 * The worst figure of each kind over the flows of a call (a sample's values or p95s); jitter over
 * its audio flows only.
 */
export interface WorstFigures {
  packetLossPercent: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  freezesPerMinute: number | null;
}

const RANK: Record<QualityVerdict, number> = { good: 0, fair: 1, poor: 2 };

/** The verdict and the figures that made it; null when nothing was measured. */
export function judge(worst: WorstFigures): {
  verdict: QualityVerdict | null;
  reasons: QualityReason[];
} {
  const checks: [QualityReason, number | null, { fair: number; poor: number }][] = [
    ['packet_loss', worst.packetLossPercent, QUALITY_THRESHOLDS.packetLossPercent],
    ['jitter', worst.jitterMs, QUALITY_THRESHOLDS.jitterMs],
    ['rtt', worst.rttMs, QUALITY_THRESHOLDS.rttMs],
    ['freezes', worst.freezesPerMinute, QUALITY_THRESHOLDS.freezesPerMinute],
  ];
  let verdict: QualityVerdict | null = null;
  const reasons: QualityReason[] = [];
  for (const [reason, value, limits] of checks) {
    if (value === null) continue;
    const level: QualityVerdict =
      value > limits.poor ? 'poor' : value > limits.fair ? 'fair' : 'good';
    if (level !== 'good') reasons.push(reason);
    if (verdict === null || RANK[level] > RANK[verdict]) verdict = level;
  }
  return { verdict, reasons };
}

/** Mean and 95th percentile (nearest rank); null for no values. */
export function stat(values: readonly number[]): { avg: number; p95: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const avg = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
  return { avg: round2(avg), p95: round2(p95) };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
