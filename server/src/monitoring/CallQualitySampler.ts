import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CallEndReason } from '@visio/shared/protocol';
import { principalId, type Principal } from '../auth/Principal';
import type { Call } from '../calls/Call';
import type { CallService } from '../calls/CallService';
import type { RoomFigures } from '../media';
import { CallQualityTracker, type Party } from './CallQualityTracker';
import type { CallStatsReport, QualitySample, QualitySummary } from '@visio/shared/protocol';

export interface SamplerOptions {
  intervalMs: number;
  /**
   * While nobody watches: how often a call's server figures are read (worker requests, see
   * `MediaRoom.figures`). Browser reports are still sampled as they arrive.
   */
  unwatchedIntervalMs: number;
  /** Samples kept per call for live charts. */
  ringSize: number;
}

export interface CallQualitySamplerEvents {
  sample: [{ call: Call; sample: QualitySample }];
  callStarted: [{ call: Call }];
  /** Both parties receive media: the call is set up. */
  callSetUp: [{ call: Call; setupSeconds: number }];
  callEnded: [{ call: Call; reason: CallEndReason; summary: QualitySummary }];
}

/**
 * Samples the quality of every call in progress every `intervalMs`: the server's figures of its
 * media room (transports, producers, consumers) merged with the browsers' latest `stats:report`.
 * When a call ends, its tracker gives the summary stored with the call record.
 *
 * Reading the server's figures costs the media worker a request per consumer (and per producer
 * nobody consumes), so it is done every round only while `watched()` (a console is open). Else
 * a call's figures are read every `unwatchedIntervalMs`, and in between the call is sampled only
 * when a browser report came in, with the figures known without asking the worker (scores, ICE).
 */
export class CallQualitySampler extends EventEmitter<CallQualitySamplerEvents> {
  private readonly trackers = new Map<string, CallQualityTracker>();
  /** When each call's server figures were last read. */
  private readonly statsReadAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  private readonly onStarted = ({ call }: { call: Call }) => {
    this.trackerOf(call);
    this.emit('callStarted', { call });
  };
  private readonly onEnded = ({ call, reason }: { call: Call; reason: CallEndReason }) => {
    const tracker = this.trackers.get(call.id) ?? this.trackerOf(call);
    this.trackers.delete(call.id);
    this.statsReadAt.delete(call.id);
    const endedAt = call.endedAt?.getTime() ?? Date.now();
    this.emit('callEnded', { call, reason, summary: tracker.summary(endedAt) });
  };

  constructor(
    private readonly calls: CallService,
    private readonly options: SamplerOptions,
    private readonly logger: Logger,
    private readonly watched: () => boolean = () => true,
  ) {
    super();
  }

  start(): void {
    this.calls.on('callStarted', this.onStarted);
    this.calls.on('callEnded', this.onEnded);
    this.timer = setInterval(() => void this.sampleAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.calls.off('callStarted', this.onStarted);
    this.calls.off('callEnded', this.onEnded);
  }

  /**
   * A party's browser statistics for its call. Anyone not a party of that call gets NOT_FOUND
   * (from `callFor`), so a call's existence does not leak.
   */
  report(principal: Principal, callId: string, stats: CallStatsReport): void {
    const call = this.calls.callFor(principal, callId);
    const id = principalId(principal);
    const party = call.partyOf(id)!;
    const senderVideoLive = call.room.isSending(call.otherPeer(id), 'video');
    this.trackerOf(call).addReport(party, stats, Date.now(), senderVideoLive);
  }

  latestOf(callId: string): QualitySample | null {
    return this.trackers.get(callId)?.latest ?? null;
  }

  samplesOf(callId: string): readonly QualitySample[] {
    return this.trackers.get(callId)?.samples ?? [];
  }

  setupSecondsOf(callId: string): number | null {
    return this.trackers.get(callId)?.setupSeconds ?? null;
  }

  /** The latest sample of every call in progress (for the metrics gauges). */
  latestSamples(): QualitySample[] {
    return this.calls.activeCalls.flatMap((c) => {
      const latest = this.trackers.get(c.id)?.latest;
      return latest ? [latest] : [];
    });
  }

  /** One sampling round over every call in progress; rounds never overlap. */
  async sampleAll(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const watched = this.watched();
      const now = Date.now();
      await Promise.all(this.calls.activeCalls.map((call) => this.sampleCall(call, watched, now)));
    } finally {
      this.sampling = false;
    }
  }

  private async sampleCall(call: Call, watched: boolean, now: number): Promise<void> {
    try {
      if (call.ended) return;
      const tracker = this.trackerOf(call);
      const readAt = this.statsReadAt.get(call.id);
      // Half a round of slack: timer jitter must not push a read to the round after.
      const due =
        watched ||
        readAt === undefined ||
        now - readAt >= this.options.unwatchedIntervalMs - this.options.intervalMs / 2;
      let figures: RoomFigures | undefined;
      if (due) {
        this.statsReadAt.set(call.id, now);
        figures = await call.room.figures();
      } else if (tracker.hasNewReports) {
        figures = call.room.localFigures();
      } else {
        return;
      }
      if (call.ended) return;
      const sample = tracker.sample(
        figures,
        { kiosk: call.kioskId, advisor: call.advisorId },
        Date.now(),
      );
      this.emit('sample', { call, sample });
    } catch (err) {
      this.logger.warn({ err, callId: call.id }, 'quality sampling failed');
    }
  }

  /**
   * The call's media flows both ways (MediaStartWatch decided it from the media received): the
   * call is set up. Only the first time counts.
   */
  mediaFlowing(call: Call): void {
    if (call.ended) return;
    const tracker = this.trackerOf(call);
    tracker.markFlowing('kiosk', Date.now());
    const setupSeconds = tracker.markFlowing('advisor', Date.now());
    if (setupSeconds === undefined) return;
    this.logger.info({ callId: call.id, setupSeconds }, 'call media flowing both ways');
    this.emit('callSetUp', { call, setupSeconds });
  }

  /** Whether the party's browser has reported receiving any media of the call. */
  browserReceived(callId: string, party: Party): boolean {
    return this.trackers.get(callId)?.browserReceived(party) ?? false;
  }

  private trackerOf(call: Call): CallQualityTracker {
    let tracker = this.trackers.get(call.id);
    if (!tracker) {
      tracker = new CallQualityTracker(call.startedAt.getTime(), {
        ringSize: this.options.ringSize,
        staleAfterMs: Math.max(3 * this.options.intervalMs, 15_000),
      });
      if (!call.ended) this.trackers.set(call.id, tracker);
    }
    return tracker;
  }
}
