import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import {
  kioskSchedulingEvents,
  staffSchedulingEvents,
  type AppointmentView,
} from '@visio/shared/protocol';
import type { AppointmentWithNames } from '../scheduling/AppointmentRepository';
import type { AppointmentChange } from '../scheduling/SchedulingEvents';
import { emit } from './emit';
import type { SchedulingModule } from '../scheduling/SchedulingModule';

export const partyRoom = (id: string) => `party:${id}`;
export const serviceRoom = (id: string) => `service:${id}`;

/**
 * Turns scheduling events into socket messages, each to the sockets it concerns only: the kiosk of
 * the appointment, its advisor, and the advisors of its service. Kiosk A never hears of kiosk B.
 */
export class SchedulingNotifier {
  constructor(
    private readonly kiosks: Namespace,
    private readonly staff: Namespace,
    private readonly scheduling: SchedulingModule,
    private readonly log: Logger,
  ) {}

  wire(): void {
    this.scheduling.events.on('changed', (change) => {
      const told = this.onChanged(change).catch((err: unknown) =>
        this.log.error({ err, appointmentId: change.appointmentId }, 'notify failed'),
      );
      this.telling.add(told);
      void told.finally(() => this.telling.delete(told));
    });
    this.scheduling.events.on('queuesChanged', ({ serviceIds }) => {
      for (const id of serviceIds) this.pendingQueues.add(id);
      this.flushSoon();
    });
  }

  /** Changes being told (each reads the store before it emits). */
  private readonly telling = new Set<Promise<void>>();

  /**
   * Resolves once every change heard so far has been told, queue flushes included: a server
   * that stops after its last call waits for this, so that agendas and kiosks hear the call's
   * end before their sockets close.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.telling]);
    if (this.flushTimer) {
      clearImmediate(this.flushTimer);
      this.flushTimer = undefined;
      this.flushing = this.flushing
        .then(() => this.flush())
        .catch((err: unknown) => this.log.error({ err }, 'notify failed'));
    }
    await this.flushing;
  }

  private readonly pendingQueues = new Set<string>();
  /** Advisors whose own appointments in their queue changed, with the service of the change. */
  private readonly pendingAdvisors = new Map<string, string>();
  private flushTimer: NodeJS.Immediate | undefined;
  private flushing = Promise.resolve();
  /** A hash of each service's queue as last announced to its advisors. */
  private readonly announced = new Map<string, string>();
  /** Citizens waiting for their own advisor: whom, and their queue entry as last announced. */
  private readonly ownEntries = new Map<string, { advisorId: string; entry: string }>();

  // Queue changes come in bursts (one check-in moves an appointment and announces an arrival):
  // gathered over one turn of the event loop, each service's queue is recomputed once. Flushes
  // run one after the other, so that hashes are compared in the order the queues were read.
  private flushSoon(): void {
    this.flushTimer ??= setImmediate(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing
        .then(() => this.flush())
        .catch((err: unknown) => this.log.error({ err }, 'notify failed'));
    });
  }

  /**
   * Most check-ins are of citizens reserved for their own advisor, which their colleagues do not
   * see: `queue:changed` (each advisor reloads their agenda and queue) goes to a service's
   * advisors only when the queue they all see changed, and to an advisor alone when only their
   * own waiting appointments did. Each queued kiosk is told its place, as before.
   */
  private async flush(): Promise<void> {
    const serviceIds = [...this.pendingQueues];
    this.pendingQueues.clear();
    const advisors = [...this.pendingAdvisors];
    this.pendingAdvisors.clear();
    const { queues, statuses } = await this.scheduling.waitingRoom.serviceQueues(serviceIds);

    const rooms = new Map<string, string[]>();
    const roomsOf = (serviceId: string) =>
      rooms.get(serviceId) ?? rooms.set(serviceId, []).get(serviceId)!;
    for (const [serviceId, entries] of queues) {
      // A hash keeps what is remembered small however long the queue; a service not yet
      // announced counts as changed (advisors may have read it before this process knew it).
      const hash = createHash('sha1').update(JSON.stringify(entries)).digest('base64');
      if (this.announced.get(serviceId) === hash) continue;
      this.announced.set(serviceId, hash);
      roomsOf(serviceId).push(serviceRoom(serviceId));
    }
    for (const [advisorId, serviceId] of advisors) roomsOf(serviceId).push(partyRoom(advisorId));
    // One emit per service: a socket in several of its rooms hears it once.
    for (const [serviceId, to] of rooms)
      emit(this.staff.to(to), staffSchedulingEvents.queueChanged, { serviceId });

    for (const { kioskId, status } of statuses)
      emit(this.kiosks.to(partyRoom(kioskId)), kioskSchedulingEvents.waitingStatus, status);
  }

  /**
   * An advisor's queue also lists the citizens waiting for them (open to the service or not):
   * when one of those appears, changes or goes, that advisor alone is told.
   */
  private trackOwnEntry(
    change: AppointmentChange,
    row: AppointmentWithNames,
    view: AppointmentView,
  ): void {
    const before = this.ownEntries.get(row.id);
    const advisorId =
      row.kind === 'appointment' && row.status === 'checked_in' ? row.advisor_id : null;
    const entry = advisorId ? JSON.stringify(view) : undefined;
    if (before && before.advisorId === advisorId && before.entry === entry) return;
    // Not seen waiting by this process (it restarted): taken or ended, it did wait.
    const left =
      before?.advisorId ??
      (row.kind === 'appointment' && (row.status === 'in_call' || change.waitingEnded)
        ? (change.previousAdvisorId ?? row.advisor_id)
        : null);
    if (!left && !advisorId) return;
    if (left) this.pendingAdvisors.set(left, row.service_id);
    if (advisorId && entry) {
      this.ownEntries.set(row.id, { advisorId, entry });
      this.pendingAdvisors.set(advisorId, row.service_id);
    } else this.ownEntries.delete(row.id);
    this.flushSoon();
  }

  private async onChanged(change: AppointmentChange): Promise<void> {
    const { waitingRoom, appointments } = this.scheduling;
    const row = change.row ?? (await appointments.find(change.appointmentId));
    if (!row) return;
    const view = waitingRoom.view(row);
    this.trackOwnEntry(change, row, view);

    const kiosk = this.kiosks.to(partyRoom(row.kiosk_id));
    if (change.waitingEnded) {
      emit(kiosk, kioskSchedulingEvents.waitingEnded, {
        appointmentId: row.id,
        reason: change.waitingEnded,
      });
    } else if (row.status === 'checked_in') {
      emit(kiosk, kioskSchedulingEvents.waitingStatus, await waitingRoom.waitingStatus(row));
    }

    // The advisor it belongs to now, and the one it was scheduled with if a colleague took it.
    for (const advisorId of new Set([row.advisor_id, change.previousAdvisorId])) {
      if (advisorId)
        emit(this.staff.to(partyRoom(advisorId)), staffSchedulingEvents.appointmentChanged, view);
    }
    if (change.arrived) {
      // The scheduled advisor is alerted; for a walk-in, every advisor of the service.
      const target =
        row.kind === 'appointment' && row.advisor_id
          ? partyRoom(row.advisor_id)
          : serviceRoom(row.service_id);
      emit(this.staff.to(target), staffSchedulingEvents.citizenArrived, view);
    }
  }
}
