// What one page received (or sent) over a window, from the browser's own getStats() readings.
// Pure functions over recorded readings, so that the choice of stream and the arithmetic are
// unit-tested on reports captured from Chromium (test/unit/bench/networkFigures.test.ts).

/** One entry of an RTCStatsReport, as `getStats()` gives it (fields vary by type and browser). */
export interface RtcStat {
  id: string;
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

/** One reading of a page: every live peer connection's report, and what its screen plays. */
export interface PageSample {
  /** `Date.now()` in the page when it was read. */
  at: number;
  /** One array per live RTCPeerConnection. */
  reports: RtcStat[][];
  /**
   * The ids of the tracks that the page's remote video element plays: the consumers' tracks.
   * mediasoup-client names a consumer's track after the consumer; its probation stream (mid
   * `probator`, ssrc 1234) is received too but played nowhere.
   */
  remoteTrackIds: string[];
  /** The app's media mode (`data-media-mode` on the call screen), null where it has none. */
  mode: string | null;
}

export type MediaKind = 'audio' | 'video';

/**
 * The inbound stream of `kind` that the page actually plays: the one whose `trackIdentifier`
 * is a track of the remote video element. Chromium lists mediasoup-client's probator first, so
 * "the first inbound-rtp of this kind" reads a stream that never decodes a frame. Null while no
 * played track is received.
 */
export function realInbound(sample: PageSample, kind: MediaKind): RtcStat | null {
  for (const report of sample.reports) {
    for (const stat of report) {
      if (
        stat.type === 'inbound-rtp' &&
        stat.kind === kind &&
        typeof stat.trackIdentifier === 'string' &&
        sample.remoteTrackIds.includes(stat.trackIdentifier)
      )
        return stat;
    }
  }
  return null;
}

/** The page's camera stream as it sends it, and its transport's estimate of the uplink. */
export function cameraOutbound(sample: PageSample): {
  stat: RtcStat;
  availableOutgoingKbps: number | null;
} | null {
  for (const report of sample.reports) {
    const stat = report.find(
      (s) => s.type === 'outbound-rtp' && s.kind === 'video' && s.active !== false,
    );
    if (!stat) continue;
    const transport = report.find((s) => s.id === stat.transportId);
    const pair = report.find((s) => s.id === transport?.selectedCandidatePairId);
    const available = pair?.availableOutgoingBitrate;
    return {
      stat,
      availableOutgoingKbps: typeof available === 'number' ? available / 1000 : null,
    };
  }
  return null;
}

/** What a page received of the far side's media over a window. Null: nothing to tell. */
export interface ReceivedFigures {
  /** Frames decoded per second of the far side's video. */
  fps: number | null;
  /** Median decoded frame height over the window's readings. */
  height: number | null;
  /** Concealed samples over samples played out, of the far side's audio, %. */
  audio_concealed_pct: number | null;
  /** Video freezes (Chromium's inbound-rtp freezeCount) per minute. */
  freezes_per_min: number | null;
  /** Video and audio received, kbit/s (payload and headers as the browser counts bytes). */
  video_kbps: number | null;
  audio_kbps: number | null;
}

/**
 * The figures of the played streams over the readings given (in time order, the window's first
 * to last). A counter is taken as a difference between consecutive readings of the same stream;
 * a stream that replaced another (media rebuilt after a reconnect) counts from zero.
 */
export function receivedFigures(samples: readonly PageSample[]): ReceivedFigures {
  const video = samples.map((s) => realInbound(s, 'video'));
  const audio = samples.map((s) => realInbound(s, 'audio'));
  const seconds = windowSeconds(samples);
  const rate = (total: number | null, per: number) =>
    total === null || seconds <= 0 ? null : total / (seconds / per);
  const frames = gained(video, 'framesDecoded');
  const concealed = gained(audio, 'concealedSamples');
  const played = gained(audio, 'totalSamplesReceived');
  const videoBytes = gained(video, 'bytesReceived');
  const audioBytes = gained(audio, 'bytesReceived');
  const heights = video.flatMap((s) =>
    typeof s?.frameHeight === 'number' && s.frameHeight > 0 ? [s.frameHeight] : [],
  );
  return {
    fps: rate(frames, 1),
    height: median(heights),
    audio_concealed_pct:
      concealed === null || played === null || played === 0 ? null : (concealed / played) * 100,
    freezes_per_min: rate(gained(video, 'freezeCount'), 60),
    video_kbps: videoBytes === null ? null : rate((videoBytes * 8) / 1000, 1),
    audio_kbps: audioBytes === null ? null : rate((audioBytes * 8) / 1000, 1),
  };
}

/** How the page sent its camera over the window: the encoder's side of what the other received. */
export interface SentFigures {
  /** Frames encoded per second. */
  fps: number | null;
  /** Median encoded frame height. */
  height: number | null;
  /** Sent, kbit/s. */
  kbps: number | null;
  /** The sender's bandwidth estimate (selected pair's availableOutgoingBitrate), median, kbit/s. */
  bwe_kbps: number | null;
  /** What held the encoder back at the window's end (`bandwidth`, `cpu`, `none`). */
  quality_limitation: string | null;
}

export function sentFigures(samples: readonly PageSample[]): SentFigures {
  const out = samples.map((s) => cameraOutbound(s));
  const stats = out.map((o) => o?.stat ?? null);
  const seconds = windowSeconds(samples);
  const frames = gained(stats, 'framesEncoded');
  const bytes = gained(stats, 'bytesSent');
  const last = stats.findLast((s) => s !== null);
  return {
    fps: frames === null || seconds <= 0 ? null : frames / seconds,
    height: median(
      stats.flatMap((s) => (typeof s?.frameHeight === 'number' ? [s.frameHeight] : [])),
    ),
    kbps: bytes === null || seconds <= 0 ? null : (bytes * 8) / 1000 / seconds,
    bwe_kbps: median(
      out.flatMap((o) => (o?.availableOutgoingKbps == null ? [] : [o.availableOutgoingKbps])),
    ),
    quality_limitation:
      typeof last?.qualityLimitationReason === 'string' ? last.qualityLimitationReason : null,
  };
}

/**
 * Frames per second of the played video between two readings, and its height at the second:
 * for watching video come back, a reading at a time.
 */
export function videoNow(
  before: PageSample,
  after: PageSample,
): { fps: number | null; height: number | null } {
  const seconds = (after.at - before.at) / 1000;
  const frames = gained(
    [realInbound(before, 'video'), realInbound(after, 'video')],
    'framesDecoded',
  );
  const height = realInbound(after, 'video')?.frameHeight;
  return {
    fps: frames === null || seconds <= 0 ? null : frames / seconds,
    height: typeof height === 'number' && height > 0 ? height : null,
  };
}

function windowSeconds(samples: readonly PageSample[]): number {
  if (samples.length < 2) return 0;
  return (samples.at(-1)!.at - samples[0]!.at) / 1000;
}

/**
 * The sum of a counter's increases between consecutive readings of one stream. A reading without
 * the stream adds nothing; a new stream id (or a counter that went down) counts from zero. Null
 * when no two readings saw the stream.
 */
function gained(stats: readonly (RtcStat | null)[], field: string): number | null {
  let total: number | null = null;
  let previous: RtcStat | null = null;
  for (const stat of stats) {
    if (stat === null) continue;
    const value = Number(stat[field] ?? 0);
    if (previous !== null) {
      const before = Number(previous[field] ?? 0);
      const fresh = previous.id !== stat.id || value < before;
      total = (total ?? 0) + (fresh ? value : value - before);
    }
    previous = stat;
  }
  return total;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
