import type { CallStatsSummary, MediaFlowStats } from '@visio/shared/client';

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/** What one side of the call looks like on the network, for a text + icon indicator. */
export interface SideQuality {
  readonly level: QualityLevel;
  /** Audio + video, kilobits per second. */
  readonly bitrateKbps: number | null;
  /** Share of packets lost since the previous reading, in percent. */
  readonly lossPercent: number | null;
  readonly rttMs: number | null;
  readonly jitterMs: number | null;
}

export const UNKNOWN_QUALITY: SideQuality = {
  level: 'unknown',
  bitrateKbps: null,
  lossPercent: null,
  rttMs: null,
  jitterMs: null,
};

interface Counters {
  readonly packets: number;
  readonly lost: number;
}

// The thresholds usually quoted for interactive voice/video (ITU-T G.114 for delay; a few percent
// of loss is where Opus FEC and VP8 stop hiding it).
const FAIR = { lossPercent: 2, rttMs: 300, jitterMs: 30 };
const POOR = { lossPercent: 8, rttMs: 600, jitterMs: 80 };

/**
 * Turns successive CallSession.getStats() summaries into a verdict per side: inbound media is the
 * citizen's side as it reaches us, outbound media (with the round trip) is ours. Loss is measured
 * between two readings, so a bad minute long ago does not colour the present.
 */
export class NetworkQuality {
  private previous: { inbound: Counters | null; outbound: Counters | null } = {
    inbound: null,
    outbound: null,
  };

  read(summary: CallStatsSummary): { self: SideQuality; citizen: SideQuality } {
    const inbound = flows(summary.inbound);
    const outbound = flows(summary.outbound);
    const inCounters = counters(inbound);
    const outCounters = counters(outbound);
    const citizen = side(inbound, lossBetween(this.previous.inbound, inCounters));
    const self = side(outbound, lossBetween(this.previous.outbound, outCounters));
    this.previous = { inbound: inCounters, outbound: outCounters };
    return { self, citizen };
  }
}

function flows(byKind: {
  readonly audio: MediaFlowStats | null;
  readonly video: MediaFlowStats | null;
}) {
  return [byKind.audio, byKind.video].filter((f): f is MediaFlowStats => f !== null);
}

function counters(list: readonly MediaFlowStats[]): Counters | null {
  if (list.length === 0) return null;
  return {
    packets: list.reduce((a, f) => a + f.packets, 0),
    lost: list.reduce((a, f) => a + Math.max(0, f.packetsLost ?? 0), 0),
  };
}

function lossBetween(before: Counters | null, now: Counters | null): number | null {
  if (!now) return null;
  const packets = now.packets - (before?.packets ?? 0);
  const lost = now.lost - (before?.lost ?? 0);
  if (packets + lost <= 0) return null;
  return Math.round((Math.max(0, lost) / (packets + Math.max(0, lost))) * 1000) / 10;
}

function side(list: readonly MediaFlowStats[], lossPercent: number | null): SideQuality {
  if (list.length === 0) return UNKNOWN_QUALITY;
  const known = <T>(values: (T | null)[]) => values.filter((v): v is T => v !== null);
  const bitrates = known(list.map((f) => f.bitrateKbps));
  const rtts = known(list.map((f) => f.roundTripTimeMs));
  const jitters = known(list.map((f) => f.jitterMs));
  const bitrateKbps = bitrates.length > 0 ? Math.round(bitrates.reduce((a, b) => a + b, 0)) : null;
  const rttMs = rtts.length > 0 ? Math.max(...rtts) : null;
  const jitterMs = jitters.length > 0 ? Math.max(...jitters) : null;
  return {
    level: levelOf(bitrateKbps, lossPercent, rttMs, jitterMs),
    bitrateKbps,
    lossPercent,
    rttMs,
    jitterMs,
  };
}

function levelOf(
  bitrateKbps: number | null,
  lossPercent: number | null,
  rttMs: number | null,
  jitterMs: number | null,
): QualityLevel {
  if (bitrateKbps === null && lossPercent === null && rttMs === null) return 'unknown';
  const over = (limits: typeof FAIR) =>
    (lossPercent ?? 0) >= limits.lossPercent ||
    (rttMs ?? 0) >= limits.rttMs ||
    (jitterMs ?? 0) >= limits.jitterMs;
  if (over(POOR) || bitrateKbps === 0) return 'poor';
  if (over(FAIR)) return 'fair';
  return 'good';
}
