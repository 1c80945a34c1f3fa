import { kioskSchedulingRequests, staffSchedulingRequests } from '@visio/shared/protocol';
import type { KioskPrincipal, StaffPrincipal } from '../auth/Principal';
import type { CallService } from '../calls/CallService';
import type { SchedulingModule } from '../scheduling/SchedulingModule';
import type { CallTabs } from './CallTabs';
import type { RequestRouter } from './RequestRouter';

/** The kiosk's side of scheduling: its welcome data, check-in, walk-in, leaving the waiting room. */
export function registerKioskScheduling(
  router: RequestRouter<KioskPrincipal>,
  scheduling: SchedulingModule,
): void {
  const { checkIn } = scheduling;
  router
    .on(kioskSchedulingRequests.home, (_data, { principal }) => checkIn.home(principal.kioskId))
    .on(kioskSchedulingRequests.checkIn, async ({ code }, { principal }) => ({
      waiting: await checkIn.checkIn(principal.kioskId, code),
    }))
    .on(kioskSchedulingRequests.joinWalkIn, async ({ serviceId }, { principal }) => ({
      waiting: await checkIn.joinWalkIn(principal.kioskId, serviceId),
    }))
    .on(kioskSchedulingRequests.cancelWaiting, async (_data, { principal }) => {
      await checkIn.leave(principal.kioskId);
      return {};
    });
}

/** The advisor's side: agenda, queue, admitting a citizen, availability, outcome. */
export function registerStaffScheduling(
  router: RequestRouter<StaffPrincipal>,
  scheduling: SchedulingModule,
  calls: CallService,
  tabs: CallTabs,
): void {
  const { waitingRoom } = scheduling;
  const advisorOnly = { roles: ['advisor'] as const };
  router
    .on(
      staffSchedulingRequests.agenda,
      async (_data, { principal }) => ({
        ...(await scheduling.agendaOf(principal.staffId)),
        availability: waitingRoom.availabilityOf(principal.staffId),
      }),
      advisorOnly,
    )
    .on(
      staffSchedulingRequests.queue,
      async (_data, { principal }) => ({ entries: await waitingRoom.queueFor(principal.staffId) }),
      advisorOnly,
    )
    .on(
      staffSchedulingRequests.admit,
      async ({ appointmentId }, { principal, socket }) => ({
        // The call runs in the tab that admitted (on whichever node it is placed).
        callId: (
          await tabs.admitFrom(socket?.id ?? '', () => calls.admitPlaced(principal, appointmentId))
        ).id,
      }),
      advisorOnly,
    )
    .on(
      staffSchedulingRequests.setAvailability,
      async ({ availability }, { principal }) => {
        await waitingRoom.setAvailability(principal.staffId, availability);
        return {};
      },
      advisorOnly,
    )
    .on(
      staffSchedulingRequests.recordOutcome,
      async ({ appointmentId, outcome }, { principal }) => ({
        appointment: await waitingRoom.recordOutcome(principal.staffId, appointmentId, outcome),
      }),
      advisorOnly,
    );
}
