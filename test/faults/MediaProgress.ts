/** One inbound RTP stream of a page, as the browser's own `getStats()` reports it. */
export interface InboundStream {
  /** Unique per document, peer connection and stream: a reloaded page's streams are new ones. */
  key: string;
  kind: 'audio' | 'video';
  framesDecoded: number;
  packetsReceived: number;
}

export interface ProgressPoint {
  /** `Date.now()` of the reading. */
  at: number;
  /** Video frames decoded since the watch began. */
  frames: number;
  /** Audio packets received since the watch began. */
  packets: number;
}

export type MediaKind = 'video' | 'audio';

/**
 * What one page has received since a watch began, as running totals that only go up: decoded
 * video frames and received audio packets. A stream that is replaced (page reloaded, transports
 * rebuilt) counts from zero again instead of making the total fall. Readings that failed (the
 * page was navigating) add a point without progress.
 */
export class MediaProgress {
  private readonly last = new Map<string, number>();
  private frames = 0;
  private packets = 0;
  readonly points: ProgressPoint[] = [];

  add(at: number, streams: readonly InboundStream[] | null): void {
    for (const stream of streams ?? []) {
      const value = stream.kind === 'video' ? stream.framesDecoded : stream.packetsReceived;
      const before = this.last.get(stream.key) ?? 0;
      // A counter that went down belongs to a new stream under an old key: all of it is new.
      const gained = value >= before ? value - before : value;
      this.last.set(stream.key, value);
      if (stream.kind === 'video') this.frames += gained;
      else this.packets += gained;
    }
    this.points.push({ at, frames: this.frames, packets: this.packets });
  }

  /** Frames or packets received between the first and the last reading taken in [from, to]. */
  gainedBetween(kind: MediaKind, from: number, to: number): number {
    const value = (p: ProgressPoint) => (kind === 'video' ? p.frames : p.packets);
    const inside = this.points.filter((p) => p.at >= from && p.at <= to);
    if (inside.length < 2) return 0;
    return value(inside.at(-1)!) - value(inside[0]!);
  }

  /**
   * When `kind` started flowing again after `from`: the first reading that shows progress over
   * a previous reading itself taken at or after `from` (what arrived before `from`, or across
   * it, says nothing of after), provided that from there at least `least` frames or packets
   * arrive without a pause of `maxPauseMs` — media flowing, not a few frames decoded from the
   * jitter buffer after the fault, or a stats cache a few ms stale, followed by silence.
   * Undefined while that is not established.
   */
  resumedAt(kind: MediaKind, from: number, maxPauseMs: number, least: number): number | undefined {
    const value = (p: ProgressPoint) => (kind === 'video' ? p.frames : p.packets);
    const points = this.points;
    for (let i = 1; i < points.length; i++) {
      const previous = points[i - 1]!;
      if (previous.at < from || value(points[i]!) === value(previous)) continue;
      let lastProgress = points[i]!.at;
      for (let j = i; j < points.length; j++) {
        const point = points[j]!;
        if (point.at - lastProgress >= maxPauseMs) break;
        if (value(point) > value(points[j - 1]!)) lastProgress = point.at;
        if (value(point) - value(previous) >= least) return points[i]!.at;
      }
    }
    return undefined;
  }

  /**
   * The longest time in [from, to] during which `kind` made no progress, measured between
   * readings (so to within one polling interval).
   */
  longestGap(kind: MediaKind, from: number, to: number): number {
    const value = (p: ProgressPoint) => (kind === 'video' ? p.frames : p.packets);
    let lastProgress = from;
    let longest = 0;
    let previous = this.points.filter((p) => p.at <= from).at(-1);
    for (const point of this.points) {
      if (point.at <= from || point.at > to) continue;
      if (previous && value(point) > value(previous)) {
        longest = Math.max(longest, point.at - lastProgress);
        lastProgress = point.at;
      }
      previous = point;
    }
    return Math.max(longest, to - lastProgress);
  }
}
