import {
  AppError,
  callEvents,
  callRequests,
  kioskMonitoringRequests,
  mediaRequests,
  staffMonitoringRequests,
  type CallEndReason,
  type CallStarted,
} from '../protocol';
import { CallSession, type CallSessionOptions, type CallSessionState } from './CallSession';
import type { CallStatsSummary } from './CallStats';
import { InCallDesk, type CallParty } from './InCallDesk';
import type { SignallingClient } from './SignallingClient';
import { Store } from './Store';
import { TypedEmitter } from './TypedEmitter';

/**
 * Where one call stands for this party: waiting for its camera and microphone, then the media's
 * own state, until it ends (for good: a PartyCall is never reused).
 */
export type PartyCallState = 'devices' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** Why the call ended, as each app words it. */
export type PartyCallEnd =
  /** This side hung up. */
  | { readonly by: 'self' }
  /** The server said so (`call:ended`): the other side hung up, a technician, a shutdown… */
  | {
      readonly by: 'server';
      readonly reason: CallEndReason;
      readonly endedBy: CallParty | 'system';
    }
  /** The media could not be set up or came back no more: this side hung up for it. */
  | { readonly by: 'failure' }
  /** After a signalling outage the server no longer knew the call (it ended meanwhile). */
  | { readonly by: 'gone' }
  /** Closed by the app without a word to the server (a newer call, signed out, refused). */
  | { readonly by: 'closed' };

/** What a call announces to screen-reader users; each app's catalogue words these keys. */
export type CallAnnouncementKey =
  | 'announce.callStarted'
  | 'announce.connected'
  | 'announce.reconnecting'
  | 'announce.micMuted'
  | 'announce.micOn'
  | 'announce.cameraOff'
  | 'announce.cameraOn';

export interface CallAnnouncement {
  readonly key: CallAnnouncementKey;
  readonly params?: Readonly<Record<string, string>>;
}

/** A request of this party that failed while the call carries on (the app may show it). */
export interface PartyCallProblem {
  readonly what: 'media' | 'hangup';
  readonly error: AppError;
}

export interface PartyCallEvents extends Record<string, unknown> {
  announce: CallAnnouncement;
  ended: PartyCallEnd;
  /** Each statistics sample of the call's media (what was also reported to the server). */
  stats: CallStatsSummary;
  problem: PartyCallProblem;
}

export interface PartyCallSnapshot {
  readonly state: PartyCallState;
  /** The call's media once the devices are there; null before, and after the end. */
  readonly media: CallSession | null;
  readonly end: PartyCallEnd | null;
}

export interface PartyCallOptions {
  readonly signalling: SignallingClient;
  /** The `call:started` message: the call, the far side's name, the router's capabilities. */
  readonly call: CallStarted;
  readonly party: CallParty;
  /**
   * This side's camera and microphone: a live stream (the media starts at once), or the promise
   * of one while the devices open (null: none, the call goes on without sending).
   */
  readonly localMedia: () => MediaStream | Promise<MediaStream | null>;
  /** A bearer token for the call's documents over HTTP; null: the page's session cookie. */
  readonly token: string | null;
  /** How often the media's statistics are read; they are reported at most every 5 s. */
  readonly statsSampleMs?: number;
  /** The media engine (tests replace it: there is no WebRTC outside a browser). */
  readonly createMedia?: (options: CallSessionOptions) => CallSession;
}

/** The server's monitoring wants a report about every 5 s from each party. */
export const STATS_REPORT_MS = 5_000;

const ANNOUNCE_STATE: Partial<Record<CallSessionState, CallAnnouncementKey>> = {
  connected: 'announce.connected',
  reconnecting: 'announce.reconnecting',
};

function isPending<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/**
 * One call, from either party's side, over its CallSession (which alone touches the media): set-up
 * from `call:started`, state announcements, the end in all its forms (a failure hangs up for us),
 * the "is the call still on" check after a signalling outage, microphone and camera, statistics
 * reports, and real-time text and documents (`desk`). The apps keep only their wording and layout.
 *
 * Lifetime: `start()` once; it ends once (`hangup()`, the server, a failure, or `close()`), and
 * its end removes every listener and timer it set and closes its media and desk.
 */
export class PartyCall extends TypedEmitter<PartyCallEvents> {
  readonly store = new Store<PartyCallSnapshot>({ state: 'devices', media: null, end: null });
  readonly desk: InCallDesk;
  readonly call: CallStarted;
  private readonly options: PartyCallOptions;
  private readonly cleanups: (() => void)[] = [];
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lastReportAt = -Infinity;
  private started = false;

  constructor(options: PartyCallOptions) {
    super();
    this.options = options;
    this.call = options.call;
    this.desk = new InCallDesk({
      signalling: options.signalling,
      callId: options.call.callId,
      party: options.party,
      token: options.token,
    });
  }

  /** The party's signalling, for what an app adds on top of the call (e.g. asking for a scan). */
  get signalling(): SignallingClient {
    return this.options.signalling;
  }

  get callId(): string {
    return this.call.callId;
  }

  get state(): PartyCallState {
    return this.store.get().state;
  }

  get media(): CallSession | null {
    return this.store.get().media;
  }

  get isEnded(): boolean {
    return this.state === 'ended';
  }

  /**
   * Sets the call up. With the devices already open the media's first requests leave before this
   * returns: set the app's own state after it, not before (a render would delay them).
   */
  start(): void {
    if (this.started || this.isEnded) return;
    this.started = true;
    const { signalling } = this.options;
    const local = this.options.localMedia();
    if (isPending(local)) {
      local.then(
        (stream) => this.startMedia(stream),
        () => this.startMedia(null),
      );
    } else this.startMedia(local);
    this.cleanups.push(
      signalling.on(callEvents.ended, ({ callId, reason, endedBy }) => {
        if (callId === this.callId) this.finish({ by: 'server', reason, endedBy });
      }),
    );
    const onConnect = () => void this.checkStillOn();
    signalling.socket.on('connect', onConnect);
    this.cleanups.push(() => signalling.socket.off('connect', onConnect));
    this.desk.start();
    this.announce({ key: 'announce.callStarted', params: { name: this.call.peerName } });
  }

  /** This side hangs up: media stops at once, then the server is told (it tells the other side). */
  hangup(): void {
    if (this.isEnded) return;
    this.finish({ by: 'self' });
    this.options.signalling
      .request(callRequests.hangup, { callId: this.callId })
      .catch((error: unknown) => {
        const appError = toAppError(error);
        // Already over on the server: nothing to tell anyone.
        if (appError.code !== 'NOT_FOUND' && appError.code !== 'BAD_STATE')
          this.emit('problem', { what: 'hangup', error: appError });
      });
  }

  /** Ends the call here without telling the server (a newer call replaces it, the page goes…). */
  close(): void {
    this.finish({ by: 'closed' });
  }

  setMicrophoneMuted(muted: boolean): void {
    const media = this.media;
    if (!media) return;
    this.announce({ key: muted ? 'announce.micMuted' : 'announce.micOn' });
    media.setMicrophoneMuted(muted).catch((error: unknown) => this.mediaProblem(error));
  }

  setCameraOff(off: boolean): void {
    const media = this.media;
    if (!media) return;
    this.announce({ key: off ? 'announce.cameraOff' : 'announce.cameraOn' });
    media.setCameraOff(off).catch((error: unknown) => this.mediaProblem(error));
  }

  // ---- media ---------------------------------------------------------------------------

  private startMedia(stream: MediaStream | null): void {
    if (this.isEnded) return; // ended while the devices opened
    const { signalling, call } = this.options;
    const create = this.options.createMedia ?? ((o: CallSessionOptions) => new CallSession(o));
    const media = create({
      signalling,
      callId: call.callId,
      localStream: stream ?? new MediaStream(),
      routerRtpCapabilities: call.rtpCapabilities,
      mediaEpoch: call.mediaEpoch,
    });
    media.on('state', (state) => this.onMediaState(state));
    this.store.set({ media, state: 'connecting' });
    this.startStats(media);
    media.start().catch((error: unknown) => console.warn('call media setup failed', error));
  }

  private onMediaState(state: CallSessionState): void {
    if (this.isEnded) return;
    const key = ANNOUNCE_STATE[state];
    if (key) this.announce({ key });
    if (state === 'failed') {
      this.finish({ by: 'failure' });
      this.options.signalling.request(callRequests.hangup, { callId: this.callId }).catch(() => {
        // The server ends the call by itself when it cannot reach us either.
      });
    } else if (state !== 'closed') this.store.set({ state });
  }

  private mediaProblem(error: unknown): void {
    if (!this.isEnded) this.emit('problem', { what: 'media', error: toAppError(error) });
  }

  /**
   * After a signalling outage the call may have ended without us hearing `call:ended`. The server
   * answers NOT_FOUND for a call we are no longer part of.
   */
  private async checkStillOn(): Promise<void> {
    if (this.isEnded) return;
    try {
      await this.options.signalling.request(mediaRequests.routerCapabilities, {
        callId: this.callId,
      });
    } catch (error) {
      if (toAppError(error).code === 'NOT_FOUND') this.finish({ by: 'gone' });
    }
  }

  // ---- statistics ----------------------------------------------------------------------

  private startStats(media: CallSession): void {
    const sampleMs = this.options.statsSampleMs ?? STATS_REPORT_MS;
    const request =
      this.options.party === 'kiosk'
        ? kioskMonitoringRequests.statsReport
        : staffMonitoringRequests.statsReport;
    this.statsTimer = setInterval(() => {
      if (media.isClosed || this.isEnded) return;
      media
        .getStats()
        .then((stats) => {
          if (this.isEnded) return;
          this.emit('stats', stats);
          // Samples may come more often than the server wants them (the advisor's quality bars).
          if (Date.now() - this.lastReportAt < STATS_REPORT_MS - sampleMs / 2) return;
          this.lastReportAt = Date.now();
          return this.options.signalling.request(request, { callId: this.callId, stats });
        })
        .catch(() => {
          // Monitoring only: the next sample will do.
        });
    }, sampleMs);
  }

  // ---- end -----------------------------------------------------------------------------

  private finish(end: PartyCallEnd): void {
    if (this.isEnded) return;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    this.media?.close();
    this.desk.close();
    this.store.set({ state: 'ended', media: null, end });
    this.emit('ended', end);
  }

  private announce(announcement: CallAnnouncement): void {
    this.emit('announce', announcement);
  }
}

function toAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('INTERNAL', String(error));
}
