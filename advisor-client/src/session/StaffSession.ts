import {
  CallSession,
  SignallingClient,
  acquireLocalMedia,
  connectSignalling,
  isUnauthorizedConnectError,
  LocalMediaError,
  stopLocalMedia,
  type CallSessionState,
  type LocalMediaErrorReason,
} from '@visio/shared/client';
import {
  AppError,
  callEvents,
  callRequests,
  mediaRequests,
  sessionRequests,
  type AppointmentView,
  type CallEndReason,
  type CallStarted,
  type ErrorCode,
  type PrincipalSummary,
} from '@visio/shared/protocol';
import { Agenda } from '../features/agenda/Agenda';
import { CallDesk } from '../features/call/CallDesk';
import { ArrivalAlert } from '../features/agenda/ArrivalAlert';
import { KioskDirectory } from '../features/kiosks/KioskDirectory';
import type { ErrorContext } from '../i18n/errorMessage';
import type { MessageKey, MessageParams, Translate } from '../i18n/translate';
import { Store } from '@visio/shared/ui';
import { isView, viewsFor, type View } from './views';

export type Connection = 'connecting' | 'online' | 'offline' | 'unauthorized';
export type StaffPrincipal = Extract<PrincipalSummary, { kind: 'staff' }>;

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
  /** Who is signed in; with a `?token=` link, known once the socket has asked the server. */
  readonly principal: StaffPrincipal | null;
  readonly view: View | null;
  readonly localStream: MediaStream | null;
  readonly deviceProblem: LocalMediaErrorReason | null;
  readonly openingDevices: boolean;
  readonly call: CallStarted | null;
  readonly callSession: CallSession | null;
  /** Chat, documents, notes and quality of the call in progress. */
  readonly callDesk: CallDesk | null;
  /** The screen being shared (from getDisplayMedia), ours to stop. */
  readonly screenTrack: MediaStreamTrack | null;
  /** Why the last call ended, shown above the agenda. */
  readonly endedNotice: MessageKey | null;
  readonly error: ShownError | null;
  readonly announcement: Announcement | null;
  readonly notificationPermission: NotificationPermission | 'unsupported';
}

export interface StaffSessionOptions {
  /** A session token from a `?token=` link (tools, tests); without it, the cookie is used. */
  readonly token: string | null;
  /** Known at once after a sign-in or `GET /api/auth/me`. */
  readonly principal: StaffPrincipal | null;
  /** The translator of the page's current language (notifications are written here). */
  readonly translate: Translate;
  /** The server refused the session (expired or revoked). */
  readonly onUnauthorized: () => void;
}

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

/**
 * One signed-in staff member's page: the `/staff` socket, identity and pages by role, devices,
 * the call in progress, and (for advisors) the agenda; (for technicians) live kiosk presence.
 * Closed on sign-out: nothing of it outlives the session.
 */
export class StaffSession {
  readonly store: Store<StaffState>;
  readonly signalling: SignallingClient;
  private agendaOfAdvisor: Agenda | null = null;
  private presence: KioskDirectory | null = null;
  private readonly alert = new ArrivalAlert();
  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: StaffSessionOptions) {
    this.store = new Store<StaffState>({
      connection: 'connecting',
      principal: null,
      view: null,
      localStream: null,
      deviceProblem: null,
      openingDevices: false,
      call: null,
      callSession: null,
      callDesk: null,
      screenTrack: null,
      endedNotice: null,
      error: null,
      announcement: null,
      notificationPermission: ArrivalAlert.permission,
    });
    this.signalling = new SignallingClient(connectSignalling('/staff', options.token));
    if (options.principal) this.setPrincipal(options.principal);
  }

  /** The advisor's agenda; null for other roles (and until the identity is known). */
  get agenda(): Agenda | null {
    return this.agendaOfAdvisor;
  }

  /** Live kiosk presence for the kiosks page; null for roles without it. */
  get kioskDirectory(): KioskDirectory | null {
    return this.presence;
  }

  start(): void {
    const socket = this.signalling.socket;
    socket.on('connect', () => {
      this.store.set({ connection: 'online' });
      if (!this.store.get().principal) void this.loadIdentity();
      void this.checkCallStillOn();
    });
    socket.on('disconnect', (reason) => {
      if (this.closed) return;
      this.store.set({ connection: 'offline' });
      // The server closed this socket on purpose: socket.io does not retry by itself. If the
      // session was revoked, the retry ends on 'unauthorized'.
      if (reason === 'io server disconnect')
        setTimeout(() => !this.closed && socket.connect(), SERVER_KICK_RETRY_MS);
    });
    socket.on('connect_error', (error) => {
      if (isUnauthorizedConnectError(error)) {
        socket.disconnect();
        this.endCallLocally(null, 'hangup');
        this.store.set({ connection: 'unauthorized' });
        this.options.onUnauthorized();
      } else {
        this.store.set({ connection: 'offline' });
      }
    });
    this.signalling.on(callEvents.started, (call) => void this.onCallStarted(call));
    this.signalling.on(callEvents.ended, ({ callId, reason, endedBy }) => {
      if (this.store.get().call?.callId !== callId) return;
      this.endCallLocally(
        reason === 'hangup' && endedBy === 'kiosk' ? 'call.ended.kiosk' : ENDED_NOTICE[reason],
        reason,
      );
    });
    const followHash = () => {
      const view = window.location.hash.slice(1);
      if (isView(view)) this.showView(view);
    };
    window.addEventListener('hashchange', followHash);
    this.cleanups.push(() => window.removeEventListener('hashchange', followHash));
    // Audio may only start after the page was used: the first click or key press unlocks it.
    const unlock = () => this.alert.unlock();
    document.addEventListener('pointerdown', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
    this.cleanups.push(() => {
      document.removeEventListener('pointerdown', unlock);
      document.removeEventListener('keydown', unlock);
    });
  }

  /** Sign-out: the call ends, devices close, the socket goes. */
  close(): void {
    if (this.closed) return;
    this.endCallLocally(null, 'hangup');
    this.closed = true;
    this.agendaOfAdvisor?.detach();
    this.presence?.detach();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.alert.close();
    this.signalling.socket.disconnect();
    stopLocalMedia(this.store.get().localStream);
    this.store.set({ localStream: null });
  }

  showView(view: View): void {
    const principal = this.store.get().principal;
    if (!principal || !viewsFor(principal.roles).includes(view)) return;
    this.store.set({ view });
    if (window.location.hash !== `#${view}`) window.history.replaceState(null, '', `#${view}`);
  }

  dismissError(): void {
    this.store.set({ error: null });
  }

  async enableNotifications(): Promise<void> {
    this.alert.unlock();
    const permission = await this.alert.requestPermission();
    this.store.set({ notificationPermission: permission });
  }

  /** Opens camera + microphone (again, after a failure). */
  async openDevices(): Promise<MediaStream | null> {
    const live = this.liveLocalStream();
    if (live) return live;
    if (this.store.get().openingDevices || this.closed) return null;
    this.store.set({ openingDevices: true });
    try {
      const stream = await acquireLocalMedia();
      if (this.closed) {
        stopLocalMedia(stream);
        return null;
      }
      this.store.set({ localStream: stream, deviceProblem: null, openingDevices: false });
      return stream;
    } catch (error) {
      const reason = error instanceof LocalMediaError ? error.reason : 'UNKNOWN';
      this.store.set({ deviceProblem: reason, openingDevices: false });
      return null;
    }
  }

  /** Media stops at once; the server then tells both sides with call:ended. */
  hangup(): void {
    const call = this.store.get().call;
    if (!call) return;
    this.endCallLocally('call.ended.self', 'hangup');
    this.signalling
      .request(callRequests.hangup, { callId: call.callId })
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

  /** Share a screen, window or tab (the browser asks which), or stop sharing it. */
  async toggleScreenShare(): Promise<void> {
    const { callSession, screenTrack } = this.store.get();
    if (!callSession) return;
    if (screenTrack) {
      await callSession.stopScreenShare();
      this.stopScreenTrack();
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return; // The advisor cancelled the browser's picker, or the browser refused.
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    if (this.store.get().callSession !== callSession || callSession.isClosed) {
      track.stop();
      return;
    }
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track: end the share with it.
    track.addEventListener('ended', () => {
      if (this.store.get().screenTrack === track) void callSession.stopScreenShare();
    });
    this.store.set({ screenTrack: track });
    this.announce('announce.screenShareOn');
    try {
      await callSession.startScreenShare(track);
    } catch (error) {
      this.stopScreenTrack();
      this.showError('media', error);
    }
  }

  private stopScreenTrack(): void {
    const track = this.store.get().screenTrack;
    if (!track) return;
    track.stop();
    this.store.set({ screenTrack: null });
    if (!this.closed && this.store.get().call) this.announce('announce.screenShareOff');
  }

  announce(key: MessageKey, params?: MessageParams): void {
    this.store.set((state) => ({
      announcement: { key, params, seq: (state.announcement?.seq ?? 0) + 1 },
    }));
  }

  // ---- identity ------------------------------------------------------------------------

  private setPrincipal(principal: StaffPrincipal): void {
    const views = viewsFor(principal.roles);
    if (principal.roles.includes('advisor') && !this.agendaOfAdvisor) {
      this.agendaOfAdvisor = new Agenda(this.signalling, principal.staffId, {
        onArrival: (appointment) => this.onArrival(appointment),
        onOutcomeRecorded: () => this.announce('announce.outcomeRecorded'),
      });
      this.agendaOfAdvisor.attach();
      void this.openDevices();
    }
    // kiosks:list is for advisors, technicians and admins; the kiosks page shows it.
    if (views.includes('kiosks') && !this.presence) {
      this.presence = new KioskDirectory(this.signalling);
      this.presence.attach();
    }
    const fromHash = window.location.hash.slice(1);
    const view = isView(fromHash) && views.includes(fromHash) ? fromHash : (views[0] ?? null);
    this.store.set({ principal, view });
  }

  private async loadIdentity(): Promise<void> {
    try {
      const { principal } = await this.signalling.request(sessionRequests.whoami, {});
      if (principal.kind === 'staff' && !this.closed) this.setPrincipal(principal);
    } catch (error) {
      console.warn('session:whoami failed', error);
    }
  }

  private onArrival(appointment: AppointmentView): void {
    const t = this.options.translate;
    const params = {
      ref: appointment.citizenRef || t('agenda.walkIn'),
      service: appointment.service.name,
      kiosk: appointment.kiosk.name,
    };
    this.announce(
      appointment.kind === 'walk_in' ? 'announce.walkInArrived' : 'announce.citizenArrived',
      params,
    );
    this.alert.alert(t('notification.arrival.title'), t('notification.arrival.body', params));
  }

  // ---- call lifecycle ------------------------------------------------------------------

  private async onCallStarted(call: CallStarted): Promise<void> {
    const current = this.store.get().call;
    if (current?.callId === call.callId || this.closed) return; // announced again after a reconnect
    if (current) this.endCallLocally(null, 'hangup');

    const desk = new CallDesk(call.callId, this.signalling, this.options.token);
    // The media set-up starts first: CallSession sends its first requests from the microtasks
    // that follow, and React renders the call view for the store change below in a microtask
    // queued after them, so they leave before that render (10-30 ms) instead of after it. The
    // citizen's first picture waits on our video producer.
    const ready = this.liveLocalStream();
    const session = ready ? this.startMedia(call, desk, ready) : null;
    desk.start();
    this.store.set({ call, callDesk: desk, callSession: session, endedNotice: null });
    this.agenda?.closeOutcome();
    this.announce('announce.callStarted', { name: call.peerName });
    if (session) return;
    const localStream = (await this.openDevices()) ?? new MediaStream();
    if (this.store.get().call?.callId !== call.callId) return; // ended while devices opened
    this.store.set({ callSession: this.startMedia(call, desk, localStream) });
  }

  private startMedia(call: CallStarted, desk: CallDesk, localStream: MediaStream): CallSession {
    const session = new CallSession({
      signalling: this.signalling,
      callId: call.callId,
      localStream,
      routerRtpCapabilities: call.rtpCapabilities,
    });
    session.on('state', (state) => {
      const key = ANNOUNCE_STATE[state];
      if (key) this.announce(key);
      if (state === 'failed') this.onCallFailed(call.callId);
    });
    session.on('screenSharing', (sharing) => {
      if (!sharing) this.stopScreenTrack();
    });
    desk.attachMedia(session);
    session.start().catch((error: unknown) => console.warn('call media setup failed', error));
    return session;
  }

  /** The camera and microphone opened earlier, if they still run. */
  private liveLocalStream(): MediaStream | null {
    const { localStream } = this.store.get();
    return localStream?.getTracks().some((t) => t.readyState === 'live') ? localStream : null;
  }

  private onCallFailed(callId: string): void {
    if (this.store.get().call?.callId !== callId) return;
    this.endCallLocally('call.ended.failed', 'media_failed');
    this.signalling.request(callRequests.hangup, { callId }).catch(() => {
      // The server ends the call by itself when it cannot reach us either.
    });
  }

  private endCallLocally(notice: MessageKey | null, reason: CallEndReason): void {
    const { callSession, callDesk, call } = this.store.get();
    callSession?.close();
    callDesk?.close();
    this.stopScreenTrack();
    this.store.set({
      call: null,
      callSession: null,
      callDesk: null,
      endedNotice: call ? notice : null,
    });
    if (!call) return;
    if (notice) this.announce(notice);
    if (!this.closed) this.agenda?.callEnded(call, reason);
  }

  /**
   * After a signalling outage the call may have ended without us hearing call:ended. The server
   * answers NOT_FOUND for a call we are no longer part of.
   */
  private async checkCallStillOn(): Promise<void> {
    const call = this.store.get().call;
    if (!call) return;
    try {
      await this.signalling.request(mediaRequests.routerCapabilities, { callId: call.callId });
    } catch (error) {
      const gone = errorCodeOf(error) === 'NOT_FOUND';
      if (gone && this.store.get().call?.callId === call.callId) {
        this.endCallLocally('call.ended.generic', 'hangup');
      }
    }
  }

  private showError(context: ErrorContext, error: unknown): void {
    const code = errorCodeOf(error);
    this.store.set((state) => ({ error: { context, code, seq: (state.error?.seq ?? 0) + 1 } }));
  }
}

function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof AppError ? error.code : 'INTERNAL';
}
