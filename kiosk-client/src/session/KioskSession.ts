import {
  CallSession,
  SignallingClient,
  acquireLocalMedia,
  connectSignalling,
  isUnauthorizedConnectError,
  LocalMediaError,
  type CallSessionState,
  type LocalMediaErrorReason,
} from '@visio/shared/client';
import {
  AppError,
  callEvents,
  callRequests,
  mediaRequests,
  type CallStarted,
} from '@visio/shared/protocol';
import {
  DEFAULT_LANGUAGE,
  type Language,
  type MessageKey,
  type MessageParams,
} from '../i18n/translate';
import {
  initialKioskMachine,
  kioskTransition,
  type KioskEvent,
  type KioskMachineState,
} from './kioskMachine';
import { Store } from './Store';

export interface Announcement {
  readonly key: MessageKey;
  readonly params?: MessageParams;
  /** Bumped on every announcement so the same sentence is spoken again. */
  readonly seq: number;
}

export type WelcomeNotice = 'welcome.callEnded' | 'welcome.callFailed';

export interface KioskState {
  readonly machine: KioskMachineState;
  readonly language: Language;
  readonly callSession: CallSession | null;
  /** Camera + microphone, opened once at start so a call begins at once. */
  readonly localStream: MediaStream | null;
  readonly deviceProblem: LocalMediaErrorReason | null;
  readonly notice: WelcomeNotice | null;
  readonly announcement: Announcement | null;
}

const NOTICE_MS = 10_000;
const LANGUAGE_IDLE_RESET_MS = 3 * 60_000;
const SERVER_KICK_RETRY_MS = 5_000;

const ANNOUNCE_STATE: Partial<Record<CallSessionState, MessageKey>> = {
  connected: 'announce.connected',
  reconnecting: 'announce.reconnecting',
};

/**
 * Everything the kiosk knows about the current citizen and its connection. One instance per
 * page; everything personal is wiped when a call ends, so the next citizen starts afresh.
 */
export class KioskSession {
  readonly store = new Store<KioskState>({
    machine: initialKioskMachine,
    language: DEFAULT_LANGUAGE,
    callSession: null,
    localStream: null,
    deviceProblem: null,
    notice: null,
    announcement: null,
  });
  private socket: ReturnType<typeof connectSignalling> | null = null;
  private signalling: SignallingClient | null = null;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private languageTimer: ReturnType<typeof setTimeout> | undefined;
  private mediaRequest: Promise<MediaStream | null> | null = null;

  constructor(private readonly token: string | null) {}

  start(): void {
    if (this.socket) return;
    void this.acquireMedia();
    if (!this.token) {
      this.dispatch({ type: 'unauthorized' });
      return;
    }
    const socket = connectSignalling('/kiosk', this.token);
    this.socket = socket;
    this.signalling = new SignallingClient(socket);
    socket.on('connect', () => {
      this.dispatch({ type: 'connected' });
      void this.checkCallStillOn();
    });
    socket.on('disconnect', (reason) => {
      this.dispatch({ type: 'disconnected' });
      // The server closed this socket on purpose: socket.io will not retry on its own. A kiosk
      // must come back by itself; if its token was revoked, the retry ends on 'unauthorized'.
      if (reason === 'io server disconnect')
        setTimeout(() => socket.connect(), SERVER_KICK_RETRY_MS);
    });
    socket.on('connect_error', (error) => {
      if (isUnauthorizedConnectError(error)) {
        socket.disconnect();
        this.endCallLocally(null);
        this.dispatch({ type: 'unauthorized' });
      } else {
        this.dispatch({ type: 'disconnected' });
      }
    });
    this.signalling.on(callEvents.started, (call) => void this.onCallStarted(call));
    this.signalling.on(callEvents.ended, ({ callId }) => {
      if (this.currentCall()?.callId === callId) this.endCallLocally('welcome.callEnded');
    });
  }

  /** The citizen's choice; it lasts for their visit (see LANGUAGE_IDLE_RESET_MS). */
  setLanguage(language: Language): void {
    this.store.set({ language });
    if (this.languageTimer !== undefined) clearTimeout(this.languageTimer);
    this.languageTimer = undefined;
    if (language === DEFAULT_LANGUAGE) return;
    // Someone who switched language and left without a call must not leave it to the next one.
    this.languageTimer = setTimeout(() => {
      this.languageTimer = undefined;
      if (!this.currentCall()) this.store.set({ language: DEFAULT_LANGUAGE });
    }, LANGUAGE_IDLE_RESET_MS);
  }

  setMicrophoneMuted(muted: boolean): void {
    const session = this.store.get().callSession;
    if (!session) return;
    this.announce(muted ? 'announce.micMuted' : 'announce.micOn');
    session.setMicrophoneMuted(muted).catch((error: unknown) => console.warn('mute failed', error));
  }

  setCameraOff(off: boolean): void {
    const session = this.store.get().callSession;
    if (!session) return;
    this.announce(off ? 'announce.cameraOff' : 'announce.cameraOn');
    session
      .setCameraOff(off)
      .catch((error: unknown) => console.warn('camera toggle failed', error));
  }

  /** The citizen hangs up: media stops at once, then the server is told. */
  hangup(): void {
    const call = this.currentCall();
    if (!call) return;
    this.endCallLocally('welcome.callEnded');
    this.signalling
      ?.request(callRequests.hangup, { callId: call.callId })
      .catch((error: unknown) => console.warn('call:hangup failed', error));
  }

  // ---- call lifecycle ------------------------------------------------------------------

  private async onCallStarted(call: CallStarted): Promise<void> {
    const current = this.currentCall();
    if (current?.callId === call.callId) return; // announced again after a reconnect
    if (current) this.endCallLocally(null);
    const signalling = this.signalling;
    if (!signalling) return;

    this.clearNotice();
    this.dispatch({ type: 'callStarted', call });
    this.announce('announce.callStarted', { name: call.peerName });

    const localStream = (await this.acquireMedia()) ?? new MediaStream();
    if (this.currentCall()?.callId !== call.callId) return; // ended while the camera opened
    const session = new CallSession({ signalling, callId: call.callId, localStream });
    session.on('state', (state) => {
      const key = ANNOUNCE_STATE[state];
      if (key) this.announce(key);
      if (state === 'failed') this.onCallFailed(call.callId);
    });
    this.store.set({ callSession: session });
    session.start().catch((error: unknown) => console.warn('call media setup failed', error));
  }

  private onCallFailed(callId: string): void {
    if (this.currentCall()?.callId !== callId) return;
    this.endCallLocally('welcome.callFailed');
    this.signalling?.request(callRequests.hangup, { callId }).catch(() => {
      // The server ends the call by itself when it cannot reach us either.
    });
  }

  /** Stop media and wipe what belonged to this citizen; show `notice` on the welcome screen. */
  private endCallLocally(notice: WelcomeNotice | null): void {
    const { callSession, machine } = this.store.get();
    callSession?.close();
    if (machine.call) this.dispatch({ type: 'callEnded', callId: machine.call.callId });
    this.store.set({ callSession: null });
    this.setLanguage(DEFAULT_LANGUAGE);
    if (machine.call) this.announce('announce.callEnded');
    if (notice) this.showNotice(notice);
  }

  /**
   * After a signalling outage the call may have ended without us hearing call:ended. The server
   * answers NOT_FOUND for a call we are no longer part of.
   */
  private async checkCallStillOn(): Promise<void> {
    const call = this.currentCall();
    if (!call || !this.signalling) return;
    try {
      await this.signalling.request(mediaRequests.routerCapabilities, { callId: call.callId });
    } catch (error) {
      const gone = error instanceof AppError && error.code === 'NOT_FOUND';
      if (gone && this.currentCall()?.callId === call.callId)
        this.endCallLocally('welcome.callEnded');
    }
  }

  private currentCall(): CallStarted | null {
    return this.store.get().machine.call;
  }

  // ---- devices -------------------------------------------------------------------------

  /** Opens camera + microphone once; a later call retries if they were missing. */
  private acquireMedia(): Promise<MediaStream | null> {
    const existing = this.store.get().localStream;
    if (existing?.getTracks().some((t) => t.readyState === 'live'))
      return Promise.resolve(existing);
    this.mediaRequest ??= acquireLocalMedia()
      .then((stream) => {
        for (const track of stream.getTracks()) {
          track.addEventListener('ended', () => this.store.set({ deviceProblem: 'NOT_FOUND' }));
        }
        this.store.set({ localStream: stream, deviceProblem: null });
        return stream;
      })
      .catch((error: unknown) => {
        const reason = error instanceof LocalMediaError ? error.reason : 'UNKNOWN';
        this.store.set({ deviceProblem: reason });
        return null;
      })
      .finally(() => {
        this.mediaRequest = null;
      });
    return this.mediaRequest;
  }

  // ---- feedback ------------------------------------------------------------------------

  private dispatch(event: KioskEvent): void {
    this.store.set((state) => ({ machine: kioskTransition(state.machine, event) }));
  }

  private announce(key: MessageKey, params?: MessageParams): void {
    this.store.set((state) => ({
      announcement: { key, params, seq: (state.announcement?.seq ?? 0) + 1 },
    }));
  }

  private showNotice(notice: WelcomeNotice): void {
    this.clearNotice();
    this.store.set({ notice });
    this.noticeTimer = setTimeout(() => this.store.set({ notice: null }), NOTICE_MS);
  }

  private clearNotice(): void {
    if (this.noticeTimer !== undefined) clearTimeout(this.noticeTimer);
    this.noticeTimer = undefined;
    if (this.store.get().notice) this.store.set({ notice: null });
  }
}
