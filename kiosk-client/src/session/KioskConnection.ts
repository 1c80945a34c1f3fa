import {
  SignallingClient,
  TypedEmitter,
  connectSignalling,
  isUnauthorizedConnectError,
} from '@visio/shared/client';
import {
  AppError,
  kioskMonitoringEvents,
  kioskMonitoringRequests,
  kioskSchedulingRequests,
  type KioskCommand,
  type KioskHeartbeat,
  type ResponseOf,
  type WaitingStatus,
} from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';
import { enrol } from '../api';
import { INITIAL_KIOSK_STATUS, type KioskStatus } from '../visit/visitMachine';
import { saveDeviceToken, type KioskCredentials } from './deviceToken';
import { readKioskHealth } from './kioskHealth';
import { requestProblem, type RequestProblem } from './RequestProblem';

type Home = ResponseOf<typeof kioskSchedulingRequests.home>;

export interface KioskConnectionState extends KioskStatus {
  /** The kiosk, its site and the site's services, from `kiosk:home`. */
  readonly home: Pick<Home, 'kiosk' | 'services'> | null;
  readonly enrolment: {
    readonly pending: boolean;
    readonly problem: RequestProblem | null;
    /** With RATE_LIMITED: when trying again makes sense (ms since the epoch). */
    readonly retryAt: number | null;
  };
}

/** What the connection needs to know of the visit, without knowing the visit. */
export interface KioskConnectionHost {
  /** What the kiosk shows now, for the technician console. */
  heartbeatScreen(): KioskHeartbeat['screen'];
  /**
   * The citizen's devices that failed while open (a track that ended: unplugged, driver reset),
   * which the browser may still list as plugged in.
   */
  failedDevices(): { readonly camera: boolean; readonly microphone: boolean };
  /** A citizen is in the middle of something a reload would break. */
  holdsCitizen(): boolean;
  /** Nobody is using the kiosk (the welcome screen): the services may be refreshed. */
  idle(): boolean;
}

export interface KioskConnectionEvents extends Record<string, unknown> {
  /** The kiosk's signalling exists (once, after enrolment or at start with a token). */
  signalling: SignallingClient;
  /** What the server says of a citizen waiting at this kiosk, at each (re)connection. */
  home: { readonly waiting: WaitingStatus | null };
}

const HEARTBEAT_MS = 10_000;
const SERVER_KICK_RETRY_MS = 5_000;
/** Walk-in slots open and close with the clock; the technician may take the kiosk out of service. */
const HOME_REFRESH_MS = 60_000;

/**
 * The kiosk's own connection, whoever stands in front of it: enrolment, the `/kiosk` socket,
 * the site's services, heartbeats to the technician console and the technician's commands.
 * One per page; `close()` stops its timers and its socket.
 */
export class KioskConnection extends TypedEmitter<KioskConnectionEvents> {
  readonly store = new Store<KioskConnectionState>({
    ...INITIAL_KIOSK_STATUS,
    home: null,
    enrolment: { pending: false, problem: null, retryAt: null },
  });
  /** Lets a reload asked by a technician through the page's navigation guard. */
  allowUnload = false;
  private client: SignallingClient | null = null;
  private deviceToken: string | null = null;
  /** A technician asked for a reload during a visit: done once the citizen has gone. */
  private reloadPending = false;
  private speakerTestedAt: string | null = null;
  private serverRttMs: number | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private homeTimer: ReturnType<typeof setInterval> | undefined;
  private readonly cleanups: (() => void)[] = [];
  private problemSeq = 0;
  private closed = false;

  constructor(
    private readonly credentials: KioskCredentials,
    private readonly host: KioskConnectionHost,
  ) {
    super();
  }

  get signalling(): SignallingClient | null {
    return this.client;
  }

  /** The device token, for the call's documents over HTTP. */
  get token(): string | null {
    return this.deviceToken;
  }

  start(): void {
    if (this.client || this.store.get().enrolment.pending || this.closed) return;
    if (this.credentials.enrolCode) void this.enrol(this.credentials.enrolCode);
    else if (this.credentials.token) this.connect(this.credentials.token);
    else this.setStatus({ access: 'not-enrolled' });
  }

  /** After a failed enrolment (network, wait elapsed): try the same code again. */
  retryEnrolment(): void {
    const code = this.credentials.enrolCode;
    if (code && !this.client && !this.store.get().enrolment.pending) void this.enrol(code);
  }

  /** The citizen played the test chime: the technician sees when the speaker last worked. */
  speakerTested(): void {
    this.speakerTestedAt = new Date().toISOString();
  }

  /** The technician console shows the kiosk's screen and devices: a change is reported at once. */
  reportChange(): void {
    if (this.heartbeatTimer !== undefined) this.scheduleHeartbeat(0);
  }

  /** The citizen has gone: a reload asked for meanwhile happens now, else the services refresh. */
  visitEnded(): void {
    if (this.reloadPending) {
      this.allowUnload = true;
      window.location.reload();
      return;
    }
    void this.loadHome();
  }

  async loadHome(): Promise<void> {
    const signalling = this.client;
    if (!signalling) return;
    try {
      const { kiosk, services, waiting } = await signalling.request(
        kioskSchedulingRequests.home,
        {},
      );
      if (this.closed) return;
      this.store.set({ home: { kiosk, services } });
      this.setStatus({ outOfService: kiosk.outOfService });
      this.emit('home', { waiting });
    } catch (error) {
      console.warn('kiosk:home failed', error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.retryTimer);
    clearInterval(this.homeTimer);
    this.heartbeatTimer = this.retryTimer = this.homeTimer = undefined;
    this.client?.socket.disconnect();
  }

  // ---- enrolment and socket ------------------------------------------------------------

  private async enrol(code: string): Promise<void> {
    this.setStatus({ access: 'enrolling' });
    this.store.set({ enrolment: { pending: true, problem: null, retryAt: null } });
    try {
      const { deviceToken } = await enrol(code);
      saveDeviceToken(deviceToken);
      this.store.set({ enrolment: { pending: false, problem: null, retryAt: null } });
      this.setStatus({ access: 'granted' });
      this.connect(deviceToken);
    } catch (error) {
      const wait = error instanceof AppError ? error.retryAfterSeconds : undefined;
      this.problemSeq += 1;
      this.store.set({
        enrolment: {
          pending: false,
          problem: requestProblem(error, this.problemSeq),
          retryAt: wait === undefined ? null : Date.now() + wait * 1000,
        },
      });
    }
  }

  private connect(token: string): void {
    if (this.closed) return;
    this.deviceToken = token;
    const socket = connectSignalling('/kiosk', token);
    const signalling = new SignallingClient(socket);
    this.client = signalling;
    const onConnect = () => {
      this.setStatus({ online: true, everOnline: true });
      void this.loadHome();
      this.scheduleHeartbeat(0);
    };
    const onDisconnect = (reason: string) => {
      this.setStatus({ online: false });
      // The server closed this socket on purpose: socket.io will not retry on its own. A kiosk
      // must come back by itself; if its token was revoked, the retry ends on 'unauthorized'.
      if (reason === 'io server disconnect') {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => socket.connect(), SERVER_KICK_RETRY_MS);
      }
    };
    const onConnectError = (error: Error) => {
      if (isUnauthorizedConnectError(error)) {
        socket.disconnect();
        this.setStatus({ access: 'unauthorized' });
      } else this.setStatus({ online: false });
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    this.cleanups.push(
      () => socket.off('connect', onConnect),
      () => socket.off('disconnect', onDisconnect),
      () => socket.off('connect_error', onConnectError),
      signalling.on(kioskMonitoringEvents.command, ({ command }) => this.onCommand(command)),
    );
    this.homeTimer = setInterval(() => {
      if (this.store.get().online && this.host.idle()) void this.loadHome();
    }, HOME_REFRESH_MS);
    this.emit('signalling', signalling);
  }

  /** The kiosk's state; a refused token is final until a technician enrols the kiosk again. */
  private setStatus(change: Partial<KioskStatus>): void {
    if (this.store.get().access === 'unauthorized') return;
    this.store.set(change);
  }

  // ---- fleet reporting -----------------------------------------------------------------

  private scheduleHeartbeat(delayMs: number): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => void this.sendHeartbeat(), delayMs);
  }

  private async sendHeartbeat(): Promise<void> {
    const signalling = this.client;
    let nextMs = HEARTBEAT_MS;
    try {
      if (signalling?.socket.connected) {
        const health = await readKioskHealth();
        const failed = this.host.failedDevices();
        const heartbeat: KioskHeartbeat = {
          appVersion: __APP_VERSION__,
          screen: this.host.heartbeatScreen(),
          camera: { ...health.camera, present: health.camera.present && !failed.camera },
          microphone: {
            ...health.microphone,
            present: health.microphone.present && !failed.microphone,
          },
          speakerTestedAt: this.speakerTestedAt,
          network: { effectiveType: health.effectiveType, serverRttMs: this.serverRttMs },
          userAgent: navigator.userAgent.slice(0, 400),
        };
        const sentAt = performance.now();
        const { intervalMs } = await signalling.request(
          kioskMonitoringRequests.heartbeat,
          heartbeat,
        );
        this.serverRttMs = Math.round(performance.now() - sentAt);
        nextMs = intervalMs;
      }
    } catch (error) {
      console.warn('kiosk:heartbeat failed', error);
    }
    if (!this.closed) this.scheduleHeartbeat(nextMs);
  }

  private onCommand(command: KioskCommand): void {
    if (command === 'reload') {
      if (this.host.holdsCitizen()) {
        this.reloadPending = true;
        return;
      }
      this.allowUnload = true;
      window.location.reload();
    } else {
      this.setStatus({ outOfService: command === 'out_of_service' });
    }
  }
}
