import type { Logger } from 'pino';
import {
  AppError,
  type AdvisorStatus,
  type AppointmentView,
  type LinkGrade,
  type CallEndReason,
  type Outcome,
  type WaitingStatus,
} from '@visio/shared/protocol';
import type { AuditLog } from '../store';
import { nextStatus, type LifecycleEvent } from './AppointmentLifecycle';
import {
  toView,
  type AppointmentRepository,
  type AppointmentWithNames,
} from './AppointmentRepository';
import type { Clock } from './BookingService';
import type { ReferenceRepository } from './ReferenceRepository';
import type { SchedulingEvents } from './SchedulingEvents';

export interface WaitingRoomOptions {
  /** After this long waiting, a citizen is open to every advisor of the service. */
  takeoverGraceMs: number;
  /** Minutes after the start until which an appointment may still be checked in (then: no-show). */
  checkInAfterMin: number;
  /** How long a waiting kiosk may be disconnected before its citizen leaves the queue. */
  kioskReconnectGraceMs: number;
  /** How often to look for no-shows. */
  sweepIntervalMs: number;
  /** Whether an advisor is in a call right now (from the calls module). */
  isInCall: (advisorId: string) => boolean;
  /**
   * Runs a periodic task on one node per period when several share the store (the cluster
   * module's Redis lease); absent: on this node, every period.
   */
  oncePerPeriod?: (name: string, periodMs: number, task: () => Promise<void>) => Promise<boolean>;
  /** Advisors connected to other nodes (several nodes only). */
  sharedAdvisors?: SharedAdvisorPresence | undefined;
  /**
   * Whether a kiosk is connected to any node (several nodes only): a kiosk this node takes for
   * gone (it started while the kiosk was on another node) may be there.
   */
  isKioskConnected?: ((kioskId: string) => Promise<boolean>) | undefined;
}

export interface AdvisorPresence {
  sockets: number;
  availability: 'available' | 'away';
}

/**
 * Several nodes: advisors' presence on the other nodes (their sockets there, their availability
 * as last set there), and this node's told to them. Absent on one node.
 */
export interface SharedAdvisorPresence {
  /** This node's view of an advisor changed: its sockets here, its availability. */
  report(advisorId: string, presence: AdvisorPresence): void;
  /** The advisor on the other nodes: sockets summed, the availability last reported; or none. */
  elsewhere(advisorId: string): AdvisorPresence | undefined;
  /** Advisors connected to another node. */
  advisorIds(): Iterable<string>;
}

/**
 * Who may take whom, and when. Holds advisors' presence and availability, computes each waiting
 * citizen's status and queue place, claims a citizen for exactly one advisor (the database decides
 * races), and moves appointments through their lifecycle as calls end, kiosks vanish or windows pass.
 */
export class WaitingRoom {
  private readonly advisors = new Map<string, AdvisorPresence>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Once stopped (server shutdown), no timer may fire into a store that is closing. */
  private stopped = false;

  constructor(
    private readonly appointments: AppointmentRepository,
    private readonly refs: ReferenceRepository,
    private readonly audit: AuditLog,
    private readonly events: SchedulingEvents,
    private readonly clock: Clock,
    private readonly options: WaitingRoomOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Recovers after a restart and starts the no-show sweeper. Appointments in a call that was
   * restored (`inRestoredCalls`) stay in it; those whose call could not be restored wait again,
   * keeping their check-in time.
   */
  async start(inRestoredCalls: readonly string[] = []): Promise<void> {
    for (const row of await this.appointments.withStatus('in_call')) {
      if (inRestoredCalls.includes(row.id)) continue;
      await this.move(
        row,
        'requeue',
        { call_started_at: null },
        { kind: 'system' },
        { reason: 'server_restart' },
      );
    }
    for (const row of await this.appointments.withStatus('checked_in')) {
      this.armTakeover(row);
      // The kiosk has the reconnect grace to come back after the restart.
      this.kioskDisconnected(row.kiosk_id);
    }
    await this.sweepNoShows();
    const period = this.options.sweepIntervalMs;
    // Several nodes: one of them sweeps each period (a sweep is safe twice: its writes are
    // conditional, so a Redis outage, which lets every node sweep, costs only duplicate reads).
    const sweep = () =>
      this.options.oncePerPeriod
        ? this.options.oncePerPeriod('no-show-sweep', period * 0.9, () => this.sweepNoShows())
        : this.sweepNoShows();
    this.sweeper = setInterval(() => {
      sweep().catch((err: unknown) => this.logger.error({ err }, 'no-show sweep failed'));
    }, period);
    this.sweeper.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  // --- advisors ---------------------------------------------------------------------------

  advisorConnected(advisorId: string): void {
    const p = this.advisors.get(advisorId) ?? {
      sockets: 0,
      availability: this.availabilityOf(advisorId),
    };
    p.sockets += 1;
    this.advisors.set(advisorId, p);
    this.options.sharedAdvisors?.report(advisorId, p);
    if (p.sockets === 1) this.tellAdvisorStatus(advisorId);
  }

  advisorDisconnected(advisorId: string): void {
    const p = this.advisors.get(advisorId);
    if (!p) return;
    p.sockets = Math.max(0, p.sockets - 1);
    this.options.sharedAdvisors?.report(advisorId, p);
    if (p.sockets === 0) this.tellAdvisorStatus(advisorId);
  }

  private tellAdvisorStatus(advisorId: string): void {
    if (this.stopped) return;
    this.advisorStatusChanged(advisorId).catch((err: unknown) =>
      this.logger.error({ err, advisorId }, 'advisor status not told'),
    );
  }

  async setAvailability(advisorId: string, availability: 'available' | 'away'): Promise<void> {
    const p = this.advisors.get(advisorId) ?? { sockets: 0, availability };
    p.availability = availability;
    this.advisors.set(advisorId, p);
    this.options.sharedAdvisors?.report(advisorId, p);
    await this.audit.record({
      actor: { kind: 'staff', id: advisorId },
      action: 'advisor.availability',
      details: { availability },
    });
    await this.advisorStatusChanged(advisorId);
  }

  availabilityOf(advisorId: string): 'available' | 'away' {
    const here = this.advisors.get(advisorId);
    const elsewhere = this.options.sharedAdvisors?.elsewhere(advisorId);
    // Connected here, this node's word; else the node they are connected to.
    if (here && (here.sockets > 0 || !elsewhere)) return here.availability;
    return elsewhere?.availability ?? 'available';
  }

  /** Offline unless connected to this node or, with several nodes, to another one. */
  advisorStatus(advisorId: string): AdvisorStatus {
    const here = this.advisors.get(advisorId)?.sockets ?? 0;
    const elsewhere = this.options.sharedAdvisors?.elsewhere(advisorId)?.sockets ?? 0;
    if (here + elsewhere === 0) return 'offline';
    if (this.options.isInCall(advisorId)) return 'in_call';
    return this.availabilityOf(advisorId);
  }

  /** Tells kiosks waiting for this advisor and the advisor's colleagues that something moved. */
  async advisorStatusChanged(advisorId: string): Promise<void> {
    const waiting = (await this.appointments.waiting({ advisorId })).filter(
      (r) => r.advisor_id === advisorId,
    );
    for (const row of waiting) this.emitChanged(row);
    const serviceIds = await this.refs.servicesOf(advisorId);
    if (serviceIds.length > 0) this.events.emit('queuesChanged', { serviceIds });
  }

  // --- who may take whom -----------------------------------------------------------------

  /** Whether colleagues of the scheduled advisor may take this waiting citizen now. */
  openToService(row: AppointmentWithNames): boolean {
    if (row.status !== 'checked_in') return false;
    if (row.kind === 'walk_in' || !row.advisor_id || row.handed_back_at) return true;
    const status = this.advisorStatus(row.advisor_id);
    if (status === 'away' || status === 'offline') return true;
    return (
      this.clock.now().getTime() >=
      new Date(row.checked_in_at!).getTime() + this.options.takeoverGraceMs
    );
  }

  mayTake(advisorId: string, serviceIds: readonly string[], row: AppointmentWithNames): boolean {
    if (row.status !== 'checked_in') return false;
    if (row.kind === 'appointment' && row.advisor_id === advisorId) return true;
    return serviceIds.includes(row.service_id) && this.openToService(row);
  }

  view(row: AppointmentWithNames): AppointmentView {
    return toView(row, this.openToService(row));
  }

  /** Waiting citizens this advisor may take now, oldest first. */
  async queueFor(advisorId: string): Promise<AppointmentView[]> {
    const serviceIds = await this.refs.servicesOf(advisorId);
    return (await this.appointments.waiting({ serviceIds, advisorId }))
      .filter((r) => this.mayTake(advisorId, serviceIds, r))
      .map((r) => this.view(r));
  }

  async waitingStatus(row: AppointmentWithNames): Promise<WaitingStatus> {
    const queue = this.openToService(row) ? await this.openWaiting([row.service_id]) : [];
    return this.statusIn(row, queue);
  }

  /**
   * The waiting status of every queued citizen (open to the service) of these services, from one
   * query: when someone ahead leaves, each of them is told their new place.
   */
  async queueStatuses(
    serviceIds: readonly string[],
  ): Promise<{ kioskId: string; status: WaitingStatus }[]> {
    return (await this.serviceQueues(serviceIds)).statuses;
  }

  /**
   * Each service's queue as all its advisors see it in their own (everyone open to the service,
   * oldest first: an advisor's list adds only their own appointments), and the waiting status of
   * each of those citizens, from one query.
   */
  async serviceQueues(serviceIds: readonly string[]): Promise<{
    queues: Map<string, AppointmentView[]>;
    statuses: { kioskId: string; status: WaitingStatus }[];
  }> {
    const rows = await this.openWaiting(serviceIds);
    const queues = new Map(serviceIds.map((id) => [id, [] as AppointmentView[]]));
    for (const r of rows) queues.get(r.service_id)?.push(toView(r, true));
    const statuses = rows.map((r) => ({ kioskId: r.kiosk_id, status: this.statusIn(r, rows) }));
    return { queues, statuses };
  }

  /**
   * The waiting citizens of these services open to the service, oldest first. This runs on every
   * queue change: SQL leaves out those still reserved for their advisor, who are most of a busy
   * queue and whose rows would only be read to be dropped. `openToService` has the last word.
   */
  private async openWaiting(serviceIds: readonly string[]): Promise<AppointmentWithNames[]> {
    const reservedFor: string[] = [];
    const known = new Set([
      ...this.advisors.keys(),
      ...(this.options.sharedAdvisors?.advisorIds() ?? []),
    ]);
    for (const advisorId of known) {
      const status = this.advisorStatus(advisorId);
      if (status !== 'away' && status !== 'offline') reservedFor.push(advisorId);
    }
    const graceStart = this.clock.now().getTime() - this.options.takeoverGraceMs;
    const rows = await this.appointments.waiting({
      serviceIds,
      openToService: { reservedFor, checkedInAtOrBefore: new Date(graceStart).toISOString() },
    });
    return rows.filter((r) => this.openToService(r));
  }

  /** `queue`: the waiting rows of at least the row's service, oldest first. */
  private statusIn(
    row: AppointmentWithNames,
    queue: readonly AppointmentWithNames[],
  ): WaitingStatus {
    let position: number | null = null;
    if (this.openToService(row)) {
      const ahead = queue.filter((r) => r.service_id === row.service_id && this.openToService(r));
      position = ahead.findIndex((r) => r.id === row.id) + 1 || null;
    }
    const advisor =
      row.advisor_id && row.kind === 'appointment'
        ? {
            name: (row.advisor_name ?? '').split(' ')[0] ?? '',
            status: this.advisorStatus(row.advisor_id),
          }
        : null;
    return {
      appointmentId: row.id,
      kind: row.kind,
      serviceName: row.service_name,
      advisor,
      position,
      checkedInAt: row.checked_in_at ?? this.clock.now().toISOString(),
    };
  }

  /**
   * Claims a waiting citizen for one advisor: checked_in → in_call, as one conditional update.
   * Of two advisors taking the same citizen at once, exactly one wins; the other gets CONFLICT.
   */
  async claim(advisorId: string, appointmentId: string): Promise<AppointmentWithNames> {
    const row = await this.appointments.find(appointmentId);
    if (!row) throw new AppError('NOT_FOUND', 'No such appointment');
    if (row.status === 'in_call')
      throw AppError.withReason('CONFLICT', 'taken', 'Another advisor has taken this citizen');
    if (row.status !== 'checked_in')
      throw AppError.withReason('BAD_STATE', row.status, 'This citizen is not waiting');
    const serviceIds = await this.refs.servicesOf(advisorId);
    if (!this.mayTake(advisorId, serviceIds, row)) {
      throw AppError.withReason(
        'FORBIDDEN',
        'not_yours_yet',
        'This citizen is waiting for another advisor',
      );
    }
    const now = this.clock.now().toISOString();
    const won = await this.appointments.updateIfStatus(appointmentId, 'checked_in', {
      status: nextStatus('checked_in', 'start_call', row.kind),
      advisor_id:
        row.kind === 'walk_in' || row.advisor_id !== advisorId ? advisorId : row.advisor_id,
      call_started_at: now,
    });
    if (!won)
      throw AppError.withReason('CONFLICT', 'taken', 'Another advisor has taken this citizen');
    this.clearTimer(appointmentId);
    await this.audit.record({
      actor: { kind: 'staff', id: advisorId },
      action: 'appointment.admit',
      target: { type: 'appointment', id: appointmentId },
      details: { takenOver: row.kind === 'appointment' && row.advisor_id !== advisorId },
    });
    const claimed = (await this.appointments.find(appointmentId))!;
    this.emitChanged(
      claimed,
      row.advisor_id && row.advisor_id !== advisorId ? { previousAdvisorId: row.advisor_id } : {},
    );
    this.events.emit('queuesChanged', { serviceIds: [row.service_id] });
    return claimed;
  }

  /** The call could not start after all: the citizen waits again, in the same place. */
  async release(appointmentId: string): Promise<void> {
    const row = await this.appointments.find(appointmentId);
    if (row?.status === 'in_call')
      await this.move(row, 'requeue', { call_started_at: null }, { kind: 'system' });
  }

  /**
   * A call of this appointment ended: completed after a real call; back to waiting when the
   * media failed, the server stopped, the advisor vanished or the call's media never started
   * (then at the head of the queue).
   */
  async callEnded(appointmentId: string, reason: CallEndReason): Promise<void> {
    const row = await this.appointments.find(appointmentId);
    if (!row || row.status !== 'in_call') return;
    const handBack = reason === 'advisor_disconnected' || reason === 'media_unreachable';
    const event: LifecycleEvent =
      reason === 'media_failed' || reason === 'server_shutdown' || handBack
        ? 'requeue'
        : reason === 'peer_disconnected'
          ? 'fail'
          : 'complete';
    // The citizen keeps their check-in time (their waiting time goes on); one whose call never
    // happened through no fault of theirs is handed back: head of the queue, open to every
    // colleague at once.
    const changes =
      event !== 'requeue'
        ? { ended_at: this.clock.now().toISOString() }
        : handBack
          ? { call_started_at: null, handed_back_at: this.clock.now().toISOString() }
          : { call_started_at: null };
    await this.move(row, event, changes, { kind: 'system' }, { reason });
  }

  /**
   * Warm transfer of a citizen in a call to a colleague: their appointment completes with the
   * outcome `transferred`, and one of the colleague's begins in the same call (same kiosk, citizen
   * reference, check-in time and options; starting now; the colleague's service), whose outcome
   * the colleague records after the call, with the id `newId` the call knows it by.
   */
  async handOver(
    appointmentId: string,
    by: string,
    to: { advisorId: string; serviceId: string },
    newId: string,
  ): Promise<void> {
    const row = await this.appointments.find(appointmentId);
    if (row?.status !== 'in_call')
      throw AppError.withReason(
        'BAD_STATE',
        row?.status ?? 'gone',
        'This citizen is not in a call',
      );
    const now = this.clock.now().toISOString();
    const id = newId;
    const handed = await this.appointments.handOver(
      row.id,
      {
        status: nextStatus(row.status, 'complete', row.kind),
        ended_at: now,
        outcome: 'transferred',
      },
      {
        id,
        kind: row.kind,
        service_id: to.serviceId,
        advisor_id: to.advisorId,
        kiosk_id: row.kiosk_id,
        starts_at: now,
        duration_min: row.duration_min,
        check_in_code_hash: null,
        citizen_ref: row.citizen_ref,
        sign_or_lip_reading: row.sign_or_lip_reading,
        status: 'in_call',
        checked_in_at: row.checked_in_at,
        call_started_at: now,
        ended_at: null,
        link_grade: row.link_grade,
        transferred_from: row.id,
        outcome: null,
        created_by: by,
        created_at: now,
        updated_at: now,
      },
    );
    if (!handed) throw AppError.withReason('BAD_STATE', 'gone', 'This citizen is not in a call');
    // Ids and codes only: which appointment follows which, for which service; no names.
    await this.audit.record({
      actor: { kind: 'staff', id: by },
      action: 'appointment.transfer',
      target: { type: 'appointment', id: row.id },
      details: { toAppointmentId: id, toServiceId: to.serviceId },
    });
    for (const changed of [row.id, id]) {
      const updated = await this.appointments.find(changed);
      if (updated) this.emitChanged(updated);
    }
    this.events.emit('queuesChanged', { serviceIds: [row.service_id, to.serviceId] });
  }

  /** The advisor who handled an appointment records how it went. */
  async recordOutcome(
    advisorId: string,
    appointmentId: string,
    outcome: Outcome,
  ): Promise<AppointmentView> {
    const row = await this.appointments.find(appointmentId);
    if (!row || row.advisor_id !== advisorId)
      throw new AppError('NOT_FOUND', 'No such appointment of yours');
    if (row.status !== 'completed' && row.status !== 'failed') {
      throw AppError.withReason('BAD_STATE', row.status, 'The outcome is recorded after the call');
    }
    await this.appointments.update(appointmentId, { outcome });
    await this.audit.record({
      actor: { kind: 'staff', id: advisorId },
      action: 'appointment.outcome',
      target: { type: 'appointment', id: appointmentId },
      details: { outcome },
    });
    const updated = (await this.appointments.find(appointmentId))!;
    this.emitChanged(updated);
    return this.view(updated);
  }

  // --- kiosks -----------------------------------------------------------------------------

  /** A checked-in citizen's kiosk went away: their place is kept for the reconnect grace. */
  kioskDisconnected(kioskId: string): void {
    const key = `kiosk:${kioskId}`;
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.expireWaitingAt(kioskId).catch((err: unknown) =>
        this.logger.error({ err, kioskId }, 'waiting citizen not expired'),
      );
    }, this.options.kioskReconnectGraceMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  kioskConnected(kioskId: string): void {
    this.clearTimer(`kiosk:${kioskId}`);
  }

  /**
   * The kiosk graded its link for the citizen waiting there (the device check comes after check-in):
   * the advisor sees it on the arrival. Nobody waiting (the test ran before check-in, or after the
   * call began): nothing to tell.
   */
  async recordLinkGrade(kioskId: string, grade: LinkGrade): Promise<void> {
    const row = await this.appointments.activeAtKiosk(kioskId);
    if (row?.status !== 'checked_in') return;
    await this.appointments.update(row.id, { link_grade: grade });
    this.emitChanged({ ...row, link_grade: grade });
    this.events.emit('queuesChanged', { serviceIds: [row.service_id] });
  }

  /** A citizen just joined a walk-in queue (check-ins announce themselves through `move`). */
  onCheckedIn(row: AppointmentWithNames): void {
    this.armTakeover(row);
    this.emitChanged(row, { arrived: true });
    this.events.emit('queuesChanged', { serviceIds: [row.service_id] });
  }

  emitChanged(
    row: AppointmentWithNames,
    extra: {
      arrived?: boolean;
      waitingEnded?: 'no_show' | 'cancelled' | 'expired';
      previousAdvisorId?: string;
    } = {},
  ): void {
    this.events.emit('changed', {
      appointmentId: row.id,
      kioskId: row.kiosk_id,
      serviceId: row.service_id,
      advisorId: row.advisor_id,
      ...extra,
      row,
    });
  }

  /** Applies a lifecycle event if the appointment is still where we saw it; audits and notifies. */
  async move(
    row: AppointmentWithNames,
    event: LifecycleEvent,
    changes: Record<string, unknown>,
    actor: { kind: 'staff' | 'kiosk' | 'system'; id?: string },
    details: Record<string, unknown> = {},
    waitingEnded?: 'no_show' | 'cancelled' | 'expired',
  ): Promise<AppointmentWithNames | undefined> {
    const to = nextStatus(row.status, event, row.kind);
    if (!(await this.appointments.updateIfStatus(row.id, row.status, { ...changes, status: to })))
      return undefined;
    await this.audit.record({
      actor,
      action: `appointment.${event}`,
      target: { type: 'appointment', id: row.id },
      details: { from: row.status, to, ...details },
    });
    const updated = (await this.appointments.find(row.id))!;
    if (to === 'checked_in') this.armTakeover(updated);
    else this.clearTimer(row.id);
    // A check-in alerts the advisor (sound, notification) in the same notification.
    this.emitChanged(updated, {
      ...(waitingEnded ? { waitingEnded } : {}),
      ...(event === 'check_in' ? { arrived: true } : {}),
    });
    this.events.emit('queuesChanged', { serviceIds: [row.service_id] });
    return updated;
  }

  private async expireWaitingAt(kioskId: string): Promise<void> {
    // Connected to another node all along (or back there): the citizen is still at the kiosk.
    if (await this.options.isKioskConnected?.(kioskId)) return;
    const row = await this.appointments.activeAtKiosk(kioskId);
    if (row?.status !== 'checked_in') return;
    await this.move(
      row,
      'leave',
      { checked_in_at: null },
      { kind: 'system' },
      { reason: 'kiosk_gone' },
      'expired',
    );
  }

  private async sweepNoShows(): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.checkInAfterMin * 60_000);
    for (const row of await this.appointments.scheduledStartingBefore(cutoff)) {
      const full = await this.appointments.find(row.id);
      if (full)
        // Never checked in, so no kiosk is waiting for it: staff are told, no kiosk is.
        await this.move(
          full,
          'no_show',
          { ended_at: this.clock.now().toISOString() },
          { kind: 'system' },
        );
    }
  }

  /** When the takeover grace elapses, colleagues must see the citizen appear in their queue. */
  private armTakeover(row: AppointmentWithNames): void {
    if (this.stopped || row.kind !== 'appointment' || !row.checked_in_at) return;
    this.clearTimer(row.id);
    const due =
      new Date(row.checked_in_at).getTime() +
      this.options.takeoverGraceMs -
      this.clock.now().getTime();
    if (due <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(row.id);
      this.appointments
        .find(row.id)
        .then((fresh) => {
          if (fresh?.status === 'checked_in') {
            this.emitChanged(fresh);
            this.events.emit('queuesChanged', { serviceIds: [fresh.service_id] });
          }
        })
        .catch((err: unknown) =>
          this.logger.error({ err, appointmentId: row.id }, 'takeover not announced'),
        );
    }, due);
    timer.unref();
    this.timers.set(row.id, timer);
  }

  private clearTimer(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }
}
