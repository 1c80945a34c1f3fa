import type { MediaKind } from '@visio/shared/protocol';
import type { ConsumerFigures, ProducerFigures, RoomFigures } from '../media';
import type {
  CallStatsReport,
  FlowQuality,
  MediaFlowReport,
  QualitySample,
  QualitySummary,
} from '@visio/shared/protocol';
import { judge, round2, stat, type QualityReason } from './qualityVerdict';

export type Party = 'kiosk' | 'advisor';
type DirectionKey = 'kioskToAdvisor' | 'advisorToKiosk';
type Metric = 'bitrateKbps' | 'packetLossPercent' | 'jitterMs' | 'rttMs' | 'framesPerSecond';

const DIRECTIONS: readonly [DirectionKey, Party, Party][] = [
  ['kioskToAdvisor', 'kiosk', 'advisor'],
  ['advisorToKiosk', 'advisor', 'kiosk'],
];
const KINDS: readonly MediaKind[] = ['audio', 'video'];
const METRICS: readonly Metric[] = [
  'bitrateKbps',
  'packetLossPercent',
  'jitterMs',
  'rttMs',
  'framesPerSecond',
];
/** Values kept per metric for the end-of-call summary: 12 hours at one sample every 5 s. */
const MAX_VALUES = 8_640;

export interface TrackerOptions {
  /** Samples kept for live charts. */
  ringSize: number;
  /** A browser report older than this is not used for a sample. */
  staleAfterMs: number;
}

interface PartyReports {
  latest: CallStatsReport;
  receivedAt: number;
  /** Inbound loss over the last report interval, by kind (percent). */
  inboundLossPercent: Record<MediaKind, number | null>;
  /** Video stalls seen by this party as a receiver. */
  freezes: { counted: number; browserCount: number; frozen: boolean };
}

/**
 * The quality record of one call: the browsers' latest reports, the samples of the last minutes
 * (for live charts) and every figure since the start (for the summary stored when it ends).
 * Pure bookkeeping: the sampler feeds it server figures and reports, and the clock.
 *
 * For each direction (sender → receiver) and kind, figures come from the best source present:
 * - bitrate: the receiver's browser, else the server's consumer, else its producer;
 * - packet loss: the receiver's browser (lost / expected since its previous report), else the
 *   server's legs combined (1 − (1 − producer loss)(1 − consumer loss));
 * - jitter: the receiver's browser, else the server's producer (sender → server leg);
 * - RTT: the sender's leg (its browser's remote-inbound RTT, else the server's producer) plus the
 *   receiver's leg (the server's consumer, else the receiver's ICE pair), whichever are known;
 * - frame rate and size: the receiver's browser, else the sender's;
 * - freezes: counted when the receiver's decoded frames stop advancing while the sender's video is
 *   live (or the browser's own `freezeCount`, whichever is higher);
 * - score: mediasoup's, the lower of the producer's and the consumer's.
 */
export class CallQualityTracker {
  private readonly ring: QualitySample[] = [];
  private readonly reports = new Map<Party, PartyReports>();
  private readonly values = new Map<string, number[]>();
  private readonly ice: Record<Party, 'udp' | 'tcp' | null> = { kiosk: null, advisor: null };
  private readonly flowing = new Set<Party>();
  /** Parties whose browser reported receiving media (any packet of either kind). */
  private readonly received = new Set<Party>();
  private freezesAtLastSample = 0;
  private _setupSeconds: number | null = null;
  private sampleCount = 0;
  private reportsSinceSample = 0;
  /** Some browser reported received video: only then do freezes per minute mean anything. */
  private videoWatched = false;

  constructor(
    readonly startedAt: number,
    private readonly options: TrackerOptions,
  ) {}

  get samples(): readonly QualitySample[] {
    return this.ring;
  }

  get latest(): QualitySample | null {
    return this.ring[this.ring.length - 1] ?? null;
  }

  get setupSeconds(): number | null {
    return this._setupSeconds;
  }

  /** A browser report arrived since the last sample: a sample now would hold new figures. */
  get hasNewReports(): boolean {
    return this.reportsSinceSample > 0;
  }

  browserReceived(party: Party): boolean {
    return this.received.has(party);
  }

  /**
   * A party receives live media. Returns the setup time once both parties receive
   * media (the first time only).
   */
  markFlowing(party: Party, now: number): number | undefined {
    if (this._setupSeconds !== null) return undefined;
    this.flowing.add(party);
    if (this.flowing.size < 2) return undefined;
    this._setupSeconds = round2(Math.max(0, now - this.startedAt) / 1000);
    return this._setupSeconds;
  }

  /** A browser's stats summary. `senderVideoLive`: the other party sends unpaused video. */
  addReport(party: Party, report: CallStatsReport, now: number, senderVideoLive: boolean): void {
    const before = this.reports.get(party);
    if (report.inbound.video !== null) this.videoWatched = true;
    if ((report.inbound.audio?.packets ?? 0) > 0 || (report.inbound.video?.packets ?? 0) > 0)
      this.received.add(party);
    const entry: PartyReports = {
      latest: report,
      receivedAt: now,
      inboundLossPercent: {
        audio: lossBetween(before?.latest.inbound.audio, report.inbound.audio),
        video: lossBetween(before?.latest.inbound.video, report.inbound.video),
      },
      freezes: before?.freezes ?? { counted: 0, browserCount: 0, frozen: false },
    };
    countFreezes(
      entry.freezes,
      before?.latest.inbound.video,
      report.inbound.video,
      senderVideoLive,
    );
    this.reports.set(party, entry);
    this.reportsSinceSample += 1;
  }

  /** Takes a sample from the server's figures (undefined if unavailable) and the fresh reports. */
  sample(
    server: RoomFigures | undefined,
    peers: Record<Party, string>,
    now: number,
  ): QualitySample {
    for (const party of ['kiosk', 'advisor'] as const) {
      const protocol = server?.get(peers[party])?.iceProtocol;
      if (protocol) this.ice[party] = protocol;
    }
    const flows = {} as QualitySample['flows'];
    for (const [key, sender, receiver] of DIRECTIONS) {
      flows[key] = {
        audio: this.flow(key, 'audio', sender, receiver, server, peers, now),
        video: this.flow(key, 'video', sender, receiver, server, peers, now),
      };
    }
    const all = Object.values(flows).flatMap((byKind) => [byKind.audio, byKind.video]);
    const present = all.filter((f): f is FlowQuality => f !== null);
    const worst = (pick: (f: FlowQuality) => number | null) => maxKnown(present.map(pick));
    const audio = Object.values(flows).map((byKind) => byKind.audio);
    const judged = judge({
      packetLossPercent: worst((f) => f.packetLossPercent),
      // Audio's only: see QUALITY_THRESHOLDS.
      jitterMs: maxKnown(audio.map((f) => f?.jitterMs ?? null)),
      rttMs: worst((f) => f.rttMs),
      freezesPerMinute: null,
    });
    const freezes = this.totalFreezes();
    if (freezes > this.freezesAtLastSample) {
      judged.reasons.push('freezes');
      if (judged.verdict === null || judged.verdict === 'good') judged.verdict = 'fair';
    }
    this.freezesAtLastSample = freezes;
    const sample: QualitySample = {
      at: new Date(now).toISOString(),
      flows,
      ice: { ...this.ice },
      verdict: judged.verdict,
      reasons: judged.reasons,
    };
    this.ring.push(sample);
    if (this.ring.length > this.options.ringSize) this.ring.shift();
    this.sampleCount += 1;
    this.reportsSinceSample = 0;
    return sample;
  }

  /** Averages and 95th percentiles since the start, and the verdict (QUALITY_THRESHOLDS). */
  summary(endedAt: number): QualitySummary {
    const flows = {} as QualitySummary['flows'];
    const p95s: Record<'packetLossPercent' | 'jitterMs' | 'rttMs', number[]> = {
      packetLossPercent: [],
      jitterMs: [],
      rttMs: [],
    };
    for (const [key, , receiver] of DIRECTIONS) {
      flows[key] = { audio: null, video: null };
      for (const kind of KINDS) {
        const stats = Object.fromEntries(
          METRICS.map((m) => [m, stat(this.values.get(`${key}.${kind}.${m}`) ?? [])]),
        ) as Record<Metric, ReturnType<typeof stat>>;
        const freezes = kind === 'video' ? this.freezesOf(receiver) : 0;
        if (Object.values(stats).every((s) => s === null) && freezes === 0) continue;
        flows[key][kind] = { ...stats, freezes };
        for (const m of ['packetLossPercent', 'jitterMs', 'rttMs'] as const) {
          const p95 = stats[m]?.p95;
          // Jitter is judged on audio only (see QUALITY_THRESHOLDS).
          if (p95 !== undefined && (m !== 'jitterMs' || kind === 'audio')) p95s[m].push(p95);
        }
      }
    }
    const minutes = Math.max(1, (endedAt - this.startedAt) / 60_000);
    const judged = judge({
      packetLossPercent: maxKnown(p95s.packetLossPercent),
      jitterMs: maxKnown(p95s.jitterMs),
      rttMs: maxKnown(p95s.rttMs),
      freezesPerMinute: this.videoWatched ? this.totalFreezes() / minutes : null,
    });
    return {
      version: 1,
      samples: this.sampleCount,
      verdict: judged.verdict,
      reasons: judged.reasons as QualityReason[],
      flows,
      ice: { ...this.ice },
      setupSeconds: this._setupSeconds,
    };
  }

  private flow(
    key: DirectionKey,
    kind: MediaKind,
    sender: Party,
    receiver: Party,
    server: RoomFigures | undefined,
    peers: Record<Party, string>,
    now: number,
  ): FlowQuality | null {
    const senderReport = this.fresh(sender, now);
    const receiverReport = this.fresh(receiver, now);
    const sOut = senderReport?.latest.outbound[kind] ?? null;
    const rIn = receiverReport?.latest.inbound[kind] ?? null;
    const producer = pickProducer(server?.get(peers[sender])?.producers, kind);
    const consumer: ConsumerFigures | undefined = producer
      ? server?.get(peers[receiver])?.consumers.find((c) => c.producerId === producer.id)
      : undefined;
    if (!sOut && !rIn && !producer) return null;
    const p = producer?.figures;

    const serverLoss = combineLoss(p?.fractionLost ?? null, consumer?.fractionLost ?? null);
    const up = sOut?.roundTripTimeMs ?? p?.rttMs ?? null;
    const down = consumer?.rttMs ?? rIn?.roundTripTimeMs ?? null;
    const video = kind === 'video';
    const flow: FlowQuality = {
      bitrateKbps: firstKnown(
        rIn?.bitrateKbps,
        kbps(consumer?.bitrateBps),
        kbps(p?.bitrateBps),
        sOut?.bitrateKbps,
      ),
      packetLossPercent: firstKnown(receiverReport?.inboundLossPercent[kind], serverLoss),
      jitterMs: firstKnown(rIn?.jitterMs, p?.jitterMs),
      rttMs: up === null && down === null ? null : round2((up ?? 0) + (down ?? 0)),
      framesPerSecond: video ? firstKnown(rIn?.framesPerSecond, sOut?.framesPerSecond) : null,
      frameWidth: video ? firstKnown(rIn?.frameWidth, sOut?.frameWidth) : null,
      frameHeight: video ? firstKnown(rIn?.frameHeight, sOut?.frameHeight) : null,
      freezes: video ? this.freezesOf(receiver) : 0,
      score:
        p?.score === null || p?.score === undefined
          ? null
          : Math.min(p.score, consumer?.score ?? p.score),
    };
    for (const m of METRICS) {
      const value = flow[m];
      if (value === null) continue;
      const bucket = `${key}.${kind}.${m}`;
      const list = this.values.get(bucket) ?? [];
      if (list.length < MAX_VALUES) list.push(value);
      this.values.set(bucket, list);
    }
    return flow;
  }

  private fresh(party: Party, now: number): PartyReports | undefined {
    const entry = this.reports.get(party);
    return entry && now - entry.receivedAt <= this.options.staleAfterMs ? entry : undefined;
  }

  private freezesOf(receiver: Party): number {
    const f = this.reports.get(receiver)?.freezes;
    return f ? Math.max(f.counted, f.browserCount) : 0;
  }

  private totalFreezes(): number {
    return this.freezesOf('kiosk') + this.freezesOf('advisor');
  }
}

/** The producer of that kind the flow is about: the camera or microphone first. */
function pickProducer(
  producers: Map<string, ProducerFigures> | undefined,
  kind: MediaKind,
): { id: string; figures: ProducerFigures } | undefined {
  if (!producers) return undefined;
  const ofKind = [...producers].filter(([, f]) => f.kind === kind);
  const main = ofKind.find(([, f]) => f.source === 'camera' || f.source === 'microphone');
  const [id, figures] = main ?? ofKind[0] ?? [];
  return id && figures ? { id, figures } : undefined;
}

/** Loss (percent) between two cumulative inbound reports; the cumulative ratio for the first. */
function lossBetween(
  before: MediaFlowReport | null | undefined,
  now: MediaFlowReport | null,
): number | null {
  if (!now || now.packetsLost === null) return null;
  let lost = now.packetsLost;
  let received = now.packets;
  if (before && before.packetsLost !== null && now.packets >= before.packets) {
    lost = now.packetsLost - before.packetsLost;
    received = now.packets - before.packets;
  }
  lost = Math.max(0, lost);
  const expected = received + lost;
  return expected > 0 ? round2((lost / expected) * 100) : null;
}

function countFreezes(
  state: PartyReports['freezes'],
  before: MediaFlowReport | null | undefined,
  now: MediaFlowReport | null,
  senderVideoLive: boolean,
): void {
  if (now?.freezeCount !== undefined)
    state.browserCount = Math.max(state.browserCount, now.freezeCount);
  if (!senderVideoLive || !now || !before) {
    state.frozen = false;
    return;
  }
  // Before the first frame, waiting is setup, not a freeze.
  if ((before.framesDecoded ?? 0) === 0 && (before.framesPerSecond ?? 0) === 0) return;
  const notAdvancing =
    now.framesDecoded !== null &&
    before.framesDecoded !== null &&
    now.framesDecoded <= before.framesDecoded;
  const stalled = notAdvancing || now.framesPerSecond === 0;
  if (stalled && !state.frozen) state.counted += 1;
  state.frozen = stalled;
}

function combineLoss(up: number | null, down: number | null): number | null {
  if (up === null && down === null) return null;
  return round2((1 - (1 - (up ?? 0)) * (1 - (down ?? 0))) * 100);
}

function kbps(bps: number | null | undefined): number | null {
  return bps === null || bps === undefined ? null : round2(bps / 1000);
}

function firstKnown(...values: (number | null | undefined)[]): number | null {
  for (const v of values) if (v !== null && v !== undefined) return v;
  return null;
}

function maxKnown(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}
