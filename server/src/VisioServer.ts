import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AuthModule } from './auth/AuthModule';
import type { ScryptCost } from './auth/PasswordHasher';
import { CallRecordRepository } from './calls/CallRecordRepository';
import { CallService } from './calls/CallService';
import { InCallService } from './calls/InCallService';
import { CallTransfers } from './calls/CallTransfers';
import { CallTransferRepository } from './calls/CallTransferRepository';
import { LiveCallRepository } from './calls/LiveCallRepository';
import { CallDocuments } from './documents/CallDocuments';
import { ConfigError, redactDatabaseUrl, type Config } from './config/config';
import { apiRouter } from './http/apiRouter';
import { createHttpApp } from './http/createHttpApp';
import { createMetricsApp } from './http/metricsRoutes';
import { WorkerPool } from './media';
import { KioskPresence } from './monitoring/KioskPresence';
import { MonitoringModule } from './monitoring/MonitoringModule';
import { ImpactReportService } from './reporting/ImpactReportService';
import type { Clock } from './scheduling/BookingService';
import { SchedulingModule } from './scheduling/SchedulingModule';
import { TurnCredentials } from './relay/TurnCredentials';
import { RedisLink } from './cluster/RedisLink';
import { CallAdopter } from './calls/CallAdopter';
import { DocumentRelay } from './calls/DocumentRelay';
import { SignallingServer } from './signalling/SignallingServer';
import { AuditLog, Store } from './store';

/**
 * The whole server, assembled: store, accounts, scheduling, media workers, calls, HTTP and
 * signalling. `main.ts` runs one with the process's configuration; tests run as many as they
 * like in-process, each with its own data directory.
 */
export class VisioServer {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly store: Store,
    readonly auth: AuthModule,
    readonly scheduling: SchedulingModule,
    readonly pool: WorkerPool,
    readonly calls: CallService,
    readonly presence: KioskPresence,
    readonly monitoring: MonitoringModule,
    readonly signalling: SignallingServer,
    private readonly httpServer: http.Server,
    /** `/metrics` on a port of its own (METRICS_PORT), if configured. */
    private readonly metricsServer: http.Server | undefined,
    /** The Redis shared with the other nodes (REDIS_URL), if any. */
    readonly cluster: RedisLink | undefined,
    /** Takes over the calls of nodes that died (several nodes only). */
    private readonly adopter: CallAdopter | undefined,
  ) {}

  static async start(
    config: Config,
    logger: Logger,
    options: {
      passwordCost?: ScryptCost;
      /** The server's "now" (tests move it to pass a lockout or a window without waiting). */
      clock?: Clock;
    } = {},
  ): Promise<VisioServer> {
    const { media } = config;
    // mediasoup itself reads MEDIASOUP_WORKER_BIN from the environment; config checked it is set.
    if (!fs.existsSync(media.workerBin)) {
      throw new ConfigError(
        `MEDIASOUP_WORKER_BIN=${media.workerBin} does not exist: run \`npm run setup\` to build the worker`,
      );
    }
    // First: a node told to share Redis does not start as an island when Redis is unreachable.
    const cluster = config.cluster.redisUrl
      ? await RedisLink.connect(config.cluster.redisUrl, config.cluster.nodeId, logger)
      : undefined;
    const { data } = config;
    const store = await Store.open({
      sqliteFile: data.sqliteFile,
      databaseUrl: data.databaseUrl,
      poolMax: data.poolMax,
      onPoolError: (error) =>
        logger.warn({ module: 'store', err: error.message }, 'database connection lost'),
    });
    logger.info(
      data.databaseUrl
        ? { database: 'postgres', url: redactDatabaseUrl(data.databaseUrl), poolMax: data.poolMax }
        : { database: 'sqlite', file: data.sqliteFile },
      'database open',
    );
    const audit = new AuditLog(store.db);
    const { clock } = options;
    const auth = await AuthModule.create({
      store,
      config,
      logger,
      passwordCost: options.passwordCost,
      clock: clock && (() => clock.now().getTime()),
      attemptCounters: cluster?.attemptCounters(),
    });
    const pool = await WorkerPool.create(
      {
        workers: media.workers,
        rtcMinPort: media.rtcMinPort,
        rtcMaxPort: media.rtcMaxPort,
        webRtcServerPort: media.webRtcServerPort,
        webRtcServerBufferBytes: media.webRtcServerBufferBytes,
        listenIp: media.listenIp,
        announcedIp: media.announcedIp,
        logLevel: media.workerLogLevel,
        probe: config.recovery.workerProbe,
        admission: media.workerMaxCpu === undefined ? undefined : { maxCpu: media.workerMaxCpu },
      },
      logger,
    );
    const presence = new KioskPresence();
    const callListen = {
      listenIp: media.listenIp,
      announcedIp: media.announcedIp,
      enableUdp: media.enableUdp,
      enableTcp: media.enableTcp,
      initialAvailableOutgoingBitrate: media.initialAvailableOutgoingBitrate,
    };
    const records = new CallRecordRepository(store.db);
    const live = new LiveCallRepository(store.db);
    // Several nodes: this one's heartbeat and load, where its calls run, requests between nodes.
    const callCluster = cluster?.callCluster(() => ({
      calls: calls.activeCalls.length,
      ...pool.loadSummary(),
      admitting: !calls.isDraining && pool.loadSummary().admitting,
    }));
    const calls: CallService = new CallService(
      pool,
      auth.directory,
      {
        reconnectGraceMs: config.calls.reconnectGraceMs,
        rehomeWithinMs: config.recovery.rehomeWithinMs,
        listen: callListen,
        // A kiosk connected to another node is online too (its node answers for it).
        isKioskOnline: (kioskId) =>
          presence.isOnline(kioskId) ||
          (callCluster !== undefined && signalling.isConnected('/kiosk', kioskId)),
        cluster: callCluster,
      },
      logger.child({ module: 'calls' }),
      undefined,
    );
    await callCluster?.start();
    const scheduling = new SchedulingModule({
      store,
      audit,
      config,
      secret: auth.secret.keyFor('check-in-codes'),
      isInCall: (advisorId) =>
        calls.activeCallOf(advisorId) !== undefined ||
        (callCluster?.inCallElsewhere(advisorId) ?? false),
      oncePerPeriod: cluster?.oncePerPeriod(),
      sharedAdvisors: callCluster,
      // The signalling server is built below; this is only asked once it runs.
      isKioskConnected:
        callCluster &&
        ((kioskId: string): Promise<boolean> => signalling.isConnected('/kiosk', kioskId)),
      logger,
      clock,
    });
    calls.link({ waitingRoom: scheduling.waitingRoom, records, live });
    // One node: calls that ran when the process stopped (crash, a drain that ran out of time)
    // go on; what could not be restored is closed, and its documents deleted. Several nodes: the
    // store's running calls are every node's; this one's previous calls, and those of nodes
    // gone, are adopted below (CallAdopter), once the sockets can be told.
    const liveStates = callCluster ? [] : await live.all();
    const restored = await calls.restore(liveStates);
    const restoredIds = callCluster ? await live.ids() : restored.map((call) => call.id);
    await records.closeDangling(new Date(), restoredIds);
    if (!callCluster) await live.forgetAllBut(restoredIds);
    const documents = new CallDocuments(path.join(config.data.dir, 'call-documents'));
    documents.keepOnly(restoredIds);
    // An advisor entering or leaving a call changes what their waiting citizens are told.
    const advisorStatusChanged = ({ call }: { call: { advisorId: string } }) => {
      scheduling.waitingRoom
        .advisorStatusChanged(call.advisorId)
        .catch((err: unknown) => logger.error({ err }, 'advisor status not propagated'));
    };
    calls.on('callStarted', advisorStatusChanged);
    calls.on('callEnded', advisorStatusChanged);
    // A warm transfer: the colleague is in a call now, the first advisor free again.
    calls.on('handedOver', ({ call, fromAdvisorId }) => {
      advisorStatusChanged({ call });
      advisorStatusChanged({ call: { advisorId: fromAdvisorId } });
    });
    const transfers = new CallTransfers({
      calls,
      refs: scheduling.refs,
      waitingRoom: scheduling.waitingRoom,
      records: new CallTransferRepository(store.db),
      offerTimeoutMs: config.calls.transferOfferTimeoutMs,
      logger: logger.child({ module: 'calls' }),
    });
    await scheduling.start(
      callCluster
        ? await live.appointmentIds()
        : restored.flatMap((call) => (call.appointmentId ? [call.appointmentId] : [])),
    );
    const inCall = new InCallService(calls, documents, records, live, {
      timeZone: config.timezone,
      documentsInStore: callCluster !== undefined,
    });
    for (const state of liveStates) {
      if (!restoredIds.includes(state.parties.id)) continue;
      inCall.restoreChat(state.parties.id, state.messages);
      documents.restore(state.parties.id, state.documents);
    }
    const relay = config.relay && new TurnCredentials(config.relay);
    const monitoring = new MonitoringModule({
      config: config.monitoring,
      logger,
      pool,
      listen: callListen,
      // The link test's TURN path goes through the same relay, with the kiosk's own credentials.
      relayFor: relay && ((kioskId: string) => relay.iceServersFor(kioskId)),
      calls,
      presence,
      kiosks: auth.directory,
      enrolment: auth.enrolment,
      audit,
      db: store.db,
      scheduling,
      // The signalling server is built below; this is only read once it runs.
      connectedSockets: (): number => signalling.connectedSockets,
      oncePerPeriod: cluster?.oncePerPeriod(),
    });
    await monitoring.start();

    const { metricsListen } = config.monitoring;
    const app = createHttpApp({
      logger: logger.child({ module: 'http' }),
      clients: config.clients,
      trustProxyHops: config.http.trustProxyHops,
      https: config.http.publicUrl?.startsWith('https:') ?? false,
      readiness: {
        media: () => pool.isReady,
        database: () => store.isHealthy(),
        // False from SIGTERM on: the load balancer sends new work elsewhere while calls finish.
        admitting: () => !calls.isDraining,
      },
      api: apiRouter({
        auth,
        cookie: config.auth,
        scheduling,
        monitoring,
        documents: callCluster ? new DocumentRelay(inCall, calls, callCluster) : inCall,
        interpreters: calls,
        reports: new ImpactReportService(store.db, {
          carKgCo2ePerKm: config.report.carKgCo2ePerKm,
          clock: clock && (() => clock.now().getTime()),
        }),
        metricsToken: config.monitoring.metricsToken,
        metricsOnPublicPort: metricsListen === 'public',
        logger,
      }),
    });
    const httpServer = http.createServer(app);
    const signalling = new SignallingServer(httpServer, {
      directory: auth.directory,
      calls,
      presence,
      logger,
      rateLimit: {
        ratePerSecond: config.signalling.ratePerSecond,
        burst: config.signalling.rateBurst,
      },
      origins: config.signalling.origins,
      adapter: cluster?.socketAdapter(),
      cluster: callCluster,
      scheduling,
      inCall,
      transfers,
      staffSessions: auth.sessions,
      monitoring,
      relay,
    });
    const adopter =
      callCluster &&
      new CallAdopter({
        cluster: callCluster,
        live,
        records,
        waitingRoom: scheduling.waitingRoom,
        calls,
        restoreContent: (state) => {
          inCall.restoreChat(state.parties.id, state.messages);
          documents.restore(state.parties.id, state.documents, state.contents);
        },
        announce: (adopted) => signalling.announceAdopted(adopted),
        logger: logger.child({ module: 'calls' }),
      });
    await adopter?.start();
    auth.enrolment.on('deviceTokenInvalidated', ({ kioskId }) =>
      signalling.disconnectKiosk(kioskId),
    );
    auth.sessions.on('sessionEnded', ({ sessionId }) =>
      signalling.disconnectStaffSession(sessionId),
    );
    const metricsServer =
      typeof metricsListen === 'object'
        ? http.createServer(
            createMetricsApp(monitoring.metrics, { token: config.monitoring.metricsToken }),
          )
        : undefined;
    if (metricsListen === 'off')
      logger.warn('/metrics is off: set METRICS_TOKEN, or METRICS_PORT for an internal port');
    try {
      await listen(httpServer, config.http.port, config.http.host);
      if (metricsServer && typeof metricsListen === 'object')
        await listen(metricsServer, metricsListen.port, metricsListen.host);
    } catch (error) {
      await adopter?.stop();
      metricsServer?.close();
      await signalling.close(); // and the HTTP server under it
      await monitoring.stop();
      scheduling.stop();
      auth.close();
      pool.close();
      await store.close();
      await cluster?.close();
      throw error;
    }
    return new VisioServer(
      config,
      logger,
      store,
      auth,
      scheduling,
      pool,
      calls,
      presence,
      monitoring,
      signalling,
      httpServer,
      metricsServer,
      cluster,
      adopter,
    );
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  get port(): number {
    return (this.httpServer.address() as AddressInfo).port;
  }

  /** The port `/metrics` was given of its own, if any. */
  get metricsPort(): number | undefined {
    return (this.metricsServer?.address() as AddressInfo | null)?.port;
  }

  get url(): string {
    return this.config.http.publicUrl ?? `http://localhost:${this.port}`;
  }

  /**
   * Deploy (SIGTERM): readiness turns false and no new call starts; calls in progress go on and
   * waiting citizens keep waiting. Resolves 'idle' once the last call has ended, or 'timeout'
   * after `timeoutMs`; the caller then stops (leaving the calls running for the next process,
   * on a timeout).
   */
  async drain(timeoutMs: number): Promise<'idle' | 'timeout'> {
    this.calls.drain();
    this.logger.info({ calls: this.calls.activeCalls.length, timeoutMs }, 'draining');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.calls.idle().then(() => 'idle' as const), timedOut]);
    clearTimeout(timer);
    return outcome;
  }

  /**
   * Graceful: ends every call (both sides are told, `server_shutdown`), closes sockets, HTTP,
   * workers and the store. With `leaveCallsRunning` (a drain that ran out of time) the calls are
   * not ended: the store keeps them, and the next start restores them as after a crash.
   */
  stop(options: { leaveCallsRunning?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down');
      // No more calls taken over from other nodes: this one is going too.
      await this.adopter?.stop();
      // Ends every call (or leaves them to the next process) and waits for the store writes.
      if (options.leaveCallsRunning) await this.calls.leaveRunning();
      else await this.calls.stop();
      // The ended calls' appointments reach agendas, queues and kiosks before the sockets close.
      await this.signalling.settled();
      // Stops sampling and waits for the ended calls' quality summaries to reach the store.
      await this.monitoring.stop();
      this.scheduling.stop();
      this.auth.close();
      await this.signalling.close();
      this.httpServer.closeAllConnections();
      await new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
      this.metricsServer?.closeAllConnections();
      await new Promise<void>((resolve) =>
        this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve(),
      );
      this.pool.close();
      await this.store.close();
      await this.cluster?.close();
      this.logger.info('stopped');
    })();
    return this.stopping;
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
