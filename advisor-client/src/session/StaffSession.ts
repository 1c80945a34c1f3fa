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
  sessionRequests,
  type CallEndReason,
  type CallStarted,
  type ErrorCode,
} from '@visio/shared/protocol';
import { KioskDirectory } from '../features/kiosks/KioskDirectory';
import type { ErrorContext } from '../i18n/errorMessage';
import {
  DEFAULT_LANGUAGE,
  type Language,
  type MessageKey,
  type MessageParams,
} from '../i18n/translate';
import { Store } from './Store';

export type Connection = 'connecting' | 'online' | 'offline' | 'unauthorized';

export interface Announcement {
  readonly key: MessageKey;
  readonly params?: MessageParams;
  readonly seq: number;
}

export interface ShownError {
  readonly context: ErrorContext;
  readonly code: ErrorCode;
  readonly seq: number;
}

export interface StaffState {
  readonly connection: Connection;
  readonly myName: string | null;
  readonly language: Language;
  readonly localStream: MediaStream | null;
  readonly deviceProblem: LocalMediaErrorReason | null;
  readonly openingDevices: boolean;
  /** The kiosk a call:start request is in flight for. */
  readonly startingKioskId: string | null;
  readonly call: CallStarted | null;
  readonly callSession: CallSession | null;
  /** Why the last call ended, shown above the kiosk list. */
  readonly endedNotice: MessageKey | null;
  readonly error: ShownError | null;
  readonly announcement: Announcement | null;
}

const LANGUAGE_KEY = 'visio-public.advisor.language';
const SERVER_KICK_RETRY_MS = 5_000;

const ENDED_NOTICE: Record<CallEndReason, MessageKey> = {
  hangup: 'call.ended.generic',
  peer_disconnected: 'call.ended.peer_disconnected',
  media_failed: 'call.ended.media_failed',
  ended_by_staff: 'call.ended.ended_by_staff',
  server_shutdown: 'call.ended.server_shutdown',
};

const ANNOUNCE_STATE: Partial<Record<CallSessionState, MessageKey>> = {
  connected: 'announce.connected',
  reconnecting: 'announce.reconnecting',
};

/** The advisor's page: connection, identity, devices and the call in progress. */
export class StaffSession {
  readonly store = new Store<StaffState>({
    connection: 'connecting',
    myName: null,
    language: storedLanguage(),
    localStream: null,
    deviceProblem: null,
    openingDevices: false,
    startingKioskId: null,
    call: null,
    callSession: null,
    endedNotice: null,
    error: null,
    announcement: null,
  });
  readonly kioskDirectory: KioskDirectory | null;
  private readonly signalling: SignallingClient | null;

  constructor(token: string | null) {
    this.signalling = token ? new SignallingClient(connectSignalling('/staff', token)) : null;
    this.kioskDirectory = this.signalling ? new KioskDirectory(this.signalling) : null;
  }

  start(): void {
    void this.openDevices();
    const signalling = this.signalling;
    if (!signalling) {
      this.store.set({ connection: 'unauthorized' });
      return;
    }
    const socket = signalling.socket;
    socket.on('connect', () => {
      this.store.set({ connection: 'online' });
      void this.loadIdentity();
      void this.checkCallStillOn();
    });
    socket.on('disconnect', (reason) => {
      this.store.set({ connection: 'offline' });
      // The server closed this socket on purpose: socket.io does not retry by itself. If the
      // session was revoked, the retry ends on 'unauthorized'.
      if (reason === 'io server disconnect')
        setTimeout(() => socket.connect(), SERVER_KICK_RETRY_MS);
    });
    socket.on('connect_error', (error) => {
      if (isUnauthorizedConnectError(error)) {
        socket.disconnect();
        this.endCallLocally(null);
        this.store.set({ connection: 'unauthorized' });
      } else {
        this.store.set({ connection: 'offline' });
      }
    });
    signalling.on(callEvents.started, (call) => void this.onCallStarted(call));
    signalling.on(callEvents.ended, ({ callId, reason, endedBy }) => {
      if (this.store.get().call?.callId !== callId) return;
      this.endCallLocally(
        reason === 'hangup' && endedBy === 'kiosk' ? 'call.ended.kiosk' : ENDED_NOTICE[reason],
      );
    });
    this.kioskDirectory?.attach();
  }

  setLanguage(language: Language): void {
    try {
      window.localStorage.setItem(LANGUAGE_KEY, language);
    } catch {
      // Not remembered across visits; fine.
    }
    this.store.set({ language });
  }

  dismissError(): void {
    this.store.set({ error: null });
  }

  /** Opens camera + microphone (again, after a failure). */
  async openDevices(): Promise<MediaStream | null> {
    const { localStream, openingDevices } = this.store.get();
    if (localStream?.getTracks().some((t) => t.readyState === 'live')) return localStream;
    if (openingDevices) return null;
    this.store.set({ openingDevices: true });
    try {
      const stream = await acquireLocalMedia();
      this.store.set({ localStream: stream, deviceProblem: null, openingDevices: false });
      return stream;
    } catch (error) {
      const reason = error instanceof LocalMediaError ? error.reason : 'UNKNOWN';
      this.store.set({ deviceProblem: reason, openingDevices: false });
      return null;
    }
  }

  async startCall(kioskId: string): Promise<void> {
    const signalling = this.signalling;
    if (!signalling || this.store.get().call || this.store.get().startingKioskId) return;
    this.store.set({ startingKioskId: kioskId, error: null, endedNotice: null });
    try {
      // call:started, which may arrive before this answer, switches to the call view.
      await signalling.request(callRequests.start, { kioskId });
    } catch (error) {
      this.showError('callStart', error);
      if (errorCodeOf(error) === 'NOT_FOUND') void this.kioskDirectory?.refresh();
    } finally {
      this.store.set({ startingKioskId: null });
    }
  }

  /** Media stops at once; the server then tells both sides with call:ended. */
  hangup(): void {
    const call = this.store.get().call;
    if (!call) return;
    this.endCallLocally('call.ended.self');
    this.signalling
      ?.request(callRequests.hangup, { callId: call.callId })
      .catch((error: unknown) => {
        // Already over on the server: nothing to tell the advisor.
        const code = errorCodeOf(error);
        if (code !== 'NOT_FOUND' && code !== 'BAD_STATE') this.showError('hangup', error);
      });
  }

  setMicrophoneMuted(muted: boolean): void {
    const session = this.store.get().callSession;
    if (!session) return;
    this.announce(muted ? 'announce.micMuted' : 'announce.micOn');
    session.setMicrophoneMuted(muted).catch((error: unknown) => this.showError('media', error));
  }

  setCameraOff(off: boolean): void {
    const session = this.store.get().callSession;
    if (!session) return;
    this.announce(off ? 'announce.cameraOff' : 'announce.cameraOn');
    session.setCameraOff(off).catch((error: unknown) => this.showError('media', error));
  }

  // ---- call lifecycle ------------------------------------------------------------------

  private async onCallStarted(call: CallStarted): Promise<void> {
    const current = this.store.get().call;
    if (current?.callId === call.callId) return; // announced again after a reconnect
    if (current) this.endCallLocally(null);
    const signalling = this.signalling;
    if (!signalling) return;

    this.store.set({ call, endedNotice: null });
    this.announce('announce.callStarted', { name: call.peerName });
    const localStream = (await this.openDevices()) ?? new MediaStream();
    if (this.store.get().call?.callId !== call.callId) return; // ended while devices opened
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
    if (this.store.get().call?.callId !== callId) return;
    this.endCallLocally('call.ended.failed');
    this.signalling?.request(callRequests.hangup, { callId }).catch(() => {
      // The server ends the call by itself when it cannot reach us either.
    });
  }

  private endCallLocally(notice: MessageKey | null): void {
    const { callSession, call } = this.store.get();
    callSession?.close();
    this.store.set({ call: null, callSession: null, endedNotice: call ? notice : null });
    if (call && notice) this.announce(notice);
  }

  /**
   * After a signalling outage the call may have ended without us hearing call:ended. The server
   * answers NOT_FOUND for a call we are no longer part of.
   */
  private async checkCallStillOn(): Promise<void> {
    const call = this.store.get().call;
    if (!call || !this.signalling) return;
    try {
      await this.signalling.request(mediaRequests.routerCapabilities, { callId: call.callId });
    } catch (error) {
      const gone = errorCodeOf(error) === 'NOT_FOUND';
      if (gone && this.store.get().call?.callId === call.callId) {
        this.endCallLocally('call.ended.generic');
      }
    }
  }

  private async loadIdentity(): Promise<void> {
    if (!this.signalling) return;
    try {
      const { principal } = await this.signalling.request(sessionRequests.whoami, {});
      this.store.set({ myName: principal.name });
    } catch (error) {
      console.warn('session:whoami failed', error);
    }
  }

  // ---- feedback ------------------------------------------------------------------------

  private showError(context: ErrorContext, error: unknown): void {
    const code = errorCodeOf(error);
    this.store.set((state) => ({ error: { context, code, seq: (state.error?.seq ?? 0) + 1 } }));
  }

  private announce(key: MessageKey, params?: MessageParams): void {
    this.store.set((state) => ({
      announcement: { key, params, seq: (state.announcement?.seq ?? 0) + 1 },
    }));
  }
}

function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof AppError ? error.code : 'INTERNAL';
}

function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_KEY);
    return stored === 'en' || stored === 'fr' ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}
