import type { MediaKind } from '../protocol';

/** One direction of one kind of media, summarised from WebRTC stats. `null`: not known (yet). */
export interface MediaFlowStats {
  readonly kind: MediaKind;
  /** Kilobits per second since the previous getStats() call (null on the first call). */
  readonly bitrateKbps: number | null;
  readonly packets: number;
  /** Inbound: lost as seen locally. Outbound: lost as reported by the far end (RTCP). */
  readonly packetsLost: number | null;
  readonly jitterMs: number | null;
  /** Video only. */
  readonly framesDecoded: number | null;
  readonly framesPerSecond: number | null;
  readonly frameWidth: number | null;
  readonly frameHeight: number | null;
  readonly roundTripTimeMs: number | null;
}

export interface CallStatsSummary {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly outbound: {
    readonly audio: MediaFlowStats | null;
    readonly video: MediaFlowStats | null;
  };
  readonly inbound: {
    readonly audio: MediaFlowStats | null;
    readonly video: MediaFlowStats | null;
  };
}

type Direction = 'inbound' | 'outbound';

/**
 * One RTP stream of the call, as the browser's stats name it: the transceiver's `mid` (mediasoup-
 * client's `localId`) and, for a received stream, the id of the track it feeds.
 */
export interface StreamKey {
  readonly mid: string;
  readonly trackId?: string;
}

/**
 * The streams the figures are read from: the camera and microphone sent, the far side's camera and
 * microphone received. A transport carries others that are no measure of the call: mediasoup-
 * client's bandwidth probe (mid `probator`, ssrc 1234: padding, no frame ever decoded, a jitter of
 * hundreds of milliseconds), which Chromium lists first, and a shared screen. Null: none of that
 * kind (yet).
 */
export interface CallStreams {
  readonly outbound: Readonly<Record<MediaKind, StreamKey | null>>;
  readonly inbound: Readonly<Record<MediaKind, StreamKey | null>>;
}

export const NO_CALL_STREAMS: CallStreams = {
  outbound: { audio: null, video: null },
  inbound: { audio: null, video: null },
};

/** The fields of the WebRTC stats dictionaries we read; all optional as browsers differ. */
interface RtpStatsLike {
  id: string;
  type: string;
  kind?: string;
  mid?: string;
  trackIdentifier?: string;
  /** remote-inbound-rtp: the outbound-rtp entry it reports on. */
  localId?: string;
  timestamp: number;
  bytesSent?: number;
  bytesReceived?: number;
  packetsSent?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  framesDecoded?: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
  roundTripTime?: number;
  currentRoundTripTime?: number;
  state?: string;
  nominated?: boolean;
  selectedCandidatePairId?: string;
}

interface ByteSample {
  readonly bytes: number;
  readonly timestamp: number;
}

/**
 * Turns the raw stats reports of the send and receive transports into a compact summary per
 * direction and kind. Keeps the previous byte counters so bitrates are measured between calls.
 */
export class CallStats {
  private previous = new Map<string, ByteSample>();

  summarise(
    send: RTCStatsReport | null,
    recv: RTCStatsReport | null,
    streams: CallStreams,
  ): CallStatsSummary {
    const next = new Map<string, ByteSample>();
    const read = (report: RTCStatsReport | null, direction: Direction, kind: MediaKind) => {
      const key = streams[direction][kind];
      return report && key ? this.flow(report, direction, kind, key, next) : null;
    };
    const summary: CallStatsSummary = {
      timestamp: Date.now(),
      outbound: { audio: read(send, 'outbound', 'audio'), video: read(send, 'outbound', 'video') },
      inbound: { audio: read(recv, 'inbound', 'audio'), video: read(recv, 'inbound', 'video') },
    };
    this.previous = next;
    return summary;
  }

  private flow(
    report: RTCStatsReport,
    direction: Direction,
    kind: MediaKind,
    stream: StreamKey,
    next: Map<string, ByteSample>,
  ): MediaFlowStats | null {
    const all = [...report.values()] as RtpStatsLike[];
    const rtpType = direction === 'inbound' ? 'inbound-rtp' : 'outbound-rtp';
    // Several entries for one mid when simulcast layers are sent; the summary adds them up.
    const rtp = all.filter(
      (s) =>
        s.type === rtpType &&
        s.kind === kind &&
        (s.mid === stream.mid ||
          (stream.trackId !== undefined && s.trackIdentifier === stream.trackId)),
    );
    if (rtp.length === 0) return null;

    let bitsPerSecond = 0;
    let bitrateKnown = false;
    for (const s of rtp) {
      const bytes = (direction === 'inbound' ? s.bytesReceived : s.bytesSent) ?? 0;
      const key = `${direction}:${s.id}`;
      next.set(key, { bytes, timestamp: s.timestamp });
      const before = this.previous.get(key);
      if (before && s.timestamp > before.timestamp) {
        bitsPerSecond += ((bytes - before.bytes) * 8 * 1000) / (s.timestamp - before.timestamp);
        bitrateKnown = true;
      }
    }

    const first = rtp[0]!;
    const remote =
      direction === 'outbound'
        ? all.find((s) => s.type === 'remote-inbound-rtp' && rtp.some((o) => o.id === s.localId))
        : undefined;
    const sum = (pick: (s: RtpStatsLike) => number | undefined): number | null => {
      const values = rtp.map(pick).filter((v): v is number => typeof v === 'number');
      return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
    };
    const max = (pick: (s: RtpStatsLike) => number | undefined): number | null => {
      const values = rtp.map(pick).filter((v): v is number => typeof v === 'number');
      return values.length > 0 ? Math.max(...values) : null;
    };
    const jitterSeconds = direction === 'inbound' ? first.jitter : remote?.jitter;
    const rttSeconds = remote?.roundTripTime ?? selectedPairRoundTripTime(all);

    return {
      kind,
      bitrateKbps: bitrateKnown ? Math.round(bitsPerSecond / 100) / 10 : null,
      packets: sum((s) => (direction === 'inbound' ? s.packetsReceived : s.packetsSent)) ?? 0,
      packetsLost:
        direction === 'inbound' ? sum((s) => s.packetsLost) : (remote?.packetsLost ?? null),
      jitterMs: jitterSeconds === undefined ? null : round1(jitterSeconds * 1000),
      framesDecoded:
        kind === 'video' && direction === 'inbound' ? sum((s) => s.framesDecoded) : null,
      framesPerSecond: kind === 'video' ? max((s) => s.framesPerSecond) : null,
      frameWidth: kind === 'video' ? max((s) => s.frameWidth) : null,
      frameHeight: kind === 'video' ? max((s) => s.frameHeight) : null,
      roundTripTimeMs: rttSeconds === undefined ? null : round1(rttSeconds * 1000),
    };
  }
}

/** The ICE round trip time of the pair the transport actually uses. */
function selectedPairRoundTripTime(all: RtpStatsLike[]): number | undefined {
  const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = transport
    ? all.find((s) => s.id === transport.selectedCandidatePairId)
    : all.find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
  return pair?.currentRoundTripTime;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
