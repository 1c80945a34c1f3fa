import type { Logger } from 'pino';
import type { Call } from '../calls/Call';
import type { CallService } from '../calls/CallService';
import type { CallQualitySampler } from './CallQualitySampler';
import { flowingDirections, mediaStartFailure, type MediaStartEvidence } from './mediaStartVerdict';

export interface MediaStartOptions {
  /** A call whose media does not flow both ways within this fails (media_unreachable). */
  timeoutMs: number;
  /** How often the call's traffic is read until it flows. */
  pollMs: number;
}

interface Watched {
  deadline: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Watches each new call until its media flows both ways, as the media actually received shows it
 * (the server's packet counters, the browsers' reports: `flowingDirections`). Then the call is set
 * up (its setup time is measured to that moment) and the watch ends: a call that flowed and loses
 * its media later is a recovery case (ICE restart, rejoin, re-home), never this one's.
 *
 * A call whose media has not flowed by `timeoutMs` after its start is a failed call: CallService
 * ends it `media_unreachable` with the paths seen. A party away meanwhile (socket lost, page
 * reloading) is the reconnect grace's business: the deadline waits for it, and restarts when it
 * is back, as it does when the call's media room is replaced before its media flowed.
 */
export class MediaStartWatch {
  private readonly watched = new Map<string, Watched>();

  private readonly onStarted = ({ call }: { call: Call }) => this.watch(call);
  private readonly onEnded = ({ call }: { call: Call }) => this.forget(call.id);
  private readonly onFreshStart = ({ call }: { call: Call }) => {
    const entry = this.watched.get(call.id);
    if (entry) entry.deadline = Math.max(entry.deadline, Date.now() + this.options.timeoutMs);
  };

  constructor(
    private readonly calls: CallService,
    private readonly sampler: CallQualitySampler,
    private readonly options: MediaStartOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.calls.on('callStarted', this.onStarted);
    this.calls.on('callEnded', this.onEnded);
    this.calls.on('mediaRestarted', this.onFreshStart);
    this.calls.on('partyBack', this.onFreshStart);
  }

  stop(): void {
    this.calls.off('callStarted', this.onStarted);
    this.calls.off('callEnded', this.onEnded);
    this.calls.off('mediaRestarted', this.onFreshStart);
    this.calls.off('partyBack', this.onFreshStart);
    for (const id of [...this.watched.keys()]) this.forget(id);
  }

  /** Calls whose media has not flowed yet. */
  get pending(): number {
    return this.watched.size;
  }

  private watch(call: Call): void {
    if (this.watched.has(call.id) || call.ended) return;
    const entry: Watched = {
      deadline: call.startedAt.getTime() + this.options.timeoutMs,
      timer: undefined,
    };
    this.watched.set(call.id, entry);
    this.schedule(call, entry);
  }

  private schedule(call: Call, entry: Watched): void {
    entry.timer = setTimeout(() => void this.check(call, entry), this.options.pollMs);
    entry.timer.unref();
  }

  private forget(callId: string): void {
    clearTimeout(this.watched.get(callId)?.timer);
    this.watched.delete(callId);
  }

  private async check(call: Call, entry: Watched): Promise<void> {
    let evidence: MediaStartEvidence;
    try {
      evidence = {
        traffic: await call.room.traffic(),
        peers: { kiosk: call.kioskId, advisor: call.advisorId },
        browserReceived: (party) => this.sampler.browserReceived(call.id, party),
      };
    } catch (err) {
      this.logger.warn({ err, callId: call.id }, 'call traffic not read');
      evidence = {
        traffic: undefined,
        peers: { kiosk: call.kioskId, advisor: call.advisorId },
        browserReceived: (party) => this.sampler.browserReceived(call.id, party),
      };
    }
    if (call.ended || this.watched.get(call.id) !== entry) return;
    const flowing = flowingDirections(evidence);
    if (flowing.kiosk_to_advisor && flowing.advisor_to_kiosk) {
      this.forget(call.id);
      this.sampler.mediaFlowing(call);
      return;
    }
    const now = Date.now();
    const away = this.calls.isAway(call.kioskId) || this.calls.isAway(call.advisorId);
    if (now >= entry.deadline && !away) {
      this.forget(call.id);
      this.calls.failMediaStart(
        call.id,
        mediaStartFailure(evidence, now - call.startedAt.getTime()),
      );
      return;
    }
    this.schedule(call, entry);
  }
}
