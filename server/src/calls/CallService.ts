import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, type CallEndReason, type ProducerInfo } from '@visio/shared/protocol';
import type { Directory } from '../auth/Directory';
import type { Principal, StaffPrincipal } from '../auth/Principal';
import { principalId } from '../auth/Principal';
import { MediaRoom, type TransportListenOptions, type WorkerPool } from '../media';
import type { WaitingRoom } from '../scheduling/WaitingRoom';
import { Call, type CallParty } from './Call';
import type { CallRecordRepository } from './CallRecordRepository';

export interface CallServiceEvents {
  callStarted: [{ call: Call }];
  callEnded: [{ call: Call; reason: CallEndReason; endedBy: CallParty | 'system' }];
  /** Media events addressed to one principal (`to`) of a call. */
  newProducer: [{ call: Call; to: string; producer: ProducerInfo }];
  producerPaused: [{ call: Call; to: string; producerId: string; paused: boolean }];
  consumerClosed: [{ call: Call; to: string; consumerId: string; producerId: string }];
}

export interface CallServiceOptions {
  reconnectGraceMs: number;
  listen: TransportListenOptions;
  /** Whether a kiosk has a live connection (from monitoring's presence). */
  isKioskOnline: (kioskId: string) => boolean;
}

/** What the call service needs from scheduling and the store (absent in media-only setups). */
export interface CallServiceLinks {
  waitingRoom: WaitingRoom;
  records: CallRecordRepository;
}

/**
 * Owns the calls in progress: starts them (creating their media room), routes each party to its
 * own call only, and ends them on hang-up, disconnection beyond the grace period, worker death or
 * shutdown. Emits domain events; the signalling layer turns them into socket messages.
 */
export class CallService extends EventEmitter<CallServiceEvents> {
  private readonly calls = new Map<string, Call>();
  /** principal id → the call it is in (a kiosk or an advisor is in one call at most). */
  private readonly callOfParty = new Map<string, Call>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  /** Parties whose call is being set up, so two concurrent starts cannot both pass the checks. */
  private readonly starting = new Set<string>();
  /** Call records and waiting-room bookkeeping on their way to the store; `stop()` awaits them. */
  private readonly pendingWrites = new Set<Promise<void>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly directory: Directory,
    private readonly options: CallServiceOptions,
    private readonly logger: Logger,
    private links?: CallServiceLinks,
  ) {
    super();
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
    const kiosk = await this.directory.getKiosk(kioskId);
    if (!kiosk) throw new AppError('NOT_FOUND', 'No such kiosk');
    if (!this.options.isKioskOnline(kioskId))
      throw AppError.withReason('BAD_STATE', 'kiosk_offline', 'The kiosk is offline');
    for (const party of [kioskId, advisor.staffId]) {
      if (this.callOfParty.has(party) || this.starting.has(party)) {
        throw party === kioskId
          ? AppError.withReason('CONFLICT', 'kiosk_in_call', 'The kiosk is already in a call')
          : AppError.withReason('CONFLICT', 'advisor_in_call', 'You are already in a call');
      }
    }
    this.starting.add(kioskId).add(advisor.staffId);
    try {
      const callId = randomUUID();
      const room = await MediaRoom.create(
        callId,
        [kioskId, advisor.staffId],
        this.pool,
        this.options.listen,
        this.logger,
      );
      const call = new Call(
        callId,
        kioskId,
        advisor.staffId,
        { kiosk: kiosk.name, advisor: advisor.name },
        room,
        context.appointmentId,
        context.serviceId,
      );
      this.calls.set(callId, call);
      this.callOfParty.set(kioskId, call);
      this.callOfParty.set(advisor.staffId, call);
      this.wireRoom(call);
      this.logger.info(
        { callId, kioskId, advisorId: advisor.staffId, workerPid: room.workerPid },
        'call started',
      );
      const records = this.links?.records;
      if (records)
        this.track(records.started(call), (err) =>
          this.logger.error({ err, callId }, 'call record not saved'),
        );
      this.emit('callStarted', { call });
      return call;
    } finally {
      this.starting.delete(kioskId);
      this.starting.delete(advisor.staffId);
    }
  }

  /**
   * The call `callId` as seen by `principal`. A call the principal is not part of is reported as
   * NOT_FOUND, so that its existence does not leak.
   */
  callFor(principal: Principal, callId: string): Call {
    const call = this.calls.get(callId);
    if (!call || !call.partyOf(principalId(principal)))
      throw new AppError('NOT_FOUND', 'No such call');
    return call;
  }

  hangup(principal: Principal, callId: string): void {
    const call = this.callFor(principal, callId);
    this.end(call, 'hangup', call.partyOf(principalId(principal)) ?? 'system');
  }

  /** Ends a call on behalf of staff with authority over it (technician, admin). */
  endByStaff(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) throw new AppError('NOT_FOUND', 'No such call');
    this.end(call, 'ended_by_staff', 'system');
  }

  /** A party lost its last connection: its call ends unless it is back within the grace period. */
  partyDisconnected(principalIdValue: string): void {
    const call = this.callOfParty.get(principalIdValue);
    if (!call || this.graceTimers.has(principalIdValue)) return;
    const timer = setTimeout(() => {
      this.graceTimers.delete(principalIdValue);
      if (!call.ended)
        this.end(call, 'peer_disconnected', call.partyOf(principalIdValue) ?? 'system');
    }, this.options.reconnectGraceMs);
    timer.unref();
    this.graceTimers.set(principalIdValue, timer);
  }

  partyReconnected(principalIdValue: string): void {
    clearTimeout(this.graceTimers.get(principalIdValue));
    this.graceTimers.delete(principalIdValue);
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
    await Promise.all([...this.pendingWrites]);
  }

  private end(call: Call, reason: CallEndReason, endedBy: CallParty | 'system'): void {
    if (call.ended) return;
    call.endedAt = new Date();
    call.endReason = reason;
    call.endedBy = endedBy;
    this.calls.delete(call.id);
    for (const party of [call.kioskId, call.advisorId]) {
      if (this.callOfParty.get(party) === call) this.callOfParty.delete(party);
      clearTimeout(this.graceTimers.get(party));
      this.graceTimers.delete(party);
    }
    call.room.close();
    const durationMs = call.endedAt.getTime() - call.startedAt.getTime();
    this.logger.info({ callId: call.id, reason, endedBy, durationMs }, 'call ended');
    this.emit('callEnded', { call, reason, endedBy });
    if (this.links) {
      const { records, waitingRoom } = this.links;
      const write = async () => {
        await records.ended(call);
        if (call.appointmentId) await waitingRoom.callEnded(call.appointmentId, reason);
      };
      this.track(write(), (err) =>
        this.logger.error({ err, callId: call.id }, 'call end not recorded'),
      );
    }
  }

  /** Keeps a write until it settles; its failure is logged, never thrown at anyone. */
  private track(write: Promise<unknown>, onError: (err: unknown) => void): void {
    const tracked = write.then(() => undefined, onError);
    this.pendingWrites.add(tracked);
    void tracked.finally(() => this.pendingWrites.delete(tracked));
  }

  private wireRoom(call: Call): void {
    const room = call.room;
    room.on('newProducer', ({ peerId, producer }) =>
      this.emit('newProducer', { call, to: call.otherPeer(peerId), producer }),
    );
    // producerPaused is raised on the consumer side: `peerId` is the one to tell.
    room.on('producerPaused', ({ peerId, producerId, paused }) =>
      this.emit('producerPaused', { call, to: peerId, producerId, paused }),
    );
    room.on('consumerClosed', ({ peerId, consumerId, producerId }) =>
      this.emit('consumerClosed', { call, to: peerId, consumerId, producerId }),
    );
    room.on('closed', ({ reason }) => {
      if (reason === 'worker_died') this.end(call, 'media_failed', 'system');
    });
  }
}
