import {
  AppError,
  callEvents,
  callRequests,
  interpreterEvents,
  kioskMonitoringRequests,
  mediaRequests,
  staffMonitoringRequests,
  type CallEndReason,
  type CallInterpreter,
  type CallStarted,
  type MediaMode,
  type MediaRestartReason,
  type PartyStatus,
} from '../protocol';
import {
  CallSession,
  type CallSessionOptions,
  type CallSessionState,
  type DeviceSource,
  type LocalMuted,
} from './CallSession';
import type { CallStatsSummary } from './CallStats';
import { iceRestartDelayMs, type IceRestartPolicy } from './IceRestarter';
import { CallSignature } from './CallSignature';
import { InCallDesk, type CallParty } from './InCallDesk';
import type { SignallingClient } from './SignallingClient';
import { Store } from './Store';
import { TypedEmitter } from './TypedEmitter';

/** After a failed attempt to tell the other party this line's mode, the next one. */
const MEDIA_MODE_RETRY_MS = 1_000;
/** The longest the call's text, documents and signature wait for the media's join (`start`). */
const DESK_ASK_MAX_WAIT_MS = 1_500;
/**
 * Where one call stands for this party: waiting for its camera and microphone, then the media's
 * own state, until it ends (for good: a PartyCall is never reused). A call that loses its media
 * is 'reconnecting' (see `ReconnectCause`) until media flows again; it is not over for that.
 */
export type PartyCallState = 'devices' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/**
 * Why a call is reconnecting: its transports lost their connection and ICE is being restarted
 * (`network`), its transports are being built again in the same room because ICE gave up or the
 * server forgot them (`rejoin`), or the server moved the call's media to a new room (a
 * `call:mediaRestart` reason).
 */
export type ReconnectCause = 'network' | 'rejoin' | MediaRestartReason;

/** The two parties every call has (an interpreter may join them: `CallParty`). */
export type CallPair = 'kiosk' | 'advisor';

/** The other party while its connection is lost (`call:partyStatus` away), until it is back. */
export interface PeerAway {
  readonly party: CallPair;
  /** Since when, in ms since the epoch (the server's clock, as it said). */
  readonly since: number;
  /** When the server stops waiting for it; null if it did not say. */
  readonly graceEndsAt: number | null;
}

/** Why the call ended, as each app words it. */
export type PartyCallEnd =
  /** This side hung up. */
  | { readonly by: 'self' }
  /** The server said so (`call:ended`): the other side hung up, a technician, a shutdown… */
  | {
      readonly by: 'server';
      readonly reason: CallEndReason;
      readonly endedBy: CallPair | 'system';
      /** media_unreachable: the parties whose network never carried the call's media. */
      readonly unreachable?: readonly CallPair[];
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
  | 'announce.peerAway'
  | 'announce.peerBack'
  | 'announce.micMuted'
  | 'announce.micOn'
  | 'announce.cameraOff'
  | 'announce.cameraOn'
  | 'announce.audioText'
  | 'announce.videoBack'
  | 'announce.interpreterJoined'
  | 'announce.interpreterLeft';

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
  /** The call's media once the devices are there (a new one after each rebuild); null before, and after the end. */
  readonly media: CallSession | null;
  /** The media room the media joins (`call:started` / `call:mediaRestart` `mediaEpoch`). */
  readonly mediaEpoch: number;
  /** Why the call is reconnecting; null while it is not. */
  readonly reconnecting: ReconnectCause | null;
  /** The other party, while its connection is lost. */
  readonly peerAway: PeerAway | null;
  /**
   * What each line carries (its degradation policy): while either is 'audio_text', video is paused
   * both ways and the call goes on with voice and real-time text.
   */
  readonly mediaModes: { readonly own: MediaMode; readonly peer: MediaMode };
  /** The call's interpreter while one takes part (a third party; for the interpreter: themself). */
  readonly interpreter: CallInterpreter | null;
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
  /**
   * This camera keeps 20 fps at QVGA or gives way to audio + text (the citizen's, and any camera in
   * a call flagged for lip-reading or sign language). Default true.
   */
  readonly keepLipReadable?: boolean;
}

/** The server's monitoring wants a report about every 5 s from each party. */
export const STATS_REPORT_MS = 5_000;

/**
 * Rejoins after the media failed while the call is still on (ICE gave up, the server forgot the
 * transports): the first at once, then after 1, 2, 4, 8, 10, 10… s. The server bounds a party
 * that is away (its grace, then `call:ended`); these attempts bound a party that is connected but
 * whose media cannot be set up again (about 90 s): then it hangs up as a failure.
 */
export const REJOIN_POLICY: IceRestartPolicy = {
  firstDelayMs: 1_000,
  maxDelayMs: 10_000,
  maxAttempts: 12,
};

/** What a rebuilt media takes over from the one it replaces. */
interface CarriedOver {
  readonly muted: LocalMuted;
  /** The screen being shared, to share again in the new room. */
  readonly screen: MediaStreamTrack | null;
}

function isPending<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/**
 * One call, from either party's side, over its CallSession (which alone touches the media): set-up
 * from `call:started`, state announcements, the end in all its forms, the "is the call still on"
 * check after a signalling outage, microphone and camera, statistics reports, and real-time text
 * and documents (`desk`). The apps keep only their wording and layout.
 *
 * A call outlives its media: when the server moves it to a new room (`call:mediaRestart`, or a
 * `call:started` again with a newer `mediaEpoch`), or when its media fails while the server still
 * holds the call (ICE gave up, the server forgot the transports), the CallSession is replaced by
 * a new one with the same devices and mute states (a resume by ICE restart first, inside the
 * CallSession; then this rejoin). Only the server ends a call this way: `call:ended`, or NOT_FOUND
 * for the call itself.
 *
 * Lifetime: `start()` once; it ends once (`hangup()`, the server, or `close()`), and its end
 * removes every listener and timer it set and closes its media and desk.
 */
export class PartyCall extends TypedEmitter<PartyCallEvents> {
  readonly store: Store<PartyCallSnapshot>;
  readonly desk: InCallDesk;
  /** Documents sent to sign on the kiosk's screen. */
  readonly signature: CallSignature;
  readonly call: CallStarted;
  private readonly options: PartyCallOptions;
  private readonly cleanups: (() => void)[] = [];
  /** The router capabilities of the room announced last. */
  private rtpCapabilities: CallStarted['rtpCapabilities'];
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rejoins tried since media last flowed. */
  private rejoins = 0;
  /** The media failed and waits to be rebuilt (by a rejoin, or the server's next announcement). */
  private mediaLost = false;
  /** Bumped by every new CallSession, so that late work for an older one is dropped. */
  private generation = 0;
  private lastReportAt = -Infinity;
  private started = false;
  /** Settles when the call's first media session has its join answered (or gave up). */
  private joinedOnce: () => void = () => undefined;
  private readonly firstJoin = new Promise<void>((resolve) => {
    this.joinedOnce = resolve;
  });

  constructor(options: PartyCallOptions) {
    super();
    this.options = options;
    this.call = options.call;
    this.rtpCapabilities = options.call.rtpCapabilities;
    this.store = new Store<PartyCallSnapshot>({
      state: 'devices',
      media: null,
      mediaEpoch: options.call.mediaEpoch,
      reconnecting: null,
      peerAway: null,
      mediaModes: { own: 'video', peer: options.call.peerMediaMode ?? 'video' },
      interpreter: options.call.interpreter ?? null,
      end: null,
    });
    this.desk = new InCallDesk({
      signalling: options.signalling,
      callId: options.call.callId,
      party: options.party,
      token: options.token,
    });
    this.signature = new CallSignature(options.signalling, options.call.callId);
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

  get mediaEpoch(): number {
    return this.store.get().mediaEpoch;
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
    this.openMedia(null);
    const mine = (payload: { callId: string }) => payload.callId === this.callId;
    this.cleanups.push(
      signalling.on(callEvents.ended, ({ callId, reason, endedBy, unreachable }) => {
        if (callId === this.callId)
          this.finish({ by: 'server', reason, endedBy, ...(unreachable ? { unreachable } : {}) });
      }),
      signalling.on(callEvents.mediaRestart, (restart) => {
        if (mine(restart))
          this.moveMedia(restart.reason, restart.mediaEpoch, restart.rtpCapabilities);
      }),
      // Told again after a reconnect or a server restart: a newer room means "rejoin it".
      signalling.on(callEvents.started, (started) => {
        if (!mine(started)) return;
        // The other line may have changed modes while this side heard nothing.
        this.onPeerMediaMode(started.peerMediaMode ?? 'video');
        if (started.mediaEpoch > this.mediaEpoch)
          this.moveMedia('rejoin', started.mediaEpoch, started.rtpCapabilities);
        else if (this.mediaLost) this.rejoinSoon(true);
      }),
      signalling.on(callEvents.partyStatus, (status) => {
        if (mine(status)) this.onPartyStatus(status);
      }),
      signalling.on(callEvents.mediaMode, (changed) => {
        if (mine(changed)) this.onPeerMediaMode(changed.mode);
      }),
      signalling.on(interpreterEvents.joined, ({ callId, ...interpreter }) => {
        if (callId !== this.callId || this.isEnded) return;
        this.store.set({ interpreter });
        this.announce({ key: 'announce.interpreterJoined' });
      }),
      signalling.on(interpreterEvents.left, (left) => {
        if (!mine(left) || this.isEnded) return;
        this.store.set({ interpreter: null });
        this.announce({ key: 'announce.interpreterLeft' });
      }),
    );
    const onConnect = () => void this.checkStillOn();
    signalling.socket.on('connect', onConnect);
    this.cleanups.push(() => signalling.socket.off('connect', onConnect));
    // The call's text, documents and open signature request are asked for once the media's join
    // is answered: the server answers a socket's requests in turn, and the far side's first
    // picture waits on the join. At most DESK_ASK_MAX_WAIT_MS: devices slow to open do not hold
    // them back. Their events are listened to at once.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const askAfter = Promise.race([
      this.firstJoin,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, DESK_ASK_MAX_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
    this.cleanups.push(() => clearTimeout(timer));
    this.desk.start(askAfter);
    this.signature.start(askAfter);
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

  /** A device stopped and is being opened again: the far side hears it is unavailable. */
  deviceLost(source: DeviceSource): void {
    const media = this.media;
    if (!media || media.isClosed) return;
    media.deviceLost(source).catch((error: unknown) => this.mediaProblem(error));
  }

  /**
   * A device came back (`track`: re-acquired, from the app's own stream) or is gone for good
   * (`null`: the far side sees it off). A media rebuilt later takes the app's stream as it is then.
   */
  replaceTrack(source: DeviceSource, track: MediaStreamTrack | null): void {
    const media = this.media;
    if (!media || media.isClosed) return;
    media.replaceTrack(source, track).catch((error: unknown) => this.mediaProblem(error));
  }

  /**
   * The server moved the call's media to room `epoch` (or announced it again): everything of the
   * current media closes and a new one joins that room with the same devices. Older or equal
   * epochs are ignored (a late or repeated announcement).
   */
  rebuildMedia(
    rtpCapabilities: CallStarted['rtpCapabilities'],
    epoch: number,
    reason: ReconnectCause,
  ): void {
    this.moveMedia(reason, epoch, rtpCapabilities);
  }

  // ---- media ---------------------------------------------------------------------------

  /**
   * Opens the devices (the app's stream as it is now: a live one is reused, no new capture) and
   * starts a CallSession in the room announced last, with what the media it replaces carried over.
   */
  private openMedia(carried: CarriedOver | null): void {
    const generation = ++this.generation;
    let local: MediaStream | Promise<MediaStream | null>;
    try {
      local = this.options.localMedia();
    } catch {
      local = Promise.resolve(null);
    }
    const go = (stream: MediaStream | null) => {
      // Ended, or replaced again, while the devices opened.
      if (this.isEnded || generation !== this.generation) return;
      this.startMedia(stream, carried);
    };
    if (isPending(local)) local.then(go, () => go(null));
    else go(local);
  }

  private startMedia(stream: MediaStream | null, carried: CarriedOver | null): void {
    const { signalling, call } = this.options;
    const create = this.options.createMedia ?? ((o: CallSessionOptions) => new CallSession(o));
    const media = create({
      signalling,
      callId: call.callId,
      localStream: stream ?? new MediaStream(),
      routerRtpCapabilities: this.rtpCapabilities,
      mediaEpoch: this.mediaEpoch,
      // The transports made for this side come with the first media of the call only.
      ...(this.generation === 1 && call.media && this.mediaEpoch === call.mediaEpoch
        ? { prepared: call.media }
        : {}),
      ...(carried ? { initialMuted: carried.muted } : {}),
      keepLipReadable: this.options.keepLipReadable ?? true,
      // The far side: for the kiosk whoever is not the interpreter (the advisor, or the colleague
      // the call was handed to), for the others the kiosk; an interpreter's media is apart.
      isMainPeer:
        this.options.party === 'kiosk'
          ? (peerId) => peerId !== this.store.get().interpreter?.interpreterId
          : (peerId) => peerId === call.kioskId,
      peerAudioText: this.store.get().mediaModes.peer === 'audio_text',
    });
    media.on('state', (state) => {
      if (media === this.media) this.onMediaState(media, state);
    });
    media.on('mediaMode', (mode) => {
      if (media === this.media) this.onOwnMediaMode(mode);
    });
    // A new media starts on video and finds the line again; the other party hears it.
    if (this.store.get().mediaModes.own !== 'video') this.onOwnMediaMode('video');
    const recovering = this.store.get().reconnecting !== null;
    this.store.set({ media, state: recovering ? 'reconnecting' : 'connecting' });
    if (this.statsTimer === undefined) this.startStats();
    media.start().catch((error: unknown) => console.warn('call media setup failed', error));
    void media.whenJoined().then(this.joinedOnce);
    const screen = carried?.screen;
    // The advisor's shared screen goes on in the new room; if it cannot, the session says the
    // share stopped (screenSharing false) and the app tells the user.
    if (screen && screen.readyState === 'live')
      media.startScreenShare(screen).catch((error: unknown) => this.mediaProblem(error));
  }

  /** This line's policy switched modes: the other party is told through the server. */
  private onOwnMediaMode(mode: MediaMode): void {
    const modes = this.store.get().mediaModes;
    if (this.isEnded || modes.own === mode) return;
    this.store.set({ mediaModes: { ...modes, own: mode } });
    if (modes.peer === 'video')
      this.announce({ key: mode === 'audio_text' ? 'announce.audioText' : 'announce.videoBack' });
    this.tellMediaMode(mode);
  }

  private onPeerMediaMode(mode: MediaMode): void {
    const modes = this.store.get().mediaModes;
    if (this.isEnded || modes.peer === mode) return;
    this.store.set({ mediaModes: { ...modes, peer: mode } });
    if (modes.own === 'video')
      this.announce({ key: mode === 'audio_text' ? 'announce.audioText' : 'announce.videoBack' });
    this.media?.setPeerAudioText(mode === 'audio_text').catch((error: unknown) => {
      this.mediaProblem(error);
    });
  }

  private tellMediaMode(mode: MediaMode): void {
    // The interpreter's line is theirs alone: the parties' policies go on as between two.
    if (this.options.party === 'interpreter') return;
    this.options.signalling
      .request(callRequests.setMediaMode, { callId: this.callId, mode })
      .catch((error: unknown) => {
        if (this.isEnded) return;
        console.warn('media mode not told', error);
        // A weak line is when the request is most likely to fail (a timeout, a socket that
        // reconnects): while the mode stands, say it again, or the far side never learns it.
        setTimeout(() => {
          if (!this.isEnded && this.store.get().mediaModes.own === mode) this.tellMediaMode(mode);
        }, MEDIA_MODE_RETRY_MS);
      });
  }

  /** Closes the current media (if any) and starts another: `cause` says why, for the UI. */
  private replaceMedia(cause: ReconnectCause): void {
    if (this.isEnded) return;
    this.clearRejoinTimer();
    this.mediaLost = false;
    const previous = this.media;
    const carried = previous
      ? { muted: previous.localMuted, screen: previous.sharedScreenTrack }
      : null;
    previous?.close();
    this.enterReconnecting(cause, { media: null });
    this.openMedia(carried);
  }

  private moveMedia(
    cause: ReconnectCause,
    epoch: number,
    rtpCapabilities: CallStarted['rtpCapabilities'],
  ): void {
    if (this.isEnded || epoch <= this.mediaEpoch) return;
    this.rtpCapabilities = rtpCapabilities;
    this.store.set({ mediaEpoch: epoch });
    // A new room owes nothing to the failures of the old one.
    this.rejoins = 0;
    // Not started, or still opening the devices: the media starts in this room when they open.
    if (!this.started || this.store.get().state === 'devices') return;
    this.replaceMedia(cause);
  }

  private onMediaState(media: CallSession, state: CallSessionState): void {
    if (this.isEnded) return;
    switch (state) {
      case 'connected': {
        const wasConnected = this.state === 'connected';
        this.rejoins = 0;
        this.store.set({ state: 'connected', reconnecting: null });
        if (!wasConnected) this.announce({ key: 'announce.connected' });
        return;
      }
      case 'reconnecting':
        this.enterReconnecting(this.store.get().reconnecting ?? 'network');
        return;
      case 'connecting':
        // A rebuilt media connecting is still the call reconnecting.
        if (this.store.get().reconnecting === null) this.store.set({ state: 'connecting' });
        return;
      case 'failed':
        this.onMediaFailed(media.failedWith);
        return;
      case 'closed':
        return;
    }
  }

  /**
   * The media cannot go on as it is. This browser cannot do it at all: hang up. A room replaced
   * meanwhile (our epoch is stale): its announcement brings the new one. Anything else: rejoin.
   */
  private onMediaFailed(error: AppError | null): void {
    if (error?.code === 'UNAVAILABLE' && error.reason === 'unsupported') {
      this.failAndHangUp();
      return;
    }
    this.mediaLost = true;
    this.enterReconnecting(this.store.get().reconnecting ?? 'rejoin');
    if (error?.code === 'CONFLICT' && error.reason === 'stale_media_epoch') return;
    this.rejoinSoon(false);
  }

  /** A rejoin in the same room, at once or after the backoff; one at a time. */
  private rejoinSoon(now: boolean): void {
    if (this.isEnded || !this.mediaLost) return;
    if (now) this.clearRejoinTimer();
    else if (this.rejoinTimer !== undefined) return;
    const delay =
      now || this.rejoins === 0 ? 0 : iceRestartDelayMs(REJOIN_POLICY, this.rejoins - 1);
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = undefined;
      void this.rejoin();
    }, delay);
  }

  private async rejoin(): Promise<void> {
    // Offline: the reconnection's check (checkStillOn) rejoins.
    if (!this.mediaLost || this.isEnded || !this.options.signalling.socket.connected) return;
    if (this.rejoins >= REJOIN_POLICY.maxAttempts) {
      this.failAndHangUp();
      return;
    }
    const onAir = await this.checkStillOn(false);
    if (!onAir || !this.mediaLost || this.isEnded) return;
    this.rejoins += 1;
    this.replaceMedia(this.store.get().reconnecting ?? 'rejoin');
  }

  private enterReconnecting(cause: ReconnectCause, patch: Partial<PartyCallSnapshot> = {}): void {
    const wasReconnecting = this.state === 'reconnecting';
    this.store.set({ ...patch, state: 'reconnecting', reconnecting: cause });
    if (!wasReconnecting) this.announce({ key: 'announce.reconnecting' });
  }

  private failAndHangUp(): void {
    this.finish({ by: 'failure' });
    this.options.signalling.request(callRequests.hangup, { callId: this.callId }).catch(() => {
      // The server ends the call by itself when it cannot reach us either.
    });
  }

  private onPartyStatus(status: PartyStatus): void {
    if (this.isEnded) return;
    const away = this.store.get().peerAway;
    if (status.state === 'back') {
      if (!away) return;
      this.store.set({ peerAway: null });
      // A reloaded page of theirs hears of this line's mode from the server (call:started).
      this.announce({ key: 'announce.peerBack' });
      return;
    }
    const since = status.awaySince === null ? Date.now() : Date.parse(status.awaySince);
    const graceEndsAt = status.graceEndsAt === null ? null : Date.parse(status.graceEndsAt);
    this.store.set({ peerAway: { party: status.party, since, graceEndsAt } });
    // Said once: the view shows the time that passes.
    if (!away) this.announce({ key: 'announce.peerAway' });
  }

  private mediaProblem(error: unknown): void {
    if (!this.isEnded) this.emit('problem', { what: 'media', error: toAppError(error) });
  }

  /**
   * After a signalling outage the call may have ended without us hearing `call:ended`: the server
   * answers NOT_FOUND for a call we are no longer part of. If it is on and our media was lost
   * meanwhile, rejoin. True when the call is known to be on.
   */
  private async checkStillOn(rejoinIfLost = true): Promise<boolean> {
    if (this.isEnded) return false;
    try {
      const { rtpCapabilities } = await this.options.signalling.request(
        mediaRequests.routerCapabilities,
        { callId: this.callId },
      );
      this.rtpCapabilities = rtpCapabilities;
    } catch (error) {
      if (toAppError(error).code === 'NOT_FOUND') this.finish({ by: 'gone' });
      return false;
    }
    if (rejoinIfLost && this.mediaLost && !this.isEnded) this.rejoinSoon(true);
    return !this.isEnded;
  }

  private clearRejoinTimer(): void {
    if (this.rejoinTimer !== undefined) clearTimeout(this.rejoinTimer);
    this.rejoinTimer = undefined;
  }

  // ---- statistics ----------------------------------------------------------------------

  private startStats(): void {
    const sampleMs = this.options.statsSampleMs ?? STATS_REPORT_MS;
    const request =
      this.options.party === 'kiosk'
        ? kioskMonitoringRequests.statsReport
        : staffMonitoringRequests.statsReport;
    this.statsTimer = setInterval(() => {
      // The media of the moment: a rebuilt call reports its new transports.
      const media = this.media;
      if (!media || media.isClosed || this.isEnded) return;
      media
        .getStats()
        .then((stats) => {
          if (this.isEnded) return;
          this.emit('stats', stats);
          // Samples may come more often than the server wants them (the advisor's quality bars).
          if (Date.now() - this.lastReportAt < STATS_REPORT_MS - sampleMs / 2) return;
          this.lastReportAt = Date.now();
          // The call's quality is measured between its two parties; an interpreter's is not.
          if (this.options.party === 'interpreter') return;
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
    this.clearRejoinTimer();
    this.generation += 1;
    this.media?.close();
    this.desk.close();
    this.signature.close();
    this.store.set({ state: 'ended', media: null, reconnecting: null, peerAway: null, end });
    this.emit('ended', end);
  }

  private announce(announcement: CallAnnouncement): void {
    this.emit('announce', announcement);
  }
}

function toAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('INTERNAL', String(error));
}
