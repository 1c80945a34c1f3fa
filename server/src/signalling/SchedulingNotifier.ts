import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { kioskSchedulingEvents, staffSchedulingEvents } from '@visio/shared/protocol';
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
      this.onChanged(change).catch((err: unknown) =>
        this.log.error({ err, appointmentId: change.appointmentId }, 'notify failed'),
      );
    });
    // Queue changes come in bursts (one check-in moves an appointment and announces an arrival):
    // gathered over one turn of the event loop, each service's queue is recomputed once.
    this.scheduling.events.on('queuesChanged', ({ serviceIds }) => {
      for (const id of serviceIds) this.pendingQueues.add(id);
      this.flushTimer ??= setImmediate(() => {
        this.flushTimer = undefined;
        const ids = [...this.pendingQueues];
        this.pendingQueues.clear();
        for (const serviceId of ids)
          emit(this.staff.to(serviceRoom(serviceId)), staffSchedulingEvents.queueChanged, {
            serviceId,
          });
        this.tellQueuePlaces(ids).catch((err: unknown) =>
          this.log.error({ err, serviceIds: ids }, 'notify failed'),
        );
      });
    });
  }

  private readonly pendingQueues = new Set<string>();
  private flushTimer: NodeJS.Immediate | undefined;

  /** Places shift when someone ahead is taken or leaves: each queued kiosk is told its own. */
  private async tellQueuePlaces(serviceIds: string[]): Promise<void> {
    for (const { kioskId, status } of await this.scheduling.waitingRoom.queueStatuses(serviceIds)) {
      emit(this.kiosks.to(partyRoom(kioskId)), kioskSchedulingEvents.waitingStatus, status);
    }
  }

  private async onChanged(change: AppointmentChange): Promise<void> {
    const { waitingRoom, appointments } = this.scheduling;
    const row = change.row ?? (await appointments.find(change.appointmentId));
    if (!row) return;
    const view = waitingRoom.view(row);

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
