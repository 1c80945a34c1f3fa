import {
  PartyCall,
  SignallingClient,
  acquireLocalMedia,
  connectSignalling,
  isUnauthorizedConnectError,
  LocalMediaError,
  preloadDevice,
  stopLocalMedia,
  type LocalMediaErrorReason,
  type PartyCallEnd,
} from '@visio/shared/client';
import {
  AppError,
  callEvents,
  interpreterRequests,
  sessionRequests,
  type AppointmentView,
  type CallEndReason,
  type CallStarted,
  type ErrorCode,
  type Interpretation,
  type PrincipalSummary,
  type TransferOffered,
} from '@visio/shared/protocol';
import { Agenda } from '../features/agenda/Agenda';
import { AdvisorCall, QUALITY_SAMPLE_MS } from '../features/call/AdvisorCall';
import { ArrivalAlert } from '../features/agenda/ArrivalAlert';
import { KioskDirectory } from '../features/kiosks/KioskDirectory';
import { TransferDesk } from '../features/transfer/TransferDesk';
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
  /** The call in progress: media, text, documents, and the desk's own tools. */
  readonly call: AdvisorCall | null;
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
  advisor_disconnected: 'call.ended.advisor_disconnected',
  media_failed: 'call.ended.media_failed',
  ended_by_staff: 'call.ended.ended_by_staff',
  server_shutdown: 'call.ended.server_shutdown',
  media_unreachable: 'call.ended.media_unreachable',
  transferred: 'call.ended.transferred.anonymous',
};

/** What the advisor is told when a call ends, and why the agenda hears it ended. */
function endOf(end: PartyCallEnd): { notice: MessageKey | null; reason: CallEndReason } {
  switch (end.by) {
    case 'self':
      return { notice: 'call.ended.self', reason: 'hangup' };
    case 'server':
      return {
        notice:
          end.reason === 'hangup' && end.endedBy === 'kiosk'
            ? 'call.ended.kiosk'
            : end.reason === 'media_unreachable' && end.unreachable?.length === 1
              ? `call.ended.media_unreachable.${end.unreachable[0]!}`
              : ENDED_NOTICE[end.reason],
        reason: end.reason,
      };
    case 'failure':
      return { notice: 'call.ended.failed', reason: 'media_failed' };
    case 'gone':
      return { notice: 'call.ended.generic', reason: 'hangup' };
    case 'closed':
      return { notice: null, reason: 'hangup' };
  }
}

/**
 * One signed-in staff member's page: the `/staff` socket, identity and pages by role, devices,
 * the call in progress, and (for advisors) the agenda; (for technicians) live kiosk presence.
 * Closed on sign-out: nothing of it outlives the session.
 */
export class StaffSession {
  /** The media Device is being (or was) loaded ahead of calls (`preloadDevice`). */
  private deviceLoading = false;
  readonly store: Store<StaffState>;
  readonly signalling: SignallingClient;
  private agendaOfAdvisor: Agenda | null = null;
  private transferDesk: TransferDesk | null = null;
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

  /** Warm transfers, offered and received; null for other roles than advisor. */
  get transfers(): TransferDesk | null {
    return this.transferDesk;
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
        this.store.get().call?.close();
        this.store.set({ connection: 'unauthorized' });
        this.options.onUnauthorized();
      } else {
        this.store.set({ connection: 'offline' });
      }
    });
    this.signalling.on(callEvents.started, (call) => this.onCallStarted(call));
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
    this.store.get().call?.close();
    this.closed = true;
    this.agendaOfAdvisor?.detach();
    this.transferDesk?.detach();
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
    this.store.get().call?.party.hangup();
  }

  setMicrophoneMuted(muted: boolean): void {
    this.store.get().call?.party.setMicrophoneMuted(muted);
  }

  setCameraOff(off: boolean): void {
    this.store.get().call?.party.setCameraOff(off);
  }

  /** Share a screen, window or tab (the browser asks which), or stop sharing it. */
  async toggleScreenShare(): Promise<void> {
    await this.store.get().call?.toggleScreenShare();
  }

  announce(key: MessageKey, params?: MessageParams): void {
    this.store.set((state) => ({
      announcement: { key, params, seq: (state.announcement?.seq ?? 0) + 1 },
    }));
  }

  // ---- identity ------------------------------------------------------------------------

  private setPrincipal(principal: StaffPrincipal): void {
    const views = viewsFor(principal.roles);
    // Those who take calls load the media Device now: their first call then starts at once.
    if (
      !this.deviceLoading &&
      principal.roles.some((r) => r === 'advisor' || r === 'interpreter')
    ) {
      this.deviceLoading = true;
      void preloadDevice(this.signalling);
    }
    if (principal.roles.includes('advisor') && !this.agendaOfAdvisor) {
      this.agendaOfAdvisor = new Agenda(this.signalling, principal.staffId, {
        onArrival: (appointment) => this.onArrival(appointment),
        onOutcomeRecorded: () => this.announce('announce.outcomeRecorded'),
        inCall: () => this.store.get().call !== null,
      });
      this.agendaOfAdvisor.attach();
      this.transferDesk = new TransferDesk(this.signalling, {
        onOffered: (offer) => this.onTransferOffered(offer),
      });
      this.transferDesk.attach();
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

  /** The appointment a call serves, as the agenda or the queue knows it (null: not known here). */
  private appointmentOf(started: CallStarted): AppointmentView | null {
    const id = started.appointmentId;
    const state = this.agenda?.store.get();
    if (!id || !state) return null;
    return (
      state.appointments.find((a) => a.id === id) ?? state.queue.find((a) => a.id === id) ?? null
    );
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

  /** A colleague offers us their call: as loud as an arrival (sound, notification, announcement). */
  private onTransferOffered(offer: TransferOffered): void {
    const t = this.options.translate;
    const params = {
      from: offer.fromAdvisorName,
      service: offer.serviceName,
      kiosk: offer.kioskName,
    };
    this.announce('announce.transferOffered', params);
    this.alert.alert(t('notification.transfer.title'), t('notification.transfer.body', params));
  }

  // ---- three-way calls -----------------------------------------------------------------

  /** The advisor invites an interpreter into the call: a one-time code and its link. */
  inviteInterpreter(interpretation: Interpretation): Promise<{ code: string; link: string }> {
    const call = this.store.get().call;
    if (!call) return Promise.reject(new AppError('BAD_STATE', 'No call in progress'));
    return this.signalling.request(interpreterRequests.invite, {
      callId: call.call.callId,
      ...interpretation,
    });
  }

  /** An interpreter joins the call of a code (its call:started follows). */
  async joinAsInterpreter(code: string): Promise<void> {
    await this.signalling.request(interpreterRequests.join, { code });
  }

  // ---- call lifecycle ------------------------------------------------------------------

  private onCallStarted(started: CallStarted): void {
    const current = this.store.get().call;
    if (current?.call.callId === started.callId || this.closed) return; // announced again after a reconnect
    current?.close();
    const asInterpreter =
      started.interpreter?.interpreterId !== undefined &&
      started.interpreter.interpreterId === this.store.get().principal?.staffId;

    const party = new PartyCall({
      signalling: this.signalling,
      call: started,
      party: asInterpreter ? 'interpreter' : 'advisor',
      token: this.options.token,
      statsSampleMs: QUALITY_SAMPLE_MS,
      // The camera stays open between calls: the media starts at once when it still runs.
      localMedia: () => this.liveLocalStream() ?? this.openDevices(),
      // Our camera too must stay lip-readable for a citizen who lip-reads or signs.
      // The interpreter's camera is frame-rate first whatever the call (sign language is motion).
      keepLipReadable: asInterpreter || (this.appointmentOf(started)?.signOrLipReading ?? false),
    });
    const call = new AdvisorCall(party, {
      announce: (key) => this.announce(key),
      mediaFailed: (error) => this.showError('media', error),
    });
    party.on('announce', ({ key, params }) => this.announce(key, params));
    party.on('problem', ({ what, error }) => this.showError(what, error));
    party.on('ended', (end) => this.onCallEnded(call, end));
    // The media's first requests leave from the microtasks that follow start(); React renders
    // the call view for the store change below in a microtask queued after them, so they leave
    // before that render (10-30 ms) instead of after it. The citizen's first picture waits on
    // our video producer.
    party.start();
    this.store.set({ call, endedNotice: null });
    this.agenda?.closeOutcome();
    this.transferDesk?.callStarted(started);
  }

  private onCallEnded(call: AdvisorCall, end: PartyCallEnd): void {
    if (this.store.get().call === call) this.store.set({ call: null });
    const { notice, reason } = endOf(end);
    this.store.set({ endedNotice: notice });
    if (notice) this.announce(notice);
    this.transferDesk?.callEnded(call.call.callId);
    if (!this.closed) this.agenda?.callEnded(call.call, reason);
  }

  /** The camera and microphone opened earlier, if they still run. */
  private liveLocalStream(): MediaStream | null {
    const { localStream } = this.store.get();
    return localStream?.getTracks().some((t) => t.readyState === 'live') ? localStream : null;
  }

  private showError(context: ErrorContext, error: unknown): void {
    const code = errorCodeOf(error);
    this.store.set((state) => ({ error: { context, code, seq: (state.error?.seq ?? 0) + 1 } }));
  }
}

function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof AppError ? error.code : 'INTERNAL';
}
