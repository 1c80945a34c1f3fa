import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { StaffRole } from '@visio/shared/protocol';
import type { KioskEnrolment } from '../auth/KioskEnrolment';
import type { Call } from '../calls/Call';
import type { CallService } from '../calls/CallService';
import type { TransportListenOptions, WorkerPool } from '../media';
import type { AppointmentChange, SchedulingEvents } from '../scheduling/SchedulingEvents';
import type { AuditLog, Database } from '../store';
import { AlertService } from './AlertService';
import { CallHistoryRepository } from './CallHistoryRepository';
import { CallMediaWatch } from './CallMediaWatch';
import { CallQualitySampler } from './CallQualitySampler';
import { MediaStartWatch } from './MediaStartWatch';
import { FleetService, type KioskCatalogue } from './FleetService';
import { HealthMonitor } from './HealthMonitor';
import { LinkTestRepository } from './LinkTestRepository';
import { LINK_TEST_PLAN, LinkTestService } from './LinkTestService';
import type { KioskPresence } from './KioskPresence';
import { MetricsService } from './MetricsService';
import { isOpenAt, type WeeklyHours } from '../scheduling/WeeklyHours';
import type { RunOncePerPeriod } from '../cluster/RedisLeases';
import { NightlyTestRepository } from './NightlyTestRepository';
import { ASK_TIMEOUT_MS, NightlyTestService } from './NightlyTestService';
import { KioskAvailabilityRecorder } from './KioskAvailabilityRecorder';
import { NightlyTestScheduler, type NightlyCandidate } from './NightlyTestScheduler';
import { NightlyWindow } from './NightlyWindow';
import { BASELINE_RESULTS, degradation, siteBaseline } from './nightlyBaseline';
import type {
  Alert,
  HealthSnapshot,
  IceServer,
  KioskCommand,
  LinkGrade,
  LinkTestResult,
  KioskFleetStatus,
  NightlyTestView,
  NightlyTrigger,
  LiveCall,
  QualitySample,
} from '@visio/shared/protocol';
import { TechnicianActions } from './TechnicianActions';
import { WebhookSender } from './WebhookSender';

export interface MonitoringConfig {
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  offlineAlertGraceMs: number;
  qualitySampleIntervalMs: number;
  /** While no console is open: how often each call's server-side media figures are read. */
  qualityUnwatchedIntervalMs: number;
  /** A call whose media does not flow both ways within this fails (media_unreachable). */
  mediaStartTimeoutMs: number;
  healthIntervalMs: number;
  /** When set, `/metrics` wants `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Pre-call link tests: how often a kiosk may start one, how many run at once. */
  linkTest: { minIntervalMs: number; maxConcurrent: number; deadlineMs: number };
  /** Nightly test calls: the window ("02:00-05:00", site time; undefined: off), concurrency. */
  nightlyTest: { window: string | undefined; maxConcurrent: number };
  webhooks: {
    urls: string[];
    secret: string | undefined;
    timeoutMs: number;
    retryBaseMs: number;
  };
}

export interface MonitoringDeps {
  config: MonitoringConfig;
  logger: Logger;
  pool: WorkerPool;
  calls: CallService;
  presence: KioskPresence;
  kiosks: KioskCatalogue;
  enrolment: Pick<KioskEnrolment, 'setOutOfService' | 'on' | 'off'>;
  audit: AuditLog;
  db: Kysely<Database>;
  /** Check-ins and no-shows for the counters; absent in a media-only server. */
  scheduling?:
    | {
        events: SchedulingEvents;
        appointments: { find(id: string): Promise<{ status: string } | undefined> };
        /** The advisor sees the grade of the link test run for the citizen waiting at a kiosk. */
        waitingRoom: { recordLinkGrade(kioskId: string, grade: LinkGrade): Promise<void> };
        /** A kiosk's site: its time zone and opening hours (the nightly tests run outside). */
        refs?: {
          kioskSite(
            kioskId: string,
          ): Promise<{ site: { timezone: string; openingHours: WeeklyHours } } | undefined>;
        };
      }
    | undefined;
  /** How media transports listen: the link tests' probes listen the same way as calls. */
  listen: TransportListenOptions;
  /** The TURN relay a kiosk may use (ICE servers); absent or undefined: no relay. */
  relayFor?: ((kioskId: string) => IceServer[]) | undefined;
  /** Open signalling sockets (the signalling server is built after this module). */
  connectedSockets: () => number;
  /** Several nodes: one asks a given kiosk for its nightly test at a time. */
  oncePerPeriod?: RunOncePerPeriod | undefined;
  /** How often the nightly scheduler looks for kiosks to test (tests shorten it). */
  nightlyTickMs?: number;
  /** How often kiosk availability counts a minute (tests shorten it; each tick is a minute). */
  availabilityTickMs?: number;
}

/** Staff who see the console: every kiosk and call, as metadata and figures, never media. */
export const CONSOLE_ROLES: readonly StaffRole[] = ['technician', 'admin'];

/** Samples kept per call for the live charts: five minutes at the default 5 s. */
const RING_SIZE = 60;
/**
 * How often a new call's traffic is read until its media flows: the setup time is known to this
 * much. A read costs the worker one request per producer and consumer (8 for a call), for the
 * second or so a call takes to set up.
 */
const MEDIA_START_POLL_MS = 250;

/** Everything the console hears about, in one place for the signalling layer to forward. */
export interface MonitoringEvents {
  fleetChanged: [KioskFleetStatus];
  alertRaised: [Alert];
  alertCleared: [Alert];
  callQuality: [{ callId: string; sample: QualitySample }];
  callsChanged: [
    { callId: string; status: 'active' | 'ended'; call: LiveCall; endReason: string | null },
  ];
  healthChanged: [HealthSnapshot];
  kioskCommand: [{ kioskId: string; command: KioskCommand }];
  linkTestResult: [{ result: LinkTestResult; degraded: boolean }];
  /** Deliver to the kiosk: run the nightly test call now if idle. */
  nightlyTestAsked: [{ kioskId: string; trigger: NightlyTrigger }];
  nightlyTestResult: [{ kioskId: string; view: NightlyTestView }];
}

/**
 * The monitoring module, assembled: kiosk fleet and alerts, call quality
 * sampling, server health, Prometheus metrics, webhooks and the technician's actions. Domain
 * events only: `signalling/monitoringHandlers.ts` turns them into socket messages.
 */
export class MonitoringModule extends EventEmitter<MonitoringEvents> {
  readonly alerts: AlertService;
  readonly fleet: FleetService;
  readonly quality: CallQualitySampler;
  readonly mediaStart: MediaStartWatch;
  /** Each live call's media state (flowing, reconnecting, moving to a new room…). */
  readonly callMedia: CallMediaWatch;
  readonly health: HealthMonitor;
  readonly metrics: MetricsService;
  readonly webhooks: WebhookSender;
  readonly actions: TechnicianActions;
  readonly history: CallHistoryRepository;
  readonly linkTests: LinkTestService;
  readonly linkTestResults: LinkTestRepository;
  readonly nightlyTests: NightlyTestService;
  readonly nightlyTestResults: NightlyTestRepository;
  /** Undefined while NIGHTLY_TEST_WINDOW is unset. */
  readonly nightlyScheduler: NightlyTestScheduler | undefined;
  /** Minutes of opening hours each kiosk was usable, for the impact report. */
  readonly availability: KioskAvailabilityRecorder;
  readonly config: MonitoringConfig;
  private readonly logger: Logger;
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly countedNoShows = new Set<string>();
  /** Console sockets open now (set by the signalling layer); none until it says otherwise. */
  private audience: () => number = () => 0;

  constructor(private readonly deps: MonitoringDeps) {
    super();
    const { config, pool, calls, presence } = deps;
    this.config = config;
    this.logger = deps.logger.child({ module: 'monitoring' });
    this.alerts = new AlertService();
    this.fleet = new FleetService(
      deps.kiosks,
      presence,
      (kioskId) => calls.activeCallOf(kioskId) !== undefined,
      this.alerts,
      {
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        heartbeatTimeoutMs: config.heartbeatTimeoutMs,
        offlineAlertGraceMs: config.offlineAlertGraceMs,
      },
      this.logger.child({ part: 'fleet' }),
    );
    this.quality = new CallQualitySampler(
      calls,
      {
        intervalMs: config.qualitySampleIntervalMs,
        unwatchedIntervalMs: config.qualityUnwatchedIntervalMs,
        ringSize: RING_SIZE,
      },
      this.logger.child({ part: 'quality' }),
      () => this.watched,
    );
    this.mediaStart = new MediaStartWatch(
      calls,
      this.quality,
      { timeoutMs: config.mediaStartTimeoutMs, pollMs: MEDIA_START_POLL_MS },
      this.logger.child({ part: 'mediaStart' }),
    );
    this.callMedia = new CallMediaWatch(calls);
    this.health = new HealthMonitor(
      {
        pool,
        activeCalls: () => calls.activeCalls.length,
        kiosksOnline: () => this.fleet.onlineCount,
        connectedSockets: deps.connectedSockets,
      },
      config.healthIntervalMs,
      this.logger.child({ part: 'health' }),
    );
    this.metrics = new MetricsService({
      activeCalls: () => calls.activeCalls.length,
      kiosksOnline: () => this.fleet.onlineCount,
      latestSamples: () => this.quality.latestSamples(),
      latestHealth: () => this.health.latest,
      activeAlerts: () => this.alerts.countsByType(),
    });
    this.webhooks = new WebhookSender(
      {
        urls: config.webhooks.urls,
        secret: config.webhooks.secret ?? '',
        timeoutMs: config.webhooks.timeoutMs,
        retryBaseMs: config.webhooks.retryBaseMs,
      },
      this.logger.child({ part: 'webhooks' }),
    );
    this.actions = new TechnicianActions(
      calls,
      deps.enrolment,
      deps.audit,
      this.fleet,
      presence,
      this.logger.child({ part: 'actions' }),
      { ask: (kioskId, trigger) => this.nightlyTests.ask(kioskId, trigger) },
    );
    this.history = new CallHistoryRepository(deps.db);
    this.linkTestResults = new LinkTestRepository(deps.db);
    this.linkTests = new LinkTestService(
      {
        minIntervalMs: config.linkTest.minIntervalMs,
        maxConcurrent: config.linkTest.maxConcurrent,
        listen: deps.listen,
        plan: { ...LINK_TEST_PLAN, deadlineMs: config.linkTest.deadlineMs },
      },
      {
        pool,
        repository: this.linkTestResults,
        isInCall: (kioskId) => calls.activeCallOf(kioskId) !== undefined,
        relayFor: deps.relayFor,
        logger: this.logger.child({ part: 'linkTest' }),
      },
    );
    this.nightlyTestResults = new NightlyTestRepository(deps.db);
    this.nightlyTests = new NightlyTestService(
      { maxConcurrent: config.nightlyTest.maxConcurrent, listen: deps.listen },
      {
        pool,
        repository: this.nightlyTestResults,
        isInCall: (kioskId) => calls.activeCallOf(kioskId) !== undefined,
        siteOf: async (kioskId) => (await this.fleet.statusOf(kioskId))?.siteId,
        relayFor: deps.relayFor,
        logger: this.logger.child({ part: 'nightlyTest' }),
      },
    );
    this.nightlyScheduler =
      config.nightlyTest.window === undefined
        ? undefined
        : new NightlyTestScheduler({
            window: NightlyWindow.parse(config.nightlyTest.window),
            maxConcurrent: config.nightlyTest.maxConcurrent,
            idleKiosks: () => this.idleKiosks(),
            lastTestedAt: async () =>
              new Map(
                (await this.nightlyTestResults.latestPerKiosk()).map((r) => [r.kioskId, r.at]),
              ),
            inProgress: () => this.nightlyTests.inProgress,
            ask: (kioskId) => this.nightlyTests.ask(kioskId, 'schedule'),
            oncePerPeriod: deps.oncePerPeriod,
            retryAfterMs: ASK_TIMEOUT_MS * 5,
            logger: this.logger.child({ part: 'nightlyScheduler' }),
          });
    this.availability = new KioskAvailabilityRecorder(
      deps.db,
      (kioskId) => presence.isOnline(kioskId),
      this.logger.child({ part: 'availability' }),
    );
    this.wire();
  }

  async start(): Promise<void> {
    await this.fleet.start();
    for (const result of await this.linkTestResults.latestPerKiosk())
      this.fleet.linkTested(result.kioskId, result);
    for (const result of await this.nightlyTestResults.latestPerKiosk()) {
      const [usual, previous] = await Promise.all([
        this.nightlyTestResults.siteHistory(result.siteId, BASELINE_RESULTS, result.at),
        this.nightlyTestResults.history(result.kioskId, BASELINE_RESULTS + 1),
      ]);
      const baseline = siteBaseline(result.siteId, usual);
      const reasons = degradation(result, baseline, previous.slice(1));
      this.fleet.nightlyTested(result.kioskId, { result, baseline, reasons });
    }
    this.nightlyScheduler?.start(this.deps.nightlyTickMs ?? 60_000);
    this.availability.start(this.deps.availabilityTickMs);
    this.quality.start();
    this.mediaStart.start();
    this.callMedia.start();
    this.health.start();
  }

  /** Stops sampling and timers; waits for the quality summaries of ended calls to be stored. */
  async stop(): Promise<void> {
    this.quality.stop();
    this.mediaStart.stop();
    this.callMedia.stop();
    this.health.stop();
    this.fleet.stop();
    this.linkTests.close();
    this.nightlyScheduler?.stop();
    this.nightlyTests.close();
    this.webhooks.close();
    await this.availability.stop();
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.allSettled([...this.pendingWrites]);
  }

  /**
   * Tells the module how many consoles are open: live call figures are sampled at full rate only
   * while there is one.
   */
  setConsoleAudience(count: () => number): void {
    this.audience = count;
  }

  /** Some technician or admin has the console open. */
  get watched(): boolean {
    return this.audience() > 0;
  }

  /** Calls in progress, oldest first, with names, duration and their latest quality sample. */
  liveCalls(): Promise<LiveCall[]> {
    return Promise.all(this.deps.calls.activeCalls.map((c) => this.liveCall(c)));
  }

  async liveCall(call: Call): Promise<LiveCall> {
    const end = call.endedAt?.getTime() ?? Date.now();
    return {
      callId: call.id,
      kioskId: call.kioskId,
      kioskName: call.names.kiosk,
      siteName: this.fleet.summaryOf(call.kioskId)?.siteName ?? null,
      advisorId: call.advisorId,
      advisorName: call.names.advisor,
      serviceId: call.serviceId ?? null,
      serviceName: call.serviceId ? await this.history.serviceName(call.serviceId) : null,
      startedAt: call.startedAt.toISOString(),
      durationSeconds: Math.max(0, Math.round((end - call.startedAt.getTime()) / 1000)),
      setupSeconds: this.quality.setupSecondsOf(call.id),
      workerPid: call.room.workerPid,
      mediaModes: { ...call.mediaModes },
      interpreter: call.interpreter
        ? { kind: call.interpreter.kind, language: call.interpreter.language }
        : null,
      media: this.callMedia.viewOf(call),
      latest: this.quality.latestOf(call.id),
    };
  }

  /**
   * Kiosks the nightly scheduler may ask now: online on this node, in service, at the welcome
   * screen (no citizen, none waiting), not in a call; with their site's hours.
   */
  private async idleKiosks(): Promise<NightlyCandidate[]> {
    const refs = this.deps.scheduling?.refs;
    if (!refs) return [];
    const idle = (await this.fleet.list()).filter(
      (k) =>
        k.status === 'online' &&
        k.enrolmentState === 'enrolled' &&
        !k.outOfService &&
        !k.inCall &&
        k.heartbeat?.screen === 'welcome',
    );
    const candidates: NightlyCandidate[] = [];
    for (const kiosk of idle) {
      const site = (await refs.kioskSite(kiosk.kioskId))?.site;
      if (!site) continue;
      candidates.push({
        kioskId: kiosk.kioskId,
        timeZone: site.timezone,
        isOpenAt: (instant) => isOpenAt(site.openingHours, site.timezone, instant),
      });
    }
    return candidates;
  }

  private wire(): void {
    const { pool, scheduling, enrolment } = this.deps;
    this.fleet.on('changed', (status) => this.emit('fleetChanged', status));
    this.alerts.on('raised', (alert) => {
      this.emit('alertRaised', alert);
      this.logger.warn({ kioskId: alert.kioskId, type: alert.type }, 'alert raised');
      if (alert.type === 'kiosk_offline')
        void this.webhooks.send('kiosk.offline', { kioskId: alert.kioskId });
    });
    this.alerts.on('cleared', (alert) => {
      this.emit('alertCleared', alert);
      this.logger.info({ kioskId: alert.kioskId, type: alert.type }, 'alert cleared');
    });
    this.health.on('snapshot', (snapshot) => this.emit('healthChanged', snapshot));
    this.actions.on('kioskCommand', (command) => this.emit('kioskCommand', command));

    this.quality.on('sample', ({ call, sample }) =>
      this.emit('callQuality', { callId: call.id, sample }),
    );
    this.linkTests.on('result', ({ result, degraded }) => {
      this.alerts.set('link_degraded', result.kioskId, degraded);
      this.fleet.linkTested(result.kioskId, result);
      this.emit('linkTestResult', { result, degraded });
      if (scheduling)
        this.track(scheduling.waitingRoom.recordLinkGrade(result.kioskId, result.grade));
    });
    this.nightlyTests.on('asked', (asked) => this.emit('nightlyTestAsked', asked));
    this.nightlyTests.on('result', ({ kioskId, view }) => {
      if (view.reasons.length > 0)
        this.alerts.raise('nightly_degraded', kioskId, { nightly: view.reasons });
      else this.alerts.clear('nightly_degraded', kioskId);
      this.fleet.nightlyTested(kioskId, view);
      this.emit('nightlyTestResult', { kioskId, view });
    });
    this.quality.on('callStarted', ({ call }) => {
      // A link test would compete with the call for the kiosk's line.
      this.linkTests.stop(call.kioskId);
      this.nightlyTests.stop(call.kioskId);
      this.fleet.touch(call.kioskId);
      this.callsChanged(call, 'active', null);
      void this.webhooks.send('call.started', callIds(call));
    });
    // Media flowing, lost, moved (to another worker: the console shows where it runs now), a
    // party away or back, a device lost: the console's record of the call follows at once.
    this.callMedia.on('changed', ({ call }) => {
      if (!call.ended) this.callsChanged(call, 'active', null);
    });
    // A line switched to audio + text (or back): the console shows it on the call.
    const onMediaMode = ({ call }: { call: Call }) => this.callsChanged(call, 'active', null);
    this.deps.calls.on('mediaModeChanged', onMediaMode);
    this.unsubscribe.push(() => this.deps.calls.off('mediaModeChanged', onMediaMode));
    // The console shows the interpreter of a call as a role: it hears them come and go.
    for (const event of ['interpreterJoined', 'interpreterLeft'] as const) {
      this.deps.calls.on(event, onMediaMode);
      this.unsubscribe.push(() => this.deps.calls.off(event, onMediaMode));
    }
    this.quality.on('callSetUp', ({ call, setupSeconds }) => {
      this.metrics.callSetup.observe(setupSeconds);
      // The kiosk's media reaches the server again: its path works.
      this.alerts.clear('media_unreachable', call.kioskId);
      this.callsChanged(call, 'active', null);
    });
    this.quality.on('callEnded', ({ call, reason, summary }) => {
      if (reason === 'media_unreachable')
        this.alerts.raise('media_unreachable', call.kioskId, { mediaFailure: call.mediaFailure });
      const durationMs = (call.endedAt?.getTime() ?? Date.now()) - call.startedAt.getTime();
      this.metrics.callDuration.observe(durationMs / 1000);
      this.metrics.callsEnded.inc({ reason });
      this.fleet.touch(call.kioskId);
      this.callsChanged(call, 'ended', reason);
      void this.webhooks.send('call.ended', { ...callIds(call), reason });
      this.track(
        this.history.saveQuality(call.id, summary).then((saved) => {
          if (!saved) this.logger.warn({ callId: call.id }, 'call quality not stored: no record');
        }),
      );
    });

    const onWorkerDied = () => this.metrics.workerDeaths.inc();
    pool.on('workerDied', onWorkerDied);
    this.unsubscribe.push(() => pool.off('workerDied', onWorkerDied));
    const onRefused = () => this.metrics.callsRefused.inc({ reason: 'server_busy' });
    pool.on('admissionRefused', onRefused);
    this.unsubscribe.push(() => pool.off('admissionRefused', onRefused));
    // A revoked or re-enrolled kiosk: its state and alerts follow.
    const onInvalidated = ({ kioskId }: { kioskId: string }) => void this.fleet.refresh(kioskId);
    enrolment.on('deviceTokenInvalidated', onInvalidated);
    this.unsubscribe.push(() => enrolment.off('deviceTokenInvalidated', onInvalidated));
    if (scheduling) {
      const onChanged = (change: AppointmentChange) => {
        if (change.arrived) this.metrics.checkIns.inc();
        else this.track(this.countNoShow(change.appointmentId, scheduling.appointments));
      };
      scheduling.events.on('changed', onChanged);
      this.unsubscribe.push(() => scheduling.events.off('changed', onChanged));
    }
  }

  /**
   * A change event does not say which status the appointment reached: a no-show is read back (once
   * per appointment; the status is final).
   */
  private async countNoShow(
    appointmentId: string,
    appointments: { find(id: string): Promise<{ status: string } | undefined> },
  ): Promise<void> {
    if (this.countedNoShows.has(appointmentId)) return;
    try {
      const row = await appointments.find(appointmentId);
      if (row?.status !== 'no_show' || this.countedNoShows.has(appointmentId)) return;
      this.countedNoShows.add(appointmentId);
      if (this.countedNoShows.size > 10_000) {
        const oldest = this.countedNoShows.values().next().value;
        if (oldest !== undefined) this.countedNoShows.delete(oldest);
      }
      this.metrics.noShows.inc();
    } catch (err) {
      this.logger.warn({ err, appointmentId }, 'no-show not counted');
    }
  }

  private callsChanged(call: Call, status: 'active' | 'ended', endReason: string | null): void {
    this.liveCall(call).then(
      (live) => this.emit('callsChanged', { callId: call.id, status, call: live, endReason }),
      (err: unknown) => this.logger.warn({ err, callId: call.id }, 'call view failed'),
    );
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((err: unknown) =>
      this.logger.error({ err }, 'monitoring write failed'),
    );
    this.pendingWrites.add(tracked);
    void tracked.finally(() => this.pendingWrites.delete(tracked));
  }
}

/** Ids only: what a webhook receiver may learn of a call. */
function callIds(call: Call): Record<string, string | null> {
  return {
    callId: call.id,
    kioskId: call.kioskId,
    advisorId: call.advisorId,
    serviceId: call.serviceId ?? null,
    appointmentId: call.appointmentId ?? null,
  };
}
