import type { MediaMode } from '../protocol';

/**
 * One step of the camera's ladder: what the encoder may send, and the video budget (kbit/s left
 * for video once audio is served) it needs to stay on it (`holdKbps`) or to climb onto it
 * (`enterKbps`, higher: the gap is the hysteresis).
 */
export interface VideoRung {
  readonly height: number;
  readonly maxFramerate: number;
  readonly maxBitrateKbps: number;
  readonly holdKbps: number;
  readonly enterKbps: number;
}

/** The capture the ladder scales down from (`DEFAULT_MEDIA_CONSTRAINTS`: 640x480). */
export const CAPTURE_HEIGHT = 480;

/**
 * Resolution gives way first, holding the frame rate; then the frame rate, never below QVGA.
 * Rungs 0–3 keep ≥ 20 fps at ≥ QVGA (EN 301 549 6.5: what lip-reading and sign language need);
 * rungs 4–5 are below that and only used by a camera that need not meet it.
 * Bitrates: what VP8 needs for a talking head at that size and rate, with margin; the budget
 * thresholds are about half of `maxBitrateKbps` (the encoder still gives a usable picture at half
 * its ceiling). docs/degradation.md gives the reasoning and the measurements.
 */
export const VIDEO_LADDER: readonly VideoRung[] = [
  { height: 480, maxFramerate: 25, maxBitrateKbps: 900, holdKbps: 420, enterKbps: 560 },
  { height: 360, maxFramerate: 25, maxBitrateKbps: 500, holdKbps: 240, enterKbps: 320 },
  { height: 240, maxFramerate: 25, maxBitrateKbps: 300, holdKbps: 140, enterKbps: 190 },
  { height: 240, maxFramerate: 22, maxBitrateKbps: 200, holdKbps: 85, enterKbps: 120 },
  { height: 240, maxFramerate: 15, maxBitrateKbps: 150, holdKbps: 65, enterKbps: 90 },
  { height: 240, maxFramerate: 10, maxBitrateKbps: 100, holdKbps: 45, enterKbps: 65 },
];

/**
 * The last rung that keeps 20 fps at QVGA. It asks the encoder for 22: an encoder capped at
 * exactly 20 delivers 19-point-something once it drops a frame, below the floor it is there for.
 */
export const LIP_READING_FLOOR_RUNG = 3;

export interface DegradationPolicyOptions {
  /**
   * The lowest rung video may use before the call switches to audio + text: LIP_READING_FLOOR_RUNG
   * for the citizen's camera and in calls flagged for lip-reading or sign language (below 20 fps
   * at QVGA, video no longer carries speech), the ladder's last rung otherwise.
   */
  readonly floorRung: number;
  /** Kbit/s kept for audio (Opus at ~32 kbit/s plus RTP/SRTP/UDP/IP headers at 50 packets/s). */
  readonly audioReserveKbps: number;
  /** How long the budget must stay below a rung's `holdKbps` before the ladder steps down. */
  readonly downHoldMs: number;
  /** How long the budget must stay below the floor's `holdKbps` before audio + text. */
  readonly audioTextHoldMs: number;
  /** How long the budget must stay above the next rung's `enterKbps` before the ladder climbs. */
  readonly upHoldMs: number;
  /** In audio + text, how long after entering it, or after the last probe, the next probe starts. */
  readonly probeIntervalMs: number;
  /** How long a probe may take before it counts as failed. */
  readonly probeWindowMs: number;
  /** How long a probe must see the floor's `enterKbps` before video comes back. */
  readonly probeConfirmMs: number;
  /**
   * How long video must last after coming back for the return to count as held: a line that falls
   * back to audio + text sooner doubles the wait before the next probe (up to
   * MAX_PROBE_BACKOFF times), so a line that carries a probe but not a call does not flap.
   */
  readonly returnProveMs: number;
  /**
   * After the camera resumes sending (it was off, or held while the far side's line was in audio +
   * text), how long its samples cannot step the ladder down or switch to audio + text: the
   * browser's estimate still describes the audio-only line before, until its own probe (on the
   * larger allocation) lifts it, about a second later.
   */
  readonly resumeGraceMs: number;
}

/**
 * The most the probe interval (4 s → 32 s) and the wait before a climb (3 s → 24 s) grow after
 * returns or climbs that did not hold.
 */
export const MAX_PROBE_BACKOFF = 8;
/** The lowest video bitrate a cap for the far side's downlink asks of the encoder. */
export const MIN_CAP_KBPS = 40;
/** How far the far side's downlink budget must move before the cap follows it (no churn). */
const CAP_STEP = 0.15;

export const DEFAULT_DEGRADATION_OPTIONS: DegradationPolicyOptions = {
  floorRung: LIP_READING_FLOOR_RUNG,
  audioReserveKbps: 64,
  downHoldMs: 2_000,
  audioTextHoldMs: 2_500,
  upHoldMs: 3_000,
  probeIntervalMs: 4_000,
  probeWindowMs: 2_500,
  probeConfirmMs: 1_000,
  returnProveMs: 20_000,
  resumeGraceMs: 3_000,
};

/**
 * Congestion on the sender's own uplink, as its streams' receiver reports show it: this much loss
 * (fraction of the packets of the last report interval) or a round trip this much above the lowest
 * seen in the call (a queue filling on the line).
 */
export const CONGESTION_LOSS_FRACTION = 0.02;
export const CONGESTION_RTT_RISE_MS = 100;

/** What the sender's own stats say about its uplink, sampled periodically. */
export interface LinkSample {
  /** Milliseconds on a monotonic clock. */
  readonly atMs: number;
  /**
   * The selected candidate pair's `availableOutgoingBitrate` (the browser's bandwidth estimate,
   * audio included), kbit/s; null when the browser does not say (yet).
   */
  readonly availableKbps: number | null;
  /**
   * What the server estimates it can send to the far side (`media:peerDownlink`), kbit/s, audio
   * included; null or absent when unknown or stale. The far side's receiving line, which neither
   * browser's own estimate sees.
   */
  readonly peerDownlinkKbps?: number | null;
  /**
   * What the server's receiver reports say of this sender's streams: the largest round trip (ms)
   * and the largest fraction lost in the last report interval; null or absent when unknown.
   */
  readonly rttMs?: number | null;
  readonly lossFraction?: number | null;
}

/** What the camera should do now. */
export interface VideoTarget {
  readonly mode: MediaMode;
  /**
   * Whether the camera sends to the server: always in 'video'; in 'audio_text' only while a probe
   * measures whether the line came back (the server keeps the far side's consumer paused then).
   */
  readonly send: boolean;
  /** Index in VIDEO_LADDER; in 'audio_text' the floor rung a probe sends at. */
  readonly rung: number;
  /**
   * A lower bitrate ceiling than the rung's, kbit/s, when the far side's downlink cannot take the
   * rung's; null otherwise.
   */
  readonly capKbps: number | null;
}

/**
 * Decides, from periodic figures of the sender's own link, what its camera sends: a rung of
 * VIDEO_LADDER, or audio + real-time text with video paused. Down fast (a few seconds below a
 * threshold, skipping rungs when the line collapsed), up slowly (one rung at a time, after a longer
 * hold above a higher threshold), so a line that wavers around a threshold does not flap.
 *
 * In audio + text nothing measures the line: an encoder that sends only audio is app-limited, and
 * the browser's estimate stays near what it sends. So every `probeIntervalMs` it probes: the
 * camera sends at the floor rung to the server only (the far side keeps its "audio + text" notice);
 * the browser's own probing (it probes when a stream's allocation grows) lifts the estimate within
 * about a second if the line allows it. Video comes back when the estimate holds the floor's
 * `enterKbps` for `probeConfirmMs`; otherwise the probe stops after `probeWindowMs`.
 *
 * Pure: no timers, no browser; the caller feeds it samples and applies its targets.
 */
export class DegradationPolicy {
  private readonly options: DegradationPolicyOptions;
  private mode: MediaMode = 'video';
  private rung = 0;
  /** Since when the budget has been below the current rung's hold threshold. */
  private belowRungSince: number | null = null;
  /** Since when the budget has been below the floor's hold threshold. */
  private belowFloorSince: number | null = null;
  /** Since when the budget has been above the next rung's enter threshold. */
  private aboveNextSince: number | null = null;
  /** In audio + text: when the next probe starts, when the running one started (null: none). */
  private nextProbeAt = 0;
  private probeStartedAt: number | null = null;
  private probeGoodSince: number | null = null;
  /** When video last came back from audio + text (null once that return has held). */
  private returnedAt: number | null = null;
  /** The probe interval's multiplier, doubled by each return that did not hold. */
  private probeBackoff = 1;
  private capKbps: number | null = null;
  /** When the ladder last climbed (null once that climb has held), and the up-hold's multiplier. */
  private climbedAt: number | null = null;
  private climbBackoff = 1;
  /** Until when samples cannot step down (the camera just resumed: see `resumeGraceMs`). */
  private graceUntil = Number.NEGATIVE_INFINITY;
  /** The lowest round trip the receiver reports gave in the call: the line's own latency. */
  private baseRttMs = Number.POSITIVE_INFINITY;
  /** Whether the uplink showed loss or a queue since the budget went below the floor. */
  private congestedBelowFloor = false;
  /** Whether the far side's cap held the camera since the budget went below the floor. */
  private cappedBelowFloor = false;

  constructor(options: Partial<DegradationPolicyOptions> = {}) {
    this.options = { ...DEFAULT_DEGRADATION_OPTIONS, ...options };
    const last = VIDEO_LADDER.length - 1;
    if (!(this.options.floorRung >= 0 && this.options.floorRung <= last))
      throw new RangeError(`floorRung must be within 0..${last}`);
  }

  get target(): VideoTarget {
    return {
      mode: this.mode,
      send: this.mode === 'video' || this.probeStartedAt !== null,
      rung: this.rung,
      capKbps: this.mode === 'video' ? this.capKbps : null,
    };
  }

  /**
   * The camera sends again after a pause the policy did not decide (off, or held for the far
   * side's line): its first figures describe the audio-only line before, so they cannot step the
   * ladder down or switch to audio + text for `resumeGraceMs`. Without this, a camera held while
   * the far side was in audio + text resumed on a stale 100 kbit/s estimate of a fast line and
   * switched its own call to audio + text 2.5 s later, holding the far side in turn.
   */
  resume(atMs: number): void {
    this.graceUntil = atMs + this.options.resumeGraceMs;
    this.resetHolds();
  }

  /** Feeds one sample; returns the target after it (the same object shape, maybe unchanged). */
  sample(sample: LinkSample): VideoTarget {
    const congested = this.congestionIn(sample);
    if (this.mode === 'video') this.inVideo(sample, congested);
    else this.inAudioText(sample);
    return this.target;
  }

  private inVideo(
    { atMs: now, availableKbps, peerDownlinkKbps }: LinkSample,
    congested: boolean,
  ): void {
    if (availableKbps === null) return;
    const { floorRung, audioReserveKbps, returnProveMs } = this.options;
    if (this.returnedAt !== null && now - this.returnedAt >= returnProveMs) {
      this.returnedAt = null;
      this.probeBackoff = 1;
    }
    if (this.climbedAt !== null && now - this.climbedAt >= returnProveMs) {
      this.climbedAt = null;
      this.climbBackoff = 1;
    }
    // Audio + text and climbs are this side's own uplink's: its probe can measure that line again.
    // The far side's downlink caps the bitrate and steps the ladder down (to the floor at worst);
    // it does not hold climbs back, because its figure rises only while the sender fills the line
    // (see followCap): a climb is what lets it rise, and a climb it cannot carry is undone.
    const budget = availableKbps - audioReserveKbps;
    const downlink =
      peerDownlinkKbps === null || peerDownlinkKbps === undefined
        ? Number.POSITIVE_INFINITY
        : peerDownlinkKbps - audioReserveKbps;
    this.followCap(downlink);
    const holdBudget = Math.min(budget, downlink);
    if (now < this.graceUntil) return;

    if (budget < VIDEO_LADDER[floorRung]!.holdKbps) {
      if (this.belowFloorSince === null) {
        this.belowFloorSince = now;
        this.congestedBelowFloor = false;
        this.cappedBelowFloor = false;
      }
      this.congestedBelowFloor ||= congested;
      this.cappedBelowFloor ||= this.capKbps !== null;
    } else this.belowFloorSince = null;
    // A camera held below its rung by the far side's downlink sends less than its line could
    // carry, and its browser's estimate follows what it sends (it grows to ~1.5 times that at
    // most, and each delay alarm cuts it to 0.85 times that; on a busy machine it sank to
    // 75 kbit/s on a clean line): low, it proves nothing about this line, nor for a while after
    // the cap lifts (the estimate grows back only as the camera fills its new room). So while the
    // budget stays below the floor from a moment the cap held, this line must show it is the one
    // failing, by loss or a queue, before the call leaves video.
    if (
      this.belowFloorSince !== null &&
      now - this.belowFloorSince >= this.options.audioTextHoldMs &&
      (!this.cappedBelowFloor || this.congestedBelowFloor)
    ) {
      this.enterAudioText(now);
      return;
    }

    if (holdBudget < VIDEO_LADDER[this.rung]!.holdKbps) {
      this.aboveNextSince = null;
      if (this.rung === floorRung) return;
      this.belowRungSince ??= now;
      if (now - this.belowRungSince >= this.options.downHoldMs) {
        // Straight to the rung the budget holds (the line may have collapsed), the floor at worst.
        this.moveTo(Math.min(this.fittingRung(holdBudget), floorRung), now);
      }
      return;
    }
    this.belowRungSince = null;

    const next = this.rung - 1;
    if (next >= 0 && budget >= VIDEO_LADDER[next]!.enterKbps) {
      this.aboveNextSince ??= now;
      if (now - this.aboveNextSince >= this.options.upHoldMs * this.climbBackoff)
        this.moveTo(next, now);
    } else this.aboveNextSince = null;
  }

  private inAudioText({ atMs: now, availableKbps }: LinkSample): void {
    const { probeWindowMs, probeConfirmMs, floorRung } = this.options;
    if (this.probeStartedAt === null) {
      if (now >= this.nextProbeAt) {
        this.probeStartedAt = now;
        this.probeGoodSince = null;
      }
      return;
    }
    const budget = availableKbps === null ? null : availableKbps - this.options.audioReserveKbps;
    // The first figures of a probe still describe the audio-only line before it.
    if (budget !== null && budget >= VIDEO_LADDER[floorRung]!.enterKbps) {
      this.probeGoodSince ??= now;
      if (now - this.probeGoodSince >= probeConfirmMs) {
        this.mode = 'video';
        // The rung the probe's estimate already allows, one above the floor at most: a probe
        // sends at the floor, and its estimate says little beyond what it sent.
        this.rung = Math.max(this.enteringRung(budget), floorRung - 1, 0);
        this.probeStartedAt = null;
        this.returnedAt = now;
        this.capKbps = null;
        this.resetHolds();
        return;
      }
    } else this.probeGoodSince = null;
    if (now - this.probeStartedAt >= probeWindowMs) {
      this.probeStartedAt = null;
      this.nextProbeAt = now + this.probeInterval();
    }
  }

  /**
   * Whether the sample's receiver reports show congestion on this uplink (loss, or a round trip
   * risen above the lowest seen); keeps that lowest round trip up to date.
   */
  private congestionIn({ rttMs, lossFraction }: LinkSample): boolean {
    let congested = false;
    if (typeof rttMs === 'number' && Number.isFinite(rttMs)) {
      this.baseRttMs = Math.min(this.baseRttMs, rttMs);
      congested = rttMs - this.baseRttMs >= CONGESTION_RTT_RISE_MS;
    }
    return congested || (lossFraction ?? 0) >= CONGESTION_LOSS_FRACTION;
  }

  private enterAudioText(now: number): void {
    // Back in audio + text soon after a return: the line carried the probe, not the call.
    if (this.returnedAt !== null && now - this.returnedAt < this.options.returnProveMs)
      this.probeBackoff = Math.min(this.probeBackoff * 2, MAX_PROBE_BACKOFF);
    this.returnedAt = null;
    this.mode = 'audio_text';
    this.rung = this.options.floorRung;
    this.probeStartedAt = null;
    this.nextProbeAt = now + this.probeInterval();
    this.resetHolds();
  }

  private probeInterval(): number {
    return this.options.probeIntervalMs * this.probeBackoff;
  }

  /**
   * Keeps the bitrate within the far side's downlink budget when that is below the rung's
   * ceiling; moves only when the budget moved by CAP_STEP, so the encoder is not reset for noise.
   *
   * Congestion control raises the server's estimate only to about 1.5 times what the transport
   * carries, so the figure grows only while the sender fills its cap: a sender that climbs onto a
   * rung it cannot fill would see the figure stay low. Hence climbs follow the uplink alone, and a
   * climb the downlink cannot carry is undone by the next step down (with a longer wait before
   * the next climb), while a climb it can carry fills the cap and lifts the figure with it.
   */
  private followCap(downlinkBudget: number): void {
    const ceiling = VIDEO_LADDER[this.rung]!.maxBitrateKbps;
    if (downlinkBudget >= ceiling) {
      this.capKbps = null;
      return;
    }
    const wanted = Math.max(MIN_CAP_KBPS, Math.round(downlinkBudget));
    if (this.capKbps === null || Math.abs(wanted - this.capKbps) >= this.capKbps * CAP_STEP)
      this.capKbps = wanted;
  }

  /**
   * A step of the ladder; the floor's own timer runs on (a collapse is not slowed by steps).
   * A step down within `returnProveMs` of a climb means the climb did not hold: the next climb
   * waits twice as long (up to MAX_PROBE_BACKOFF times), so a line at a rung's edge does not
   * flap between two rungs; a climb that holds brings the wait back to `upHoldMs`.
   */
  private moveTo(rung: number, now: number): void {
    if (rung < this.rung) this.climbedAt = now;
    else if (this.climbedAt !== null && now - this.climbedAt < this.options.returnProveMs) {
      this.climbBackoff = Math.min(this.climbBackoff * 2, MAX_PROBE_BACKOFF);
      this.climbedAt = null;
    }
    this.rung = rung;
    this.belowRungSince = null;
    this.aboveNextSince = null;
  }

  private resetHolds(): void {
    this.belowRungSince = null;
    this.belowFloorSince = null;
    this.aboveNextSince = null;
  }

  /** The best rung whose climb threshold the budget meets (the last rung if none). */
  private enteringRung(budget: number): number {
    const index = VIDEO_LADDER.findIndex((rung) => budget >= rung.enterKbps);
    return index < 0 ? VIDEO_LADDER.length - 1 : index;
  }

  /** The best rung whose hold threshold the budget meets (the last rung if none). */
  private fittingRung(budget: number): number {
    const index = VIDEO_LADDER.findIndex((rung) => budget >= rung.holdKbps);
    return index < 0 ? VIDEO_LADDER.length - 1 : index;
  }
}

/**
 * What the encoder gives up first when its bits run short, on a rung: above QVGA the frame rate is
 * kept and the encoder may shrink the picture (the ladder does the same, more slowly). At QVGA it
 * must not shrink it: EN 301 549 asks for at least QVGA, and an encoder allowed to scale restarts
 * at 120-180 lines after audio + text and takes seconds to climb back (bench/network: 8 s from
 * video back to 240 lines); below the ladder's own frame rate there, frames are dropped instead.
 */
export function rungDegradationPreference(rung: number): RTCDegradationPreference {
  const step = VIDEO_LADDER[rung] ?? VIDEO_LADDER[VIDEO_LADDER.length - 1]!;
  return step.height <= QVGA_HEIGHT ? 'maintain-resolution' : 'maintain-framerate';
}

/** QVGA's height: the least a lip-readable picture may have. */
const QVGA_HEIGHT = 240;

/** The encoding an RTCRtpSender gets for a rung (the applier passes it to setParameters). */
export function rungEncoding(
  rung: number,
  capKbps: number | null = null,
): {
  maxBitrate: number;
  maxFramerate: number;
  scaleResolutionDownBy: number;
} {
  const step = VIDEO_LADDER[rung] ?? VIDEO_LADDER[VIDEO_LADDER.length - 1]!;
  return {
    maxBitrate: Math.min(step.maxBitrateKbps, capKbps ?? Number.POSITIVE_INFINITY) * 1000,
    maxFramerate: step.maxFramerate,
    scaleResolutionDownBy: CAPTURE_HEIGHT / step.height,
  };
}
