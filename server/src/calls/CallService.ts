import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AppError,
  appErrorFromBody,
  type CallEndReason,
  type Interpretation,
  type MediaMode,
  type MediaRestartReason,
  type MediaStartFailure,
  type mediaRequests,
  type MediaSource,
  type PauseReason,
  type ProducerInfo,
  type RequestOf,
} from '@visio/shared/protocol';
import type { Directory } from '../auth/Directory';
import type { Principal, StaffPrincipal } from '../auth/Principal';
import { principalId } from '../auth/Principal';
import type { ConsumerOffer, MediaRoom, TransportListenOptions, WorkerPool } from '../media';
import type { WaitingRoom } from '../scheduling/WaitingRoom';
import {
  Call,
  type AdvisorSeat,
  type CallIncident,
  type CallIncidentCause,
  type CallParty,
} from './Call';
import {
  codeExpired,
  codeUnknown,
  InterpreterInvitations,
  interpretationLabel,
  interpreterPresent,
} from './InterpreterInvitations';
import type { CallCluster } from './CallCluster';
import type { CallRecordRepository } from './CallRecordRepository';
import type { LiveCallRepository, LiveCallState } from './LiveCallRepository';
import { CallWrites } from './CallWrites';
import { RoomKeeper } from './RoomKeeper';

export interface CallServiceEvents {
  callStarted: [{ call: Call }];
  callEnded: [{ call: Call; reason: CallEndReason; endedBy: CallParty | 'system' }];
  /** The call's room was lost: a new one is being found (`mediaRestarted` follows, or the end). */
  mediaLost: [{ call: Call; reason: MediaRestartReason }];
  /** The call's media moved to a new room (`call.room`, `call.mediaEpoch`): both rebuild theirs. */
  mediaRestarted: [{ call: Call; reason: MediaRestartReason }];
  /** A party lost its last connection; the call ends at `graceEndsAt` unless it is back. */
  partyAway: [{ call: Call; party: CallParty; awaySince: Date; graceEndsAt: Date }];
  partyBack: [{ call: Call; party: CallParty }];
  /**
   * Warm transfer: the advisor's seat went from `fromAdvisorId` to `call.advisorId` (same call,
   * same room); the first advisor is out of the call, the colleague joins its media.
   */
  handedOver: [{ call: Call; fromAdvisorId: string }];
  /** A party's line switched between video and audio + real-time text (its degradation policy). */
  mediaModeChanged: [{ call: Call; party: CallParty; mode: MediaMode }];
  /** An interruption of the call is over (its duration is known), or the call ended during it. */
  incidentClosed: [{ call: Call; incident: CallIncident }];
  /** An interpreter joined the call (`call.interpreter`), a third party on its router. */
  interpreterJoined: [{ call: Call }];
  /** The interpreter left (or stayed away beyond the grace); the call goes on. */
  interpreterLeft: [{ call: Call; interpreterId: string; reason: 'left' | 'disconnected' }];
  /** Media events addressed to one principal (`to`) of a call. */
  newProducer: [
    { call: Call; to: string; producer: ProducerInfo; consumer: ConsumerOffer | undefined },
  ];
  producerPaused: [
    { call: Call; to: string; producerId: string; paused: boolean; reason: PauseReason | null },
  ];
  /** A party's camera or microphone paused (`reason`: by them, or its device lost) or resumed. */
  sourcePaused: [{ call: Call; party: CallParty; source: MediaSource; reason: PauseReason | null }];
  consumerClosed: [{ call: Call; to: string; consumerId: string; producerId: string }];
  /** What the server can send to the other party than `to`, kbit/s: `to` fits its video to it. */
  peerDownlink: [{ call: Call; to: string; kbps: number }];
}

/** What a media:join names: the room's epoch, the device, the prepared transports it keeps. */
type MediaJoin = Omit<RequestOf<typeof mediaRequests.join>, 'callId'>;

export interface CallServiceOptions {
  reconnectGraceMs: number;
  /** How long a call whose room was lost may wait for a live worker before it ends (media_failed). */
  rehomeWithinMs: number;
  listen: TransportListenOptions;
  /** Whether a kiosk has a live connection (on this node, or on any with a cluster). */
  isKioskOnline: (kioskId: string) => boolean | Promise<boolean>;
  /** The other nodes (REDIS_URL); absent on one node, where every call is this process's. */
  cluster?: CallCluster | undefined;
}

/** A call started on another node: only its id is known here. */
export interface PlacedCall {
  id: string;
}

/** What an admitting node asks the node chosen for a new call to start (cluster request). */
export interface RemoteStart {
  advisor: StaffPrincipal;
  kioskId: string;
  appointmentId?: string | undefined;
  serviceId?: string | undefined;
}

/** A new call goes to this node rather than a remote one unless another is this much less loaded. */
const PLACE_HERE_MARGIN = 0.05;

/** What the call service needs from scheduling and the store (absent in media-only setups). */
export interface CallServiceLinks {
  waitingRoom: WaitingRoom;
  records: CallRecordRepository;
  /** Running calls kept in the store, to be restored after a restart. */
  live?: LiveCallRepository;
}

/** A party away from its call: the end of its grace, and the incident it opened (if any). */
interface Absence {
  timer: NodeJS.Timeout;
  incident: CallIncident | undefined;
}

/**
 * Owns the calls in progress: starts them (creating their media room), routes each party to its
 * own call only, moves a call to a new room when its room is lost, tells each party when the
 * other is away or back, and ends calls on hang-up, absence beyond the grace period or shutdown.
 * Running calls are kept in the store and restored after a restart. Emits domain events; the
 * signalling layer turns them into socket messages.
 */
export class CallService extends EventEmitter<CallServiceEvents> {
  private readonly calls = new Map<string, Call>();
  /** principal id → the call it is in (a kiosk or an advisor is in one call at most). */
  private readonly callOfParty = new Map<string, Call>();
  private readonly absences = new Map<string, Absence>();
  /** Parties whose call is being set up, so two concurrent starts cannot both pass the checks. */
  private readonly starting = new Set<string>();
  /** Call records and waiting-room bookkeeping on their way to the store; `stop()` awaits them. */
  /** Each call's store writes, in order; a stop waits for them. */
  private readonly writes = new CallWrites();
  private readonly rooms: RoomKeeper;
  /** One-time codes inviting an interpreter into a call. */
  private readonly invitations = new InterpreterInvitations();
  /** Set by `drain()`: calls in progress go on, no new one starts. */
  private draining = false;
  /** Set by `leaveRunning()`: the calls are the next process's; nothing may end them here. */
  private leftRunning = false;

  constructor(
    pool: WorkerPool,
    private readonly directory: Directory,
    private readonly options: CallServiceOptions,
    private readonly logger: Logger,
    private links?: CallServiceLinks,
  ) {
    super();
    this.rooms = new RoomKeeper(pool, options.listen, logger);
  }

  /** Connects scheduling and call records (built after this service, which they depend on). */
  link(links: CallServiceLinks): void {
    this.links = links;
  }

  /**
   * The advisor takes a waiting citizen: the waiting room claims the appointment for this advisor
   * (exactly one advisor wins a race), then the call starts between that kiosk and this advisor.
   * If the call cannot start, the citizen goes back to waiting in the same place.
   */
  async admit(advisor: StaffPrincipal, appointmentId: string): Promise<Call> {
    if (!this.links) throw new AppError('UNAVAILABLE', 'Appointments are not enabled');
    this.assertAdmitting();
    if (this.callOfParty.has(advisor.staffId))
      throw AppError.withReason('CONFLICT', 'advisor_in_call', 'You are already in a call');
    const row = await this.links.waitingRoom.claim(advisor.staffId, appointmentId);
    try {
      return await this.startCall(advisor, row.kiosk_id, {
        appointmentId: row.id,
        serviceId: row.service_id,
      });
    } catch (error) {
      await this.links.waitingRoom.release(row.id);
      throw error;
    }
  }

  /**
   * As `admit`, on the node chosen for the call when nodes share the work: the least-loaded live
   * node that admits a call (this one unless another is clearly less loaded). The claim is made
   * here; the call starts there, and its parties, wherever connected, hear `call:started` through
   * the rooms the nodes share. Answers the call's id.
   */
  async admitPlaced(advisor: StaffPrincipal, appointmentId: string): Promise<PlacedCall> {
    const node = await this.placeNewCall();
    if (!node) return this.admit(advisor, appointmentId);
    if (!this.links) throw new AppError('UNAVAILABLE', 'Appointments are not enabled');
    const row = await this.links.waitingRoom.claim(advisor.staffId, appointmentId);
    const start: RemoteStart = {
      advisor,
      kioskId: row.kiosk_id,
      appointmentId: row.id,
      serviceId: row.service_id,
    };
    const ack = await this.options.cluster!.request(node, 'call.start', start);
    if (ack.ok) return ack.data as PlacedCall;
    await this.links.waitingRoom.release(row.id);
    throw appErrorFromBody(ack.error);
  }

  /** Serves another node's `call.start`: a call placed on this node. */
  async startPlaced(start: RemoteStart): Promise<PlacedCall> {
    const { advisor, kioskId, appointmentId, serviceId } = start;
    const call = await this.startCall(advisor, kioskId, { appointmentId, serviceId });
    return { id: call.id };
  }

  /**
   * The node to start a new call on, or undefined for this one: without a cluster, or when this
   * node is within PLACE_HERE_MARGIN of the least-loaded one (no relay for its own parties).
   */
  private async placeNewCall(): Promise<string | undefined> {
    const cluster = this.options.cluster;
    if (!cluster) return undefined;
    const nodes = await cluster.nodes();
    const score = (cpu: number | null, calls: number) => (cpu ?? 0) + calls * 1e-4;
    const here = nodes.find((n) => n.nodeId === cluster.nodeId);
    const best = nodes
      .filter((n) => n.admitting && n.nodeId !== cluster.nodeId)
      .sort((a, b) => score(a.cpu, a.calls) - score(b.cpu, b.calls))[0];
    if (!best) return undefined;
    if (
      here?.admitting &&
      score(here.cpu, here.calls) <= score(best.cpu, best.calls) + PLACE_HERE_MARGIN
    )
      return undefined;
    return best.nodeId;
  }

  /**
   * The node carrying `callId` when it is another one (its parties' requests are relayed there);
   * undefined when the call is this node's, or unknown (then it is NOT_FOUND here).
   */
  async remoteNodeOf(callId: string): Promise<string | undefined> {
    const cluster = this.options.cluster;
    if (!cluster || this.calls.has(callId)) return undefined;
    const node = await cluster.nodeOf(callId);
    return node === cluster.nodeId ? undefined : node;
  }

  /** The node carrying the call `partyId` is in, when another one does. */
  async remoteNodeOfParty(partyId: string): Promise<string | undefined> {
    const cluster = this.options.cluster;
    if (!cluster || this.callOfParty.has(partyId)) return undefined;
    const callId = await cluster.callOf(partyId);
    return callId ? this.remoteNodeOf(callId) : undefined;
  }

  /** The nodes this one shares calls with, if any. */
  get cluster(): CallCluster | undefined {
    return this.options.cluster;
  }

  get activeCalls(): readonly Call[] {
    return [...this.calls.values()];
  }

  activeCallOf(principalIdValue: string): Call | undefined {
    return this.callOfParty.get(principalIdValue);
  }

  async startCall(
    advisor: StaffPrincipal,
    kioskId: string,
    context: { appointmentId?: string; serviceId?: string } = {},
  ): Promise<Call> {
    this.assertAdmitting();
    const kiosk = await this.directory.getKiosk(kioskId);
    if (!kiosk) throw new AppError('NOT_FOUND', 'No such kiosk');
    for (const party of [kioskId, advisor.staffId]) {
      if (this.callOfParty.has(party) || this.starting.has(party)) throw inCall(party === kioskId);
    }
    this.starting.add(kioskId).add(advisor.staffId);
    const callId = randomUUID();
    const parties = [kioskId, advisor.staffId];
    const cluster = this.options.cluster;
    let reserved = false;
    try {
      if (!(await this.options.isKioskOnline(kioskId)))
        throw AppError.withReason('BAD_STATE', 'kiosk_offline', 'The kiosk is offline');
      if (cluster) {
        // A party in a call on another node is busy too: both are taken at once, or neither.
        const taken = await cluster.reserve(callId, kioskId, advisor.staffId);
        if (taken) throw inCall(taken === 'kiosk');
        reserved = true;
      }
      const room = await this.rooms.open(callId, parties);
      // Each party's transports made now, handed with call:started: a round trip less for both.
      const prepared = await Promise.all(parties.map((id) => room.prepare(id))).catch(
        (err: unknown) => {
          room.close();
          throw err;
        },
      );
      const call = new Call(
        {
          id: callId,
          kioskId,
          advisorId: advisor.staffId,
          names: { kiosk: kiosk.name, advisor: advisor.name },
          appointmentId: context.appointmentId,
          serviceId: context.serviceId,
        },
        room,
      );
      parties.forEach((id, i) => call.prepare(id, prepared[i]!));
      this.register(call);
      this.logger.info(
        { callId, kioskId, advisorId: advisor.staffId, workerPid: room.workerPid },
        'call started',
      );
      const { records, live } = this.links ?? {};
      if (records)
        void this.persist(callId, 'call record', async () => {
          await records.started(call);
          await live?.started(call, cluster?.nodeId);
        });
      // Where the call runs is known before its parties hear of it (their requests find it).
      await cluster?.carry(callId, parties);
      this.emit('callStarted', { call });
      return call;
    } catch (error) {
      if (reserved && !this.calls.has(callId)) void this.releaseParties(callId, parties);
      throw error;
    } finally {
      this.starting.delete(kioskId);
      this.starting.delete(advisor.staffId);
    }
  }

  /**
   * After a restart: the calls the store held as running go on, each in a new room (its epoch + 1;
   * a `server_restart` incident until both parties have joined it). Both parties are away until
   * they reconnect, with the usual grace. A call that finds no media worker in time is not
   * restored (the caller closes it as dangling). Answers the calls restored.
   */
  async restore(states: readonly LiveCallState[]): Promise<Call[]> {
    const restored = await Promise.all(
      states.map(async (state) => {
        const { parties, interpreter } = state;
        const peers = [
          parties.kioskId,
          parties.advisorId,
          ...(interpreter ? [interpreter.id] : []),
        ];
        let room: MediaRoom;
        try {
          room = await this.rooms.reopen(parties.id, peers, this.options.rehomeWithinMs);
        } catch (err) {
          this.logger.error({ err, callId: parties.id }, 'running call not restored');
          return undefined;
        }
        const call = new Call(parties, room, state.mediaEpoch + 1);
        if (interpreter) {
          const { id: _id, ...interpretation } = interpreter;
          call.interpreter = interpreter;
          call.interpreted = interpretation;
        }
        this.register(call);
        const incident = this.openIncident(call, 'server_restart');
        void this.rooms.allJoined(room, peers).then((joined) => {
          if (joined && !call.ended) this.closeIncident(call, incident);
        });
        for (const id of peers) this.startAbsence(call, id, false);
        const live = this.links?.live;
        if (live) this.saveEpoch(call, live);
        await this.options.cluster?.carry(call.id, peers).catch((err: unknown) => {
          this.logger.warn({ err, callId: call.id }, 'restored call not announced to the nodes');
        });
        this.logger.info(
          { callId: call.id, mediaEpoch: call.mediaEpoch, workerPid: room.workerPid },
          'running call restored',
        );
        return call;
      }),
    );
    return restored.filter((call) => call !== undefined);
  }

  /** The RTP capabilities of every call's router, for a page to load its Device before a call. */
  routerRtpCapabilities() {
    return this.rooms.routerRtpCapabilities();
  }

  /**
   * The call `callId` as seen by `principal`. A call the principal is not part of is reported as
   * NOT_FOUND, so that its existence does not leak.
   */
  callFor(principal: Principal, callId: string): Call {
    const call = this.calls.get(callId);
    if (!call || !call.roleOf(principalId(principal)))
      throw new AppError('NOT_FOUND', 'No such call');
    return call;
  }

  /** A party ends the call; the interpreter's hang-up is their leaving it (the call goes on). */
  hangup(principal: Principal, callId: string): void {
    const call = this.callFor(principal, callId);
    const party = call.partyOf(principalId(principal));
    if (party) this.end(call, 'hangup', party);
    else this.removeInterpreter(call, 'left');
  }

  /**
   * The call's advisor invites an interpreter: a one-time code for this call (replacing its unused
   * one), which expires when the call ends. CONFLICT while an interpreter takes part.
   */
  inviteInterpreter(principal: Principal, callId: string, interpretation: Interpretation): string {
    const call = this.callFor(principal, callId);
    if (call.partyOf(principalId(principal)) !== 'advisor')
      throw new AppError('FORBIDDEN', 'Only the advisor of the call invites an interpreter');
    if (call.interpreter) throw interpreterPresent();
    const code = this.invitations.issue(call.id, interpretation);
    this.logger.info(
      { callId: call.id, interpretation: interpretationLabel(interpretation) },
      'interpreter invited',
    );
    return code;
  }

  /**
   * An interpreter joins the call a code was made for, as a third party on its router: spends the
   * code, and the others hear of it (`interpreterJoined`). The code's errors: see
   * InterpreterInvitations.peek; CONFLICT (`interpreter_in_call`) for someone in a call already.
   */
  joinAsInterpreter(interpreterId: string, code: string): Call {
    const invitation = this.invitations.peek(code);
    const call = this.calls.get(invitation.callId);
    if (!call || call.ended) {
      this.invitations.callEnded(invitation.callId);
      throw codeExpired();
    }
    // A guest's pass is for the call of the code it came from, no other.
    const guestOf = this.invitations.guestCall(interpreterId);
    if (guestOf !== undefined && guestOf !== call.id) throw codeUnknown();
    if (this.callOfParty.has(interpreterId) || this.starting.has(interpreterId))
      throw AppError.withReason('CONFLICT', 'interpreter_in_call', 'You are in a call already');
    if (call.interpreter) throw interpreterPresent();
    call.room.addPeer(interpreterId);
    this.invitations.use(code);
    const { interpretation } = invitation;
    call.interpreter = { id: interpreterId, ...interpretation };
    call.interpreted = interpretation;
    this.callOfParty.set(interpreterId, call);
    this.logger.info(
      { callId: call.id, interpretation: interpretationLabel(interpretation) },
      'interpreter joined the call',
    );
    const { records, live } = this.links ?? {};
    if (records)
      void this.persist(call.id, 'call interpreter', async () => {
        await records.interpreted(call.id, interpretationLabel(interpretation));
        await live?.interpreterChanged(call);
      });
    this.carryParties(call);
    this.emit('interpreterJoined', { call });
    return call;
  }

  /**
   * An invitation link opened by an interpreter without an account: a bearer token for a guest
   * principal (role interpreter, no account, no agenda) that may join this code's call only, and
   * dies with it. The code is not spent (the join spends it); its errors are the join's.
   */
  interpreterGuestPass(code: string): string {
    const { callId } = this.invitations.peek(code);
    const call = this.calls.get(callId);
    if (!call || call.ended) {
      this.invitations.callEnded(callId);
      throw codeExpired();
    }
    const { token } = this.invitations.guestPass(code);
    this.logger.info({ callId }, 'interpreter guest pass issued');
    return token;
  }

  /** The guest interpreter a pass stands for, while its call goes on (a role, never a name). */
  interpreterGuest(token: string): StaffPrincipal | undefined {
    const guest = this.invitations.guest(token);
    if (!guest) return undefined;
    return {
      kind: 'staff',
      staffId: guest.interpreterId,
      name: 'Interpreter',
      roles: ['interpreter'],
    };
  }

  /** The interpreter leaves the call (theirs only: FORBIDDEN to its other parties). */
  leaveAsInterpreter(principal: Principal, callId: string): void {
    const call = this.callFor(principal, callId);
    if (call.roleOf(principalId(principal)) !== 'interpreter')
      throw new AppError('FORBIDDEN', 'Only the interpreter leaves a call; the parties hang up');
    this.removeInterpreter(call, 'left');
  }

  /** The interpreter's media closes and the others hear of it; the call goes on. */
  private removeInterpreter(call: Call, reason: 'left' | 'disconnected'): void {
    const interpreter = call.interpreter;
    if (!interpreter || call.ended) return;
    call.interpreter = undefined;
    if (this.callOfParty.get(interpreter.id) === call) this.callOfParty.delete(interpreter.id);
    clearTimeout(this.absences.get(interpreter.id)?.timer);
    this.absences.delete(interpreter.id);
    call.room.removePeer(interpreter.id);
    this.carryParties(call);
    this.logger.info({ callId: call.id, reason }, 'interpreter left the call');
    const live = this.links?.live;
    if (live) void this.persist(call.id, 'call interpreter', () => live.interpreterChanged(call));
    this.emit('interpreterLeft', { call, interpreterId: interpreter.id, reason });
  }

  /**
   * A participant (re)joins the call's media (media:join) with the room's epoch: a media session of
   * its own starts, and a party's line starts on video with it (its policy finds the line again).
   * A line that was in audio + text switches back (as by `setMediaMode`): a reloaded page knows
   * nothing of what its previous one said, and its pictures would otherwise stay held. Answers the
   * other participants' live producers. CONFLICT (stale_media_epoch) for a room replaced meanwhile.
   */
  joinMedia(
    principal: Principal,
    callId: string,
    { mediaEpoch, rtpCapabilities, keep }: MediaJoin,
  ): ProducerInfo[] {
    const call = this.callFor(principal, callId);
    if (mediaEpoch !== call.mediaEpoch)
      throw AppError.withReason(
        'CONFLICT',
        'stale_media_epoch',
        'This media room was replaced; join the one announced last',
      );
    const id = principalId(principal);
    const producers = call.room.join(id, rtpCapabilities, keep);
    const party = call.partyOf(id);
    if (party) this.changeMediaMode(call, party, 'video');
    return producers;
  }

  /**
   * A party's degradation policy switched its line to audio + real-time text, or back to video: the
   * other party is told (it pauses its own camera too) and the console sees it. A repeat is a no-op.
   */
  setMediaMode(principal: Principal, callId: string, mode: MediaMode): void {
    const call = this.callFor(principal, callId);
    const party = call.partyOf(principalId(principal));
    // The interpreter's line is theirs alone: the parties' policies go on as between two.
    if (party) this.changeMediaMode(call, party, mode);
  }

  private changeMediaMode(call: Call, party: CallParty, mode: MediaMode): void {
    if (call.mediaModes[party] === mode) return;
    call.mediaModes[party] = mode;
    this.logger.info({ callId: call.id, party, mode }, 'call media mode changed');
    this.holdCameras(call);
    this.emit('mediaModeChanged', { call, party, mode });
  }

  /**
   * While either line is in audio + text the server holds the camera pictures between the parties
   * of the moment itself (see MediaRoom.holdCameras), whatever their browsers believe.
   */
  private holdCameras(call: Call): void {
    const held = Object.values(call.mediaModes).includes('audio_text');
    call.room.holdCameras(held, [call.kioskId, call.advisorId]).catch((error: unknown) => {
      this.logger.warn({ callId: call.id, err: error }, 'camera hold not applied');
    });
  }

  /**
   * Warm transfer: the advisor's seat of a running call goes to a colleague who is in no call.
   * The kiosk keeps its transports and gets the colleague's media; the first advisor's transports
   * close (the kiosk's consumers of them close) and their requests about the call are refused
   * from now on. The call keeps its id, room, chat and documents. CONFLICT (advisor_in_call) when
   * the colleague is in a call; NOT_FOUND when the call is over.
   */
  async handOver(callId: string, to: AdvisorSeat): Promise<Call> {
    const call = this.calls.get(callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call');
    const fromAdvisorId = call.advisorId;
    if (this.callOfParty.has(to.advisorId) || this.starting.has(to.advisorId)) throw inCall(false);
    const cluster = this.options.cluster;
    this.starting.add(to.advisorId);
    try {
      if (await cluster?.callOf(to.advisorId)) throw inCall(false);
    } finally {
      this.starting.delete(to.advisorId);
    }
    if (call.ended) throw new AppError('NOT_FOUND', 'No such call');
    call.room.addPeer(to.advisorId);
    clearTimeout(this.absences.get(fromAdvisorId)?.timer);
    this.absences.delete(fromAdvisorId);
    call.handOver(to);
    this.callOfParty.delete(fromAdvisorId);
    this.callOfParty.set(to.advisorId, call);
    call.room.removePeer(fromAdvisorId);
    this.logger.info({ callId, fromAdvisorId, toAdvisorId: to.advisorId }, 'call handed over');
    // The advisor's line is the colleague's from now on: it starts on video (the kiosk hears it if
    // the first advisor's was in audio + text), and a hold the kiosk's line asks for holds the
    // pictures between the kiosk and the colleague.
    this.changeMediaMode(call, 'advisor', 'video');
    this.holdCameras(call);
    const live = this.links?.live;
    if (live) void this.persist(callId, 'call handover', () => live.handedOver(call));
    if (cluster)
      void (async () => {
        await cluster.release(callId, [fromAdvisorId]);
        await cluster.carry(callId, [call.kioskId, call.advisorId]);
      })().catch((err: unknown) =>
        this.logger.warn({ err, callId }, 'call handover not announced to the nodes'),
      );
    this.emit('handedOver', { call, fromAdvisorId });
    return call;
  }

  /** Ends a call on behalf of staff with authority over it (technician, admin). */
  endByStaff(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call');
    this.end(call, 'ended_by_staff', 'system');
  }

  /**
   * A party lost its last connection: the other party is told (with the end of the grace), and
   * the call ends unless it is back in time. A kiosk that stays away ends the call; an advisor who
   * stays away hands the citizen back to the head of the service's queue (advisor_disconnected).
   */
  partyDisconnected(principalIdValue: string): void {
    const call = this.callOfParty.get(principalIdValue);
    if (call) this.startAbsence(call, principalIdValue, true);
  }

  /** A party of a running call has a connection again (its absence, if any, is over). */
  partyReconnected(principalIdValue: string): void {
    const absence = this.absences.get(principalIdValue);
    if (!absence) return;
    clearTimeout(absence.timer);
    this.absences.delete(principalIdValue);
    const call = this.callOfParty.get(principalIdValue);
    const party = call?.partyOf(principalIdValue);
    if (!call || !party) return;
    if (absence.incident) this.closeIncident(call, absence.incident);
    this.logger.info({ callId: call.id, party }, 'call party back');
    this.emit('partyBack', { call, party });
  }

  /**
   * The call's media did not flow both ways within the time allowed (MediaStartWatch): a failed
   * call, not a completed one. Both parties are told which side's network failed; the citizen
   * goes back to the head of their service's queue (as when an advisor vanishes).
   */
  failMediaStart(callId: string, failure: MediaStartFailure): void {
    const call = this.calls.get(callId);
    if (!call || call.ended) return;
    call.mediaFailure = failure;
    this.logger.warn({ callId, failure }, 'call media never started');
    this.end(call, 'media_unreachable', 'system');
  }

  /** Whether a party of a running call has lost its connection (within its grace). */
  isAway(principalIdValue: string): boolean {
    return this.absences.has(principalIdValue);
  }

  /**
   * Deploy: calls in progress go on, no new call starts (UNAVAILABLE, reason `draining`);
   * waiting citizens keep waiting. `idle()` tells when the last call has ended.
   */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Resolves once no call is in progress (at once if none is). */
  idle(): Promise<void> {
    if (this.calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const onEnded = () => {
        if (this.calls.size > 0) return;
        this.off('callEnded', onEnded);
        resolve();
      };
      this.on('callEnded', onEnded);
    });
  }

  endAll(reason: CallEndReason): void {
    for (const call of [...this.calls.values()]) this.end(call, reason, 'system');
  }

  /**
   * Shutdown: ends every call (both sides are told, `server_shutdown`), then waits until their
   * records and the waiting room's bookkeeping have reached the store.
   */
  async stop(): Promise<void> {
    this.endAll('server_shutdown');
    await this.writes.settled();
  }

  /**
   * Stops without ending the calls (a drain that ran out of time): their media closes with this
   * process, but the store keeps them running so that the next start restores them, as after a
   * crash. Nobody is told: to the parties this is a restart.
   */
  async leaveRunning(): Promise<void> {
    this.draining = true;
    this.leftRunning = true;
    for (const call of this.calls.values()) {
      this.forgetAbsences(call);
      call.room.removeAllListeners('closed');
      call.room.close();
    }
    this.calls.clear();
    this.callOfParty.clear();
    await this.writes.settled();
  }

  /**
   * Another node adopted this call (this one was taken for dead: its heartbeat lapsed, a network
   * partition): it is dropped here without ending it, its media closed, nothing written, so that
   * one node only carries it. Its parties hear of it from the adopter.
   */
  relinquish(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.logger.warn({ callId }, 'call carried by another node now: dropped here');
    this.forgetAbsences(call);
    this.calls.delete(callId);
    this.invitations.callEnded(callId);
    for (const party of call.partyIds)
      if (this.callOfParty.get(party) === call) this.callOfParty.delete(party);
    call.room.removeAllListeners('closed');
    call.room.close();
  }

  /** No new call while draining, nor while every media worker is at capacity (`server_busy`). */
  private assertAdmitting(): void {
    if (this.draining)
      throw AppError.withReason(
        'UNAVAILABLE',
        'draining',
        'The server is restarting: no new call can start on it now',
      );
    this.rooms.assertRoomForNewCall();
  }

  private register(call: Call): void {
    this.calls.set(call.id, call);
    for (const id of call.partyIds) this.callOfParty.set(id, call);
    this.wireRoom(call);
  }

  /** `tell`: whether the other party hears of it and an incident is opened (not on a restore). */
  private startAbsence(call: Call, id: string, tell: boolean): void {
    if (call.roleOf(id) === 'interpreter' && !this.absences.has(id)) {
      // An interpreter who stays away leaves the call; the call goes on without them.
      const timer = setTimeout(() => {
        this.absences.delete(id);
        if (call.interpreter?.id === id) this.removeInterpreter(call, 'disconnected');
      }, this.options.reconnectGraceMs);
      timer.unref();
      this.absences.set(id, { timer, incident: undefined });
      return;
    }
    const party = call.partyOf(id);
    if (!party || this.absences.has(id)) return;
    const awaySince = new Date();
    const graceEndsAt = new Date(awaySince.getTime() + this.options.reconnectGraceMs);
    const timer = setTimeout(() => {
      this.absences.delete(id);
      if (call.ended) return;
      this.end(call, party === 'advisor' ? 'advisor_disconnected' : 'peer_disconnected', party);
    }, this.options.reconnectGraceMs);
    timer.unref();
    const incident = tell ? this.openIncident(call, `${party}_away`, awaySince) : undefined;
    this.absences.set(id, { timer, incident });
    if (!tell) return;
    this.logger.info({ callId: call.id, party }, 'call party away');
    this.emit('partyAway', { call, party, awaySince, graceEndsAt });
  }

  private end(call: Call, reason: CallEndReason, endedBy: CallParty | 'system'): void {
    if (call.ended) return;
    call.endedAt = new Date();
    call.endReason = reason;
    call.endedBy = endedBy;
    this.calls.delete(call.id);
    this.invitations.callEnded(call.id);
    for (const party of call.partyIds) {
      if (this.callOfParty.get(party) === call) this.callOfParty.delete(party);
    }
    this.forgetAbsences(call);
    for (const incident of call.incidents) this.closeIncident(call, incident);
    call.room.close();
    void this.releaseParties(call.id, call.partyIds);
    const durationMs = call.endedAt.getTime() - call.startedAt.getTime();
    this.logger.info({ callId: call.id, reason, endedBy, durationMs }, 'call ended');
    this.emit('callEnded', { call, reason, endedBy });
    if (this.links) {
      const { records, waitingRoom, live } = this.links;
      const write = async () => {
        await records.ended(call);
        await live?.ended(call.id);
        if (call.appointmentId) await waitingRoom.callEnded(call.appointmentId, reason);
      };
      void this.persist(call.id, 'call end', write);
    }
  }

  /**
   * Queues a store write of `callId`'s after its earlier ones (its record and live row first);
   * settles once it is written, or failed and logged as `what` not saved. Never rejects.
   */
  persist(callId: string, what: string, write: () => Promise<unknown>): Promise<void> {
    return this.writes.run(callId, write, (err) =>
      this.logger.error({ err, callId }, `${what} not saved`),
    );
  }

  /** The other nodes hear who is in the call now (an interpreter joined or left). */
  private carryParties(call: Call): void {
    void this.options.cluster?.carry(call.id, call.partyIds).catch((err: unknown) => {
      this.logger.warn({ err, callId: call.id }, 'call parties not announced to the nodes');
    });
  }

  /** The other nodes hear that the parties are free (a failure is logged: the keys lapse). */
  private async releaseParties(callId: string, parties: readonly string[]): Promise<void> {
    await this.options.cluster?.release(callId, parties).catch((err: unknown) => {
      this.logger.warn({ err, callId }, 'call parties not released in the cluster');
    });
  }

  private saveEpoch(call: Call, live: LiveCallRepository): void {
    void this.persist(call.id, 'call epoch', () => live.mediaMoved(call));
  }

  private forgetAbsences(call: Call): void {
    for (const party of call.partyIds) {
      clearTimeout(this.absences.get(party)?.timer);
      this.absences.delete(party);
    }
  }

  private openIncident(call: Call, cause: CallIncidentCause, startedAt = new Date()): CallIncident {
    const incident: CallIncident = { cause, startedAt, durationMs: undefined };
    call.incidents.push(incident);
    return incident;
  }

  private closeIncident(call: Call, incident: CallIncident): void {
    if (incident.durationMs !== undefined) return;
    incident.durationMs = Date.now() - incident.startedAt.getTime();
    this.logger.info(
      { callId: call.id, cause: incident.cause, durationMs: incident.durationMs },
      'call incident over',
    );
    this.emit('incidentClosed', { call, incident });
    const records = this.links?.records;
    if (records)
      void this.persist(call.id, 'call incident', () => records.incident(call.id, incident));
  }

  private wireRoom(call: Call): void {
    const room = call.room;
    room.on('newProducer', ({ to, producer, consumer }) =>
      this.emit('newProducer', { call, to, producer, consumer }),
    );
    // producerPaused is raised on the consumer side: `peerId` is the one to tell.
    room.on('producerPaused', ({ peerId, producerId, paused, reason }) =>
      this.emit('producerPaused', { call, to: peerId, producerId, paused, reason }),
    );
    room.on('sourcePaused', ({ peerId, source, reason }) => {
      const party = call.partyOf(peerId);
      if (party) this.emit('sourcePaused', { call, party, source, reason });
    });
    room.on('consumerClosed', ({ peerId, consumerId, producerId }) =>
      this.emit('consumerClosed', { call, to: peerId, consumerId, producerId }),
    );
    // Between the kiosk and the advisor only: an interpreter's line does not set their video.
    room.on('downlinkEstimate', ({ peerId, kbps }) => {
      if (call.partyOf(peerId))
        this.emit('peerDownlink', { call, to: call.otherPeer(peerId), kbps });
    });
    room.on('closed', ({ reason }) => {
      // Closed on purpose (the call ended, or moved on already): nothing to do.
      if (reason !== 'closed' && !call.ended && call.room === room) void this.rehome(call, reason);
    });
  }

  /**
   * The call's room was lost under it: a new room on a live worker (waiting a bounded time for
   * one), a new epoch, both parties told to rebuild their media. The incident lasts until both
   * have joined the new room. Only when no worker comes back in time does the call end.
   */
  private async rehome(call: Call, reason: MediaRestartReason): Promise<void> {
    const incident = this.openIncident(call, reason);
    this.logger.warn({ callId: call.id, reason, mediaEpoch: call.mediaEpoch }, 'call media lost');
    this.emit('mediaLost', { call, reason });
    const peers = call.partyIds;
    let room: MediaRoom;
    try {
      room = await this.rooms.reopen(call.id, peers, this.options.rehomeWithinMs);
    } catch (err) {
      // Stopping meanwhile with the calls left running: the next process brings it back.
      if (this.leftRunning) return;
      this.logger.error({ err, callId: call.id, reason }, 'call media not re-homed');
      this.end(call, 'media_failed', 'system');
      return;
    }
    if (call.ended || this.leftRunning) {
      room.close();
      return;
    }
    call.moveTo(room);
    this.wireRoom(call);
    this.logger.info(
      { callId: call.id, reason, mediaEpoch: call.mediaEpoch, workerPid: room.workerPid },
      'call media re-homed',
    );
    void this.rooms.allJoined(room, peers).then((joined) => {
      if (joined && !call.ended) this.closeIncident(call, incident);
    });
    const live = this.links?.live;
    if (live) this.saveEpoch(call, live);
    this.emit('mediaRestarted', { call, reason });
  }
}

function inCall(kiosk: boolean): AppError {
  return kiosk
    ? AppError.withReason('CONFLICT', 'kiosk_in_call', 'The kiosk is already in a call')
    : AppError.withReason('CONFLICT', 'advisor_in_call', 'You are already in a call');
}
