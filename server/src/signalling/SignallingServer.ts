import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  AppError,
  callEvents,
  callRequests,
  interpreterEvents,
  interpreterRequests,
  kioskDirectoryEvents,
  kioskDirectoryRequests,
  mediaEvents,
  sessionRequests,
  type Ack,
  type CallInterpreter,
  type CallStarted,
  type PayloadOf,
} from '@visio/shared/protocol';
import type { Directory } from '../auth/Directory';
import {
  PrincipalSchema,
  summarize,
  type KioskPrincipal,
  type Principal,
  type StaffPrincipal,
} from '../auth/Principal';
import type { Call, CallInterpreterParty } from '../calls/Call';
import type { CallCluster } from '../calls/CallCluster';
import type { CallService, RemoteStart } from '../calls/CallService';
import type { KioskPresence } from '../monitoring/KioskPresence';
import { kioskStatuses, kioskStatus } from '../monitoring/kioskStatus';
import type { SchedulingModule } from '../scheduling/SchedulingModule';
import { emit } from './emit';
import type { InCallService } from '../calls/InCallService';
import { registerKioskInCall, registerStaffInCall, wireInCallEvents } from './inCallHandlers';
import type { CallTransfers } from '../calls/CallTransfers';
import { registerStaffTransfer, tellPendingOffers, wireTransferEvents } from './transferHandlers';
import { registerMediaHandlers } from './mediaHandlers';
import { registerStaffInterpreter, type JoinElsewhere } from './interpreterHandlers';
import { registerKioskLinkTest, registerStaffLinkTest } from './linkTestHandlers';
import type { MonitoringModule } from '../monitoring/MonitoringModule';
import {
  joinConsoleRoom,
  TECHNICIAN_ROOM,
  MonitoringNotifier,
  registerKioskMonitoring,
  registerStaffMonitoring,
} from './monitoringHandlers';
import { registerKioskScheduling, registerStaffScheduling } from './schedulingHandlers';
import { SchedulingNotifier, partyRoom, serviceRoom } from './SchedulingNotifier';
import { CallTabs } from './CallTabs';
import { RequestRouter, type CallRelay, type RateLimit } from './RequestRouter';
import { authenticateSocket } from './authenticateSocket';
import { handshakeOriginAllowed } from './handshakeOrigin';
import { WarningSampler } from './WarningSampler';
import type { HandshakeOrigins } from '../config/config';
import type { TurnCredentials } from '../relay/TurnCredentials';

export interface SignallingDeps {
  directory: Directory;
  calls: CallService;
  presence: KioskPresence;
  logger: Logger;
  rateLimit: RateLimit;
  /** Which page origins may open a socket (PUBLIC_URL's; loopback ones in development). */
  origins: HandshakeOrigins;
  /** Appointments, check-in and matching; absent in a media-only server. */
  scheduling?: SchedulingModule | undefined;
  /** Resolves a staff token to its session, to close the session's sockets when it ends. */
  staffSessions?:
    { resolveSession(token: string): Promise<{ sessionId: string } | undefined> } | undefined;
  /** Chat, documents and survey inside calls. */
  inCall?: InCallService | undefined;
  /** Warm transfers of calls between advisors; absent without scheduling. */
  transfers?: CallTransfers | undefined;
  /** Fleet, alerts, call quality, health and the technician's actions. */
  monitoring?: MonitoringModule | undefined;
  /** Hands each party TURN credentials with every media join; absent = no relay. */
  relay?: TurnCredentials | undefined;
  /**
   * socket.io's adapter for rooms shared by several nodes (the Redis streams adapter, built by
   * the cluster module); absent = rooms in this process's memory, one node.
   */
  adapter?: ServerOptions['adapter'] | undefined;
  /**
   * The other nodes: requests about a call another node carries are relayed to it, and so are
   * its parties' comings and goings. Absent on one node.
   */
  cluster?: CallCluster | undefined;
}

const NamespaceNameSchema = z.enum(['/kiosk', '/staff']);
const RelayedRequestSchema = z.object({
  nsp: NamespaceNameSchema,
  event: z.string().max(64),
  principal: PrincipalSchema,
  payload: z.unknown(),
});
const PartyRefSchema = z.object({ nsp: NamespaceNameSchema, partyId: z.string() });
const RemoteStartSchema: z.ZodType<RemoteStart> = z.object({
  advisor: PrincipalSchema.refine(
    (p) => p.kind === 'staff',
  ) as unknown as z.ZodType<StaffPrincipal>,
  kioskId: z.string(),
  appointmentId: z.string().optional(),
  serviceId: z.string().optional(),
});

/** socket.io's own frame limit; larger frames close the connection. Our per-request limit is lower. */
const MAX_FRAME_BYTES = 1_000_000;
/** How long a connection may stay without entering a namespace (socket.io's default is 45 s). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The socket.io layer: authenticates each namespace, attaches the typed request routers and turns
 * domain events into socket messages, each sent only to the parties it concerns.
 */
export class SignallingServer {
  readonly io: Server;
  private readonly kioskNsp: Namespace;
  private readonly staffNsp: Namespace;
  private readonly log: Logger;
  private readonly tabs = new CallTabs();
  /** Refused handshakes come from no socket: their warnings are sampled server-wide. */
  private readonly warnings: WarningSampler;
  private schedulingNotifier: SchedulingNotifier | undefined;
  private kioskRouter: RequestRouter<KioskPrincipal> | undefined;
  private staffRouter: RequestRouter<StaffPrincipal> | undefined;

  constructor(
    httpServer: HttpServer,
    private readonly deps: SignallingDeps,
  ) {
    this.log = deps.logger.child({ module: 'signalling' });
    this.warnings = new WarningSampler(() => this.log);
    this.io = new Server(httpServer, {
      maxHttpBufferSize: MAX_FRAME_BYTES,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      serveClient: false,
      cors: { origin: false },
      // A connection that has not entered a namespace by then is closed.
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...(deps.adapter ? { adapter: deps.adapter } : {}),
      allowRequest: (req, callback) => {
        const allowed = handshakeOriginAllowed(req, deps.origins);
        if (!allowed)
          this.warnings.warn('socket handshake from a foreign origin refused', {
            origin: String(req.headers.origin).slice(0, 200),
          });
        callback(allowed ? null : 'FORBIDDEN_ORIGIN', allowed);
      },
    });
    // The root namespace serves nothing: closed, so nobody can sit on it unauthenticated.
    this.io.of('/').use((_socket, next) => {
      const err = new Error('NOT_FOUND') as Error & { data?: unknown };
      err.data = { code: 'NOT_FOUND', message: 'Connect to /kiosk or /staff' };
      next(err);
    });
    this.kioskNsp = this.io.of('/kiosk');
    this.staffNsp = this.io.of('/staff');
    this.setUpKiosk();
    this.setUpStaff();
    this.wireDomainEvents();
    if (deps.scheduling) {
      this.schedulingNotifier = new SchedulingNotifier(
        this.kioskNsp,
        this.staffNsp,
        deps.scheduling,
        this.log,
      );
      this.schedulingNotifier.wire();
    }
    if (deps.inCall) wireInCallEvents(deps.inCall, this.kioskNsp, this.staffNsp);
    if (deps.transfers) wireTransferEvents(deps.transfers, this.kioskNsp, this.staffNsp);
    if (deps.monitoring)
      new MonitoringNotifier(this.kioskNsp, this.staffNsp, deps.monitoring, this.log).wire();
    if (deps.cluster) this.serveCluster(deps.cluster);
  }

  /** Whether a party has a socket on any node (on this one only, without a cluster). */
  async isConnected(nsp: '/kiosk' | '/staff', partyId: string): Promise<boolean> {
    const namespace = nsp === '/kiosk' ? this.kioskNsp : this.staffNsp;
    try {
      return (await namespace.in(partyRoom(partyId)).fetchSockets()).length > 0;
    } catch (err) {
      // A node that does not answer (dying): taken as not connected; a reconnection corrects it.
      this.log.warn({ err: String(err) }, 'party presence not read across the nodes');
      return false;
    }
  }

  /**
   * Calls this node took over from one that died (or restarted): their parties connected to a
   * node are back and rejoin at once; the others are waited for, as after a restart.
   */
  async announceAdopted(calls: readonly Call[]): Promise<void> {
    await Promise.all(
      calls.flatMap((call) =>
        [['/kiosk', call.kioskId], ...call.partyIds.slice(1).map((id) => ['/staff', id])].map(
          async ([nsp, id]) => {
            if (call.ended || !(await this.isConnected(nsp as '/kiosk' | '/staff', id!))) return;
            this.deps.calls.partyReconnected(id!);
            const to = nsp === '/kiosk' ? this.kioskNsp : this.staffNsp;
            emit(to.to(partyRoom(id!)), callEvents.started, this.callStartedPayload(call, id!));
          },
        ),
      ),
    );
  }

  /** Runs here what other nodes relay about the calls this node carries. */
  private serveCluster(cluster: CallCluster): void {
    const { calls } = this.deps;
    cluster.serve('call.request', async (raw) => {
      const { nsp, event, principal, payload } = RelayedRequestSchema.parse(raw);
      const ack =
        nsp === '/kiosk'
          ? principal.kind === 'kiosk' && this.kioskRouter?.invoke(event, principal, payload)
          : principal.kind === 'staff' && this.staffRouter?.invoke(event, principal, payload);
      if (!ack) throw new AppError('FORBIDDEN', 'Wrong namespace for this principal');
      return ack;
    });
    cluster.serve('call.partyConnected', async (raw) => {
      const { partyId } = PartyRefSchema.parse(raw);
      const call = calls.activeCallOf(partyId);
      if (!call) return null;
      calls.partyReconnected(partyId);
      return this.callStartedPayload(call, partyId);
    });
    cluster.serve('call.partyGone', async (raw) => {
      const { nsp, partyId } = PartyRefSchema.parse(raw);
      if (!(await this.isConnected(nsp, partyId))) calls.partyDisconnected(partyId);
      return null;
    });
    cluster.serve('call.start', (raw) => calls.startPlaced(RemoteStartSchema.parse(raw)));
  }

  /** With other nodes: an interpreter's join tried on each (its code lives on its call's node). */
  private joinElsewhere(): JoinElsewhere | undefined {
    const cluster = this.deps.cluster;
    if (!cluster) return undefined;
    return async (principal, payload) => {
      const others = (await cluster.nodes()).filter((n) => n.nodeId !== cluster.nodeId);
      for (const { nodeId } of others) {
        const ack = await cluster.request(nodeId, 'call.request', {
          nsp: '/staff',
          event: interpreterRequests.join.name,
          principal,
          payload,
        });
        // The carrier's router answer, carried as data of the relay's own answer.
        const answer = ack.ok ? (ack.data as Ack<unknown>) : ack;
        if (answer.ok || answer.error.reason !== 'interpreter_code_unknown') return answer;
      }
      return undefined;
    };
  }

  /** Relays a party's call requests to the node carrying the call, when another one does. */
  private relayFor(nsp: '/kiosk' | '/staff'): CallRelay | undefined {
    const cluster = this.deps.cluster;
    if (!cluster) return undefined;
    return {
      nodeOf: (callId) => this.deps.calls.remoteNodeOf(callId),
      forward: async (node, event, principal: Principal, payload) => {
        const ack = await cluster.request(node, 'call.request', { nsp, event, principal, payload });
        // The answer of the carrier's router, carried as data of the relay's own answer.
        return ack.ok ? (ack.data as typeof ack) : ack;
      },
    };
  }

  /**
   * A party's last socket on this node went. Unless it has one on another node, the node carrying
   * its call starts its absence (this one, or the carrier through the cluster).
   */
  private async partyGone(nsp: '/kiosk' | '/staff', partyId: string): Promise<void> {
    const { calls, cluster } = this.deps;
    if (!cluster) return calls.partyDisconnected(partyId);
    if (calls.activeCallOf(partyId)) {
      if (!(await this.isConnected(nsp, partyId))) calls.partyDisconnected(partyId);
      return;
    }
    const node = await calls.remoteNodeOfParty(partyId).catch(() => undefined);
    if (node) await cluster.request(node, 'call.partyGone', { nsp, partyId });
  }

  get connectedSockets(): number {
    return this.kioskNsp.sockets.size + this.staffNsp.sockets.size;
  }

  /** Closes the staff sockets opened with a session that ended (logout, a newer login). */
  disconnectStaffSession(sessionId: string): void {
    for (const socket of this.staffNsp.sockets.values()) {
      if (socket.data.sessionId === sessionId) socket.disconnect(true);
    }
  }

  /** Closes a kiosk's sockets (its device token was revoked or replaced). */
  disconnectKiosk(kioskId: string): void {
    for (const socket of this.kioskSockets(kioskId)) socket.disconnect(true);
  }

  /** The sockets of one kiosk, from its room (no scan over every connected kiosk). */
  private kioskSockets(kioskId: string): Socket[] {
    const ids = this.kioskNsp.adapter.rooms.get(partyRoom(kioskId)) ?? new Set<string>();
    return [...ids].flatMap((id) => this.kioskNsp.sockets.get(id) ?? []);
  }

  /** Resolves once what the domain has told so far has been sent on (see SchedulingNotifier). */
  async settled(): Promise<void> {
    await this.schedulingNotifier?.settled();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }

  private setUpKiosk(): void {
    const { directory, calls, presence } = this.deps;
    const router = new RequestRouter<KioskPrincipal>(
      this.log.child({ nsp: '/kiosk' }),
      this.deps.rateLimit,
      this.relayFor('/kiosk'),
    );
    this.kioskRouter = router;
    router
      .on(sessionRequests.whoami, (_data, { principal }) => ({ principal: summarize(principal) }))
      .on(callRequests.hangup, ({ callId }, { principal }) => {
        calls.hangup(principal, callId);
        return {};
      })
      .on(callRequests.setMediaMode, ({ callId, mode }, { principal }) => {
        calls.setMediaMode(principal, callId, mode);
        return {};
      });
    registerMediaHandlers(router, calls, this.deps.relay);
    const scheduling = this.deps.scheduling;
    if (scheduling) registerKioskScheduling(router, scheduling);
    if (this.deps.inCall) registerKioskInCall(router, this.deps.inCall);
    if (this.deps.monitoring) {
      registerKioskMonitoring(router, this.deps.monitoring);
      registerKioskLinkTest(router, this.deps.monitoring);
    }

    this.kioskNsp.use((socket, next) => {
      authenticateSocket(socket, (token) => directory.authenticateKiosk(token), { cookie: false })
        .then((principal) => {
          socket.data.principal = principal;
          next();
        })
        .catch((err: Error) => next(err));
    });
    this.kioskNsp.on('connection', (socket) => {
      const principal = socket.data.principal as KioskPrincipal;
      const { kioskId } = principal;
      // One screen per kiosk: a newer connection (reload, second tab) replaces the older ones.
      presence.connected(kioskId);
      for (const other of this.kioskSockets(kioskId)) if (other !== socket) other.disconnect(true);
      void socket.join(partyRoom(kioskId));
      router.attach(socket, principal);
      this.onPartyConnected(socket, kioskId);
      scheduling?.waitingRoom.kioskConnected(kioskId);
      socket.on('disconnect', (reason) => {
        this.log.info({ kioskId, socketId: socket.id, reason }, 'kiosk disconnected');
        if (presence.disconnected(kioskId)) {
          void this.partyGone('/kiosk', kioskId);
          scheduling?.waitingRoom.kioskDisconnected(kioskId);
        }
      });
      this.log.info({ kioskId, socketId: socket.id }, 'kiosk connected');
    });
  }

  private setUpStaff(): void {
    const { directory, calls, presence } = this.deps;
    const router = new RequestRouter<StaffPrincipal>(
      this.log.child({ nsp: '/staff' }),
      this.deps.rateLimit,
      this.relayFor('/staff'),
    );
    this.staffRouter = router;
    router
      .on(sessionRequests.whoami, (_data, { principal }) => ({ principal: summarize(principal) }))
      .on(
        kioskDirectoryRequests.list,
        async () => ({ kiosks: await kioskStatuses(directory, presence, calls) }),
        { roles: ['advisor', 'technician', 'admin'] },
      )
      .on(callRequests.hangup, ({ callId }, { principal }) => {
        calls.hangup(principal, callId);
        return {};
      })
      .on(
        callRequests.setMediaMode,
        ({ callId, mode }, { principal }) => {
          calls.setMediaMode(principal, callId, mode);
          return {};
        },
        { roles: ['advisor'] },
      );
    // Only advisors and the interpreters they invite take part in calls: other roles never
    // reach the media of any call.
    registerMediaHandlers(router, calls, this.deps.relay, ['advisor', 'interpreter']);
    registerStaffInterpreter(router, calls, this.joinElsewhere());
    const scheduling = this.deps.scheduling;
    if (scheduling)
      registerStaffScheduling(router, scheduling, calls, this.tabs);
    if (this.deps.inCall) registerStaffInCall(router, this.deps.inCall);
    if (this.deps.transfers) registerStaffTransfer(router, this.deps.transfers, this.tabs);
    if (this.deps.monitoring) {
      registerStaffMonitoring(router, this.deps.monitoring);
      registerStaffLinkTest(router, this.deps.monitoring);
    }

    this.staffNsp.use((socket, next) => {
      // The session id is kept with the socket so that logging out closes the sockets it opened.
      let sessionId: string | undefined;
      const resolve = async (token: string) => {
        // An interpreter without an account, let in by an invitation link: no session.
        const guest = calls.interpreterGuest(token);
        if (guest) return guest;
        const principal = await directory.authenticateStaff(token);
        if (principal)
          sessionId = (await this.deps.staffSessions?.resolveSession(token))?.sessionId;
        return principal;
      };
      authenticateSocket(socket, resolve, { cookie: true })
        .then((principal) => {
          socket.data.principal = principal;
          socket.data.sessionId = sessionId;
          next();
        })
        .catch((err: Error) => next(err));
    });
    this.staffNsp.on('connection', (socket) => {
      const principal = socket.data.principal as StaffPrincipal;
      const isAdvisor = principal.roles.includes('advisor');
      void socket.join(partyRoom(principal.staffId));
      joinConsoleRoom(socket, principal);
      router.attach(socket, principal);
      this.onPartyConnected(socket, principal.staffId);
      if (this.deps.transfers && isAdvisor)
        tellPendingOffers(socket, this.deps.transfers, principal.staffId);
      if (scheduling && isAdvisor) {
        scheduling.waitingRoom.advisorConnected(principal.staffId);
        // Advisors hear about the queues of the services they serve.
        scheduling.refs.servicesOf(principal.staffId).then(
          (ids) => socket.join(ids.map(serviceRoom)),
          // A store that fails (or closed under a stop) leaves this tab without queue news only.
          (err: unknown) =>
            this.log.warn({ err, staffId: principal.staffId }, 'advisor services not read'),
        );
      }
      socket.on('disconnect', (reason) => {
        this.log.info(
          { staffId: principal.staffId, socketId: socket.id, reason },
          'staff disconnected',
        );
        const room = this.staffNsp.adapter.rooms.get(partyRoom(principal.staffId));
        if (!room || room.size === 0) void this.partyGone('/staff', principal.staffId);
        else this.moveCallFrom(socket, principal.staffId, [...room]);
        if (scheduling && isAdvisor) scheduling.waitingRoom.advisorDisconnected(principal.staffId);
      });
      this.log.info({ staffId: principal.staffId, socketId: socket.id }, 'staff connected');
    });
  }

  /**
   * A party that comes back while its call is running is told again, so a reloaded page resumes
   * and its media runs from this socket on; unless the call's own tab is still connected.
   */
  private onPartyConnected(socket: Socket, id: string): void {
    const { calls, cluster } = this.deps;
    const call = calls.activeCallOf(id);
    if (!call && cluster) {
      void this.rejoinRemoteCall(socket, id, cluster);
      return;
    }
    if (call && !this.tabs.connected(call.id, id, socket.id, (s) => socket.nsp.sockets.has(s)))
      return;
    calls.partyReconnected(id);
    if (call) emit(socket, callEvents.started, this.callStartedPayload(call, id));
  }

  /** A party of a call another node carries connected here: that node hears it is back. */
  private async rejoinRemoteCall(socket: Socket, id: string, cluster: CallCluster): Promise<void> {
    const node = await this.deps.calls.remoteNodeOfParty(id).catch(() => undefined);
    if (!node) return;
    const nsp = socket.nsp.name === '/kiosk' ? '/kiosk' : '/staff';
    const ack = await cluster.request(node, 'call.partyConnected', { nsp, partyId: id });
    if (ack.ok && ack.data && socket.connected)
      emit(socket, callEvents.started, ack.data as PayloadOf<typeof callEvents.started>);
  }

  /** An advisor's tab went while others stay open: the one taking the call over is told. */
  private moveCallFrom(gone: Socket, staffId: string, remaining: string[]): void {
    const call = this.deps.calls.activeCallOf(staffId);
    if (!call) return;
    const open = remaining.filter((id) => this.staffNsp.sockets.has(id));
    const taker = this.tabs.disconnected(call.id, staffId, gone.id, open);
    const socket = taker && this.staffNsp.sockets.get(taker);
    if (socket) emit(socket, callEvents.started, this.callStartedPayload(call, staffId));
  }

  /** `withMedia`: the transports made for `forId` go with it (once, to the one screen running it). */
  private callStartedPayload(
    call: Call,
    forId: string,
    withMedia = false,
  ): PayloadOf<typeof callEvents.started> {
    const prepared = withMedia ? call.takePrepared(forId) : undefined;
    const media = prepared && {
      ...prepared,
      iceServers: this.deps.relay?.iceServersFor(forId) ?? [],
    };
    const party = call.partyOf(forId);
    return {
      ...(media ? { media } : {}),
      callId: call.id,
      kioskId: call.kioskId,
      advisorId: call.advisorId,
      peerName: call.peerNameFor(forId),
      appointmentId: call.appointmentId ?? null,
      rtpCapabilities: call.room.rtpCapabilities,
      mediaEpoch: call.mediaEpoch,
      ...(call.advisorSince ? { advisorSince: call.advisorSince.toISOString() } : {}),
      ...this.pendingTransfer(call, forId),
      interpreter: call.interpreter ? callInterpreter(call.interpreter) : null,
      ...(party ? { peerMediaMode: call.mediaModes[party === 'kiosk' ? 'advisor' : 'kiosk'] } : {}),
    };
  }

  /** The advisor's offer of the call still waiting for an answer, told again with the call. */
  private pendingTransfer(call: Call, forId: string): Pick<CallStarted, 'transfer'> {
    const offer = forId === call.advisorId ? this.deps.transfers?.offerOf(call.id) : undefined;
    if (!offer || offer.fromAdvisorId !== forId) return {};
    return {
      transfer: {
        transferId: offer.id,
        colleagueName: offer.to.name,
        serviceName: offer.to.serviceName,
        expiresAt: offer.view.expiresAt,
      },
    };
  }

  private wireDomainEvents(): void {
    const { calls, presence, directory } = this.deps;
    const toKiosk = (call: Call) => this.kioskNsp.to(partyRoom(call.kioskId));
    const toAdvisor = (call: Call) => this.staffNsp.to(partyRoom(call.advisorId));
    const toParty = (call: Call, id: string) =>
      id === call.kioskId ? toKiosk(call) : this.staffNsp.to(partyRoom(id));
    // The interpreter of the call, while one takes part (else nobody).
    const toInterpreter = (call: Call) =>
      call.interpreter ? this.staffNsp.to(partyRoom(call.interpreter.id)) : undefined;
    // The advisor's tab that runs the call (other tabs stay out of it), else all their tabs.
    const toAdvisorCall = (call: Call) => {
      const tab = this.tabs.tabOf(call.id, call.advisorId);
      return (tab && this.staffNsp.sockets.get(tab)) || toAdvisor(call);
    };
    const kioskChanged = async (kioskId: string) => {
      // The store may fail (a PostgreSQL node restarting, or closed at shutdown): a missed
      // presence update for technicians, not a crash.
      const status = await kioskStatus(kioskId, directory, presence, calls).catch(
        (err: unknown) => {
          this.log.warn({ err, kioskId }, 'kiosk status not read');
        },
      );
      // Kiosk presence is for the fleet's keepers, not every advisor's screen.
      if (status) emit(this.staffNsp.to(TECHNICIAN_ROOM), kioskDirectoryEvents.changed, status);
    };

    calls.on('callStarted', ({ call }) => {
      // The kiosk has one screen: its transports go with the news.
      emit(toKiosk(call), callEvents.started, this.callStartedPayload(call, call.kioskId, true));
      // The tab that admitted (with its transports), else all the advisor's tabs (each asks).
      const tab = this.tabs.callStarted(call.id, call.advisorId);
      const socket = tab ? this.staffNsp.sockets.get(tab) : undefined;
      emit(
        socket ?? toAdvisor(call),
        callEvents.started,
        this.callStartedPayload(call, call.advisorId, socket !== undefined),
      );
      void kioskChanged(call.kioskId);
    });
    calls.on('callEnded', ({ call, reason, endedBy }) => {
      this.tabs.forget(call.id);
      const unreachable = call.mediaFailure?.unreachable;
      const payload = { callId: call.id, reason, endedBy, ...(unreachable ? { unreachable } : {}) };
      emit(toKiosk(call), callEvents.ended, payload);
      emit(toAdvisor(call), callEvents.ended, payload);
      const interpreter = toInterpreter(call);
      if (interpreter) emit(interpreter, callEvents.ended, payload);
      void kioskChanged(call.kioskId);
    });
    // Warm transfer: the first advisor is out of the call (every tab of theirs); the colleague's
    // tab that accepted runs it from now on (else every tab of theirs is told, each asks).
    calls.on('handedOver', ({ call, fromAdvisorId }) => {
      emit(this.staffNsp.to(partyRoom(fromAdvisorId)), callEvents.ended, {
        callId: call.id,
        reason: 'transferred',
        endedBy: 'advisor',
      });
      const tab = this.tabs.callStarted(call.id, call.advisorId);
      const socket = tab ? this.staffNsp.sockets.get(tab) : undefined;
      emit(
        socket ?? toAdvisor(call),
        callEvents.started,
        this.callStartedPayload(call, call.advisorId),
      );
      void kioskChanged(call.kioskId);
    });
    calls.on('mediaRestarted', ({ call, reason }) => {
      const payload = {
        callId: call.id,
        mediaEpoch: call.mediaEpoch,
        rtpCapabilities: call.room.rtpCapabilities,
        reason,
      };
      emit(toKiosk(call), callEvents.mediaRestart, payload);
      emit(toAdvisorCall(call), callEvents.mediaRestart, payload);
      const interpreter = toInterpreter(call);
      if (interpreter) emit(interpreter, callEvents.mediaRestart, payload);
    });
    // The other party hears who is away and until when the call waits for them, or that they are back.
    const tellPartyStatus = (
      call: Call,
      party: 'kiosk' | 'advisor',
      away?: { awaySince: Date; graceEndsAt: Date },
    ) => {
      const payload = {
        callId: call.id,
        party,
        state: away ? ('away' as const) : ('back' as const),
        awaySince: away?.awaySince.toISOString() ?? null,
        graceEndsAt: away?.graceEndsAt.toISOString() ?? null,
      };
      emit(
        party === 'kiosk' ? toAdvisorCall(call) : toKiosk(call),
        callEvents.partyStatus,
        payload,
      );
      // The interpreter hears of either party (they interpret between the two).
      const interpreter = toInterpreter(call);
      if (interpreter) emit(interpreter, callEvents.partyStatus, payload);
    };
    calls.on('partyAway', ({ call, party, awaySince, graceEndsAt }) =>
      tellPartyStatus(call, party, { awaySince, graceEndsAt }),
    );
    calls.on('partyBack', ({ call, party }) => tellPartyStatus(call, party));
    calls.on('mediaModeChanged', ({ call, party, mode }) =>
      emit(party === 'kiosk' ? toAdvisorCall(call) : toKiosk(call), callEvents.mediaMode, {
        callId: call.id,
        party,
        mode,
      }),
    );
    calls.on('newProducer', ({ call, to, producer, consumer }) =>
      emit(toParty(call, to), mediaEvents.newProducer, {
        callId: call.id,
        ...producer,
        ...(consumer ? { consumer } : {}),
      }),
    );
    calls.on('producerPaused', ({ call, to, producerId, paused, reason }) =>
      emit(toParty(call, to), mediaEvents.producerPaused, {
        callId: call.id,
        producerId,
        paused,
        reason,
      }),
    );
    calls.on('consumerClosed', ({ call, to, consumerId, producerId }) =>
      emit(toParty(call, to), mediaEvents.consumerClosed, {
        callId: call.id,
        consumerId,
        producerId,
      }),
    );
    calls.on('peerDownlink', ({ call, to, kbps }) =>
      emit(toParty(call, to), mediaEvents.peerDownlink, { callId: call.id, kbps }),
    );
    calls.on('interpreterJoined', ({ call }) => {
      const interpreter = call.interpreter!;
      emit(
        toParty(call, interpreter.id),
        callEvents.started,
        this.callStartedPayload(call, interpreter.id),
      );
      const payload = { callId: call.id, ...callInterpreter(interpreter) };
      emit(toKiosk(call), interpreterEvents.joined, payload);
      emit(toAdvisorCall(call), interpreterEvents.joined, payload);
    });
    calls.on('interpreterLeft', ({ call, interpreterId, reason }) => {
      const payload = { callId: call.id, interpreterId, reason };
      emit(toKiosk(call), interpreterEvents.left, payload);
      emit(toAdvisorCall(call), interpreterEvents.left, payload);
      // Their own screen (another tab, or back after the grace) leaves the call too.
      emit(toParty(call, interpreterId), callEvents.ended, {
        callId: call.id,
        reason: 'hangup',
        endedBy: 'system',
      });
    });
    presence.on('changed', ({ kioskId }) => void kioskChanged(kioskId));
  }
}

/** The interpreter as the call's parties hear of them: a role, never a name. */
function callInterpreter({ id, kind, language }: CallInterpreterParty): CallInterpreter {
  return { interpreterId: id, kind, language };
}
