import type { MediaMode } from '../protocol';
import {
  DegradationPolicy,
  type DegradationPolicyOptions,
  type LinkSample,
  type VideoTarget,
} from './DegradationPolicy';

/** What the controller drives: the camera's sender, through the CallSession that owns it. */
export interface CameraLink {
  /**
   * The send transport's stats (`RTCPeerConnection.getStats()` of the sending side), or null when
   * there is no transport to read.
   */
  readSendStats(): Promise<RTCStatsReport | null>;
  /** Applies a target: the rung's encoding, whether the camera sends, whether the far side sees it. */
  apply(target: VideoTarget): Promise<void>;
  /**
   * Whether the camera is meant to send apart from the policy (on, present, and not held because
   * the other party's line is in audio + text): while it is not, nothing measures this line's room
   * for video (an encoder sending audio only is app-limited), so the policy is not fed.
   */
  sendsOtherwise(): boolean;
}

/** How often the sender's link is sampled: 2 samples a second keep the hold times meaningful. */
export const LINK_SAMPLE_MS = 500;
/**
 * How long the server's figure of the far side's downlink stands (it comes about once a second):
 * older, it no longer describes the line (the far side left, or its camera is off).
 */
export const PEER_DOWNLINK_FRESH_MS = 5_000;

/**
 * Runs a DegradationPolicy on a camera: samples the send transport's bandwidth estimate every
 * LINK_SAMPLE_MS, applies each new target, and reports mode changes (`onMode`). Thin on purpose:
 * every decision is the policy's, and is unit-tested there.
 */
export class DegradationController {
  private readonly policy: DegradationPolicy;
  private readonly link: CameraLink;
  private readonly onMode: (mode: MediaMode) => void;
  private timer: ReturnType<typeof setInterval> | undefined;
  private applied: VideoTarget;
  /** One sample at a time: a slow getStats() must not pile samples up. */
  private busy = false;
  private closed = false;
  private peerDownlink: { kbps: number; atMs: number } | null = null;
  /** Whether the last tick found the camera not sending apart from the policy (off or held). */
  private paused = false;

  constructor(
    link: CameraLink,
    onMode: (mode: MediaMode) => void,
    options: Partial<DegradationPolicyOptions> = {},
  ) {
    this.link = link;
    this.onMode = onMode;
    this.policy = new DegradationPolicy(options);
    this.applied = this.policy.target;
  }

  get mode(): MediaMode {
    return this.applied.mode;
  }

  get target(): VideoTarget {
    return this.applied;
  }

  /** Starts sampling; the camera's first encoding is the policy's first target (applied by the caller). */
  start(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setInterval(() => void this.tick(), LINK_SAMPLE_MS);
  }

  /** The server's latest estimate of what it can send to the far side (`media:peerDownlink`). */
  setPeerDownlink(kbps: number): void {
    this.peerDownlink = { kbps, atMs: performance.now() };
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy || this.closed) return;
    if (!this.link.sendsOtherwise()) {
      this.paused = true;
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.policy.resume(performance.now());
    }
    this.busy = true;
    try {
      const report = await this.link.readSendStats();
      if (this.closed || !this.link.sendsOtherwise()) return;
      const now = performance.now();
      const peer = this.peerDownlink;
      const next = this.policy.sample({
        atMs: now,
        availableKbps: report ? availableOutgoingKbps(report) : null,
        peerDownlinkKbps: peer && now - peer.atMs <= PEER_DOWNLINK_FRESH_MS ? peer.kbps : null,
        ...(report ? receiverReports(report) : {}),
      });
      if (sameTarget(next, this.applied)) return;
      const modeChanged = next.mode !== this.applied.mode;
      this.applied = next;
      // Told whatever the apply does: the mode is the policy's, and the next samples rely on it.
      if (modeChanged) this.onMode(next.mode);
      await this.link.apply(next);
    } catch (error) {
      // A failed read or apply: the next sample tries again.
      console.warn('degradation sample failed', error);
    } finally {
      this.busy = false;
    }
  }
}

function sameTarget(a: VideoTarget, b: VideoTarget): boolean {
  return a.mode === b.mode && a.send === b.send && a.rung === b.rung && a.capKbps === b.capKbps;
}

/**
 * The browser's estimate of what the line can carry out, from the selected candidate pair:
 * `availableOutgoingBitrate` (bit/s) in kbit/s; null if the browser gives none yet.
 */
export function availableOutgoingKbps(report: RTCStatsReport): LinkSample['availableKbps'] {
  let selectedId: string | undefined;
  const pairs: Record<string, unknown>[] = [];
  report.forEach((stat: Record<string, unknown>) => {
    if (stat.type === 'transport' && typeof stat.selectedCandidatePairId === 'string')
      selectedId = stat.selectedCandidatePairId;
    if (stat.type === 'candidate-pair') pairs.push(stat);
  });
  const pair =
    pairs.find((p) => p.id === selectedId) ??
    pairs.find((p) => p.nominated === true && p.state === 'succeeded');
  const bitrate = pair?.availableOutgoingBitrate;
  return typeof bitrate === 'number' && Number.isFinite(bitrate) ? bitrate / 1000 : null;
}

/**
 * What the server's receiver reports say of the streams this transport sends (`remote-inbound-rtp`):
 * the largest round trip (ms) and the largest fraction lost in the last report interval, each null
 * when no report gives it.
 */
export function receiverReports(
  report: RTCStatsReport,
): Pick<LinkSample, 'rttMs' | 'lossFraction'> {
  let rttMs: number | null = null;
  let lossFraction: number | null = null;
  report.forEach((stat: Record<string, unknown>) => {
    if (stat.type !== 'remote-inbound-rtp') return;
    const { roundTripTime, fractionLost } = stat;
    if (typeof roundTripTime === 'number' && Number.isFinite(roundTripTime))
      rttMs = Math.max(rttMs ?? 0, roundTripTime * 1000);
    if (typeof fractionLost === 'number' && Number.isFinite(fractionLost))
      lossFraction = Math.max(lossFraction ?? 0, fractionLost);
  });
  return { rttMs, lossFraction };
}
