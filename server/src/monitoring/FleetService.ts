import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { KioskSummary } from '@visio/shared/protocol';
import type { AlertService } from './AlertService';
import type { KioskPresence } from './KioskPresence';
import type {
  KioskFleetStatus,
  KioskHeartbeat,
  KioskHeartbeatView,
  LinkTestResult,
  NightlyTestView,
} from '@visio/shared/protocol';

/** Where kiosks, their sites and states come from (the store-backed directory). */
export interface KioskCatalogue {
  listKioskSummaries(): Promise<KioskSummary[]>;
  kioskSummary(kioskId: string): Promise<KioskSummary | undefined>;
}

export interface FleetOptions {
  /** How often kiosks are asked to send a heartbeat. */
  heartbeatIntervalMs: number;
  /** A kiosk not heard from for this long is offline, even with a socket open. */
  heartbeatTimeoutMs: number;
  /**
   * A kiosk that disconnected is alerted as offline only if it stays away this long (a page
   * reload must not page a technician). A silent socket has already waited the heartbeat timeout.
   */
  offlineAlertGraceMs: number;
}

type OfflineCause = 'never_seen' | 'disconnected' | 'silent';

interface KioskState {
  connected: boolean;
  /** Last heartbeat, or the connection itself. */
  lastHeardAt: number | undefined;
  lastSeenAt: number | undefined;
  heartbeat: KioskHeartbeatView | null;
  online: boolean;
  offlineSince: number;
  offlineCause: OfflineCause;
  linkTest: LinkTestResult | null;
  nightlyTest: NightlyTestView | null;
}

export interface FleetServiceEvents {
  /** A kiosk's status, heartbeat content or alerts changed. */
  changed: [KioskFleetStatus];
}

/**
 * The kiosk fleet as a technician sees it: online (connected and heard from within the heartbeat
 * timeout) or offline, the last heartbeat (app, screen, devices, network), and alerts raised
 * through the AlertService: `kiosk_offline` (enrolled, in-service kiosks only), `camera_missing`,
 * `microphone_missing`, `permission_denied`.
 */
export class FleetService extends EventEmitter<FleetServiceEvents> {
  private readonly states = new Map<string, KioskState>();
  private readonly summaries = new Map<string, KioskSummary>();
  private timer: NodeJS.Timeout | undefined;
  private readonly onPresence = ({ kioskId, online }: { kioskId: string; online: boolean }) => {
    const state = this.state(kioskId);
    const now = this.now();
    // Connected means seen, even if not yet judged online (its summary still being read).
    const wasConnected = state.connected;
    state.connected = online;
    state.lastSeenAt = now;
    if (online) state.lastHeardAt = now;
    else if (state.online || wasConnected) {
      state.offlineSince = now;
      state.offlineCause = 'disconnected';
    }
    // Without its summary (a store that failed) the kiosk is judged all the same.
    void this.ensureSummary(kioskId)
      .catch((err: unknown) => this.logger.warn({ err, kioskId }, 'kiosk summary not read'))
      .then(() => this.evaluate(kioskId, true));
  };

  constructor(
    private readonly catalogue: KioskCatalogue,
    private readonly presence: KioskPresence,
    private readonly isInCall: (kioskId: string) => boolean,
    private readonly alerts: AlertService,
    private readonly options: FleetOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.reloadSummaries();
    for (const kioskId of this.summaries.keys()) {
      const state = this.state(kioskId);
      if (this.presence.isOnline(kioskId)) {
        state.connected = true;
        state.lastHeardAt = this.now();
      }
    }
    this.presence.on('changed', this.onPresence);
    const { heartbeatTimeoutMs, offlineAlertGraceMs } = this.options;
    const every = Math.min(
      1_000,
      Math.max(50, Math.min(heartbeatTimeoutMs, offlineAlertGraceMs) / 5),
    );
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.presence.off('changed', this.onPresence);
  }

  get onlineCount(): number {
    let count = 0;
    for (const state of this.states.values()) if (state.online) count += 1;
    return count;
  }

  /** Records a heartbeat; answers how often the kiosk should send one. */
  async heartbeat(kioskId: string, heartbeat: KioskHeartbeat): Promise<{ intervalMs: number }> {
    const state = this.state(kioskId);
    const now = this.now();
    const previous = state.heartbeat;
    state.lastHeardAt = now;
    state.lastSeenAt = now;
    state.heartbeat = { ...heartbeat, receivedAt: new Date(now).toISOString() };
    await this.ensureSummary(kioskId);
    const { camera, microphone } = heartbeat;
    this.alerts.set('camera_missing', kioskId, !camera.present);
    this.alerts.set('microphone_missing', kioskId, !microphone.present);
    this.alerts.set(
      'permission_denied',
      kioskId,
      camera.permission === 'denied' || microphone.permission === 'denied',
    );
    const { receivedAt: _r, ...before } = previous ?? { receivedAt: '' };
    this.evaluate(kioskId, !previous || !isDeepStrictEqual(before, heartbeat));
    return { intervalMs: this.options.heartbeatIntervalMs };
  }

  /** Every kiosk of the catalogue (fresh from it), by site then name. */
  async list(): Promise<KioskFleetStatus[]> {
    await this.reloadSummaries();
    return [...this.summaries.keys()].map((id) => this.status(id)!);
  }

  async statusOf(kioskId: string): Promise<KioskFleetStatus | undefined> {
    await this.ensureSummary(kioskId);
    return this.status(kioskId);
  }

  /** The kiosk's catalogue entry (name, site) as last loaded. */
  summaryOf(kioskId: string): KioskSummary | undefined {
    return this.summaries.get(kioskId);
  }

  /** Reloads one kiosk (its state or service changed elsewhere) and tells the console. */
  async refresh(kioskId: string): Promise<KioskFleetStatus | undefined> {
    const summary = await this.catalogue.kioskSummary(kioskId);
    if (!summary) {
      this.summaries.delete(kioskId);
      this.alerts.clearAllOf(kioskId);
      return undefined;
    }
    this.summaries.set(kioskId, summary);
    if (summary.enrolmentState === 'revoked') this.alerts.clearAllOf(kioskId);
    this.evaluate(kioskId, true);
    return this.status(kioskId);
  }

  /** The kiosk's last link test (at start, from the store; then each one graded). */
  linkTested(kioskId: string, result: LinkTestResult): void {
    this.state(kioskId).linkTest = result;
    this.touch(kioskId);
  }

  /** The kiosk's last nightly test against its site's baseline. */
  nightlyTested(kioskId: string, view: NightlyTestView): void {
    this.state(kioskId).nightlyTest = view;
    this.touch(kioskId);
  }

  /** Something shown in the kiosk's status changed (e.g. it entered or left a call). */
  touch(kioskId: string): void {
    if (this.summaries.has(kioskId)) this.evaluate(kioskId, true);
  }

  private sweep(): void {
    for (const kioskId of this.summaries.keys()) this.evaluate(kioskId, false);
  }

  /** Recomputes online/offline and the offline alert; emits `changed` if anything moved. */
  private evaluate(kioskId: string, changed: boolean): void {
    const summary = this.summaries.get(kioskId);
    if (!summary) return;
    const state = this.state(kioskId);
    const now = this.now();
    const heard =
      state.lastHeardAt !== undefined && now - state.lastHeardAt < this.options.heartbeatTimeoutMs;
    const online = state.connected && heard;
    if (online !== state.online) {
      changed = true;
      state.online = online;
      // A disconnection was dated when presence reported it; a silent socket is dated now.
      if (!online && state.connected) {
        state.offlineSince = now;
        state.offlineCause = 'silent';
      }
      this.logger.info(
        { kioskId, online, cause: online ? undefined : state.offlineCause },
        'kiosk status',
      );
    }
    const watched = summary.enrolmentState === 'enrolled' && !summary.outOfService;
    const wasAlerted = this.alerts.isActive('kiosk_offline', kioskId);
    if (online || !watched) {
      this.alerts.clear('kiosk_offline', kioskId);
    } else {
      const grace =
        state.offlineCause === 'silent'
          ? 0
          : state.offlineCause === 'never_seen'
            ? this.options.heartbeatTimeoutMs
            : this.options.offlineAlertGraceMs;
      if (now - state.offlineSince >= grace) this.alerts.raise('kiosk_offline', kioskId);
    }
    if (wasAlerted !== this.alerts.isActive('kiosk_offline', kioskId)) changed = true;
    if (changed) this.emit('changed', this.status(kioskId)!);
  }

  private status(kioskId: string): KioskFleetStatus | undefined {
    const summary = this.summaries.get(kioskId);
    if (!summary) return undefined;
    const state = this.state(kioskId);
    return {
      kioskId,
      name: summary.name,
      siteId: summary.siteId,
      siteName: summary.siteName,
      enrolmentState: summary.enrolmentState,
      outOfService: summary.outOfService,
      status: state.online ? 'online' : 'offline',
      connected: state.connected,
      inCall: this.isInCall(kioskId),
      lastSeenAt: state.lastSeenAt === undefined ? null : new Date(state.lastSeenAt).toISOString(),
      heartbeat: state.heartbeat,
      alerts: this.alerts.activeOf(kioskId),
      linkTest: state.linkTest,
      nightlyTest: state.nightlyTest,
    };
  }

  private state(kioskId: string): KioskState {
    let state = this.states.get(kioskId);
    if (!state) {
      state = {
        connected: false,
        lastHeardAt: undefined,
        lastSeenAt: undefined,
        heartbeat: null,
        online: false,
        offlineSince: this.now(),
        offlineCause: 'never_seen',
        linkTest: null,
        nightlyTest: null,
      };
      this.states.set(kioskId, state);
    }
    return state;
  }

  private async ensureSummary(kioskId: string): Promise<void> {
    if (this.summaries.has(kioskId)) return;
    const summary = await this.catalogue.kioskSummary(kioskId);
    if (summary) this.summaries.set(kioskId, summary);
  }

  private async reloadSummaries(): Promise<void> {
    const all = await this.catalogue.listKioskSummaries();
    this.summaries.clear();
    for (const s of all) this.summaries.set(s.kioskId, s);
  }
}
