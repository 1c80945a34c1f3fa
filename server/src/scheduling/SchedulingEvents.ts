import { EventEmitter } from 'node:events';
import type { AppointmentWithNames } from './AppointmentRepository';

export interface AppointmentChange {
  appointmentId: string;
  kioskId: string;
  serviceId: string;
  /** The scheduled (or taking) advisor, if any. */
  advisorId: string | null;
  /** The advisor the appointment was scheduled with, when a colleague took it over. */
  previousAdvisorId?: string | undefined;
  /** True when the citizen just checked in: the advisor is alerted (sound, notification). */
  arrived?: boolean;
  /** Set when the citizen stopped waiting without a call: the kiosk returns to welcome. */
  waitingEnded?: 'no_show' | 'cancelled' | 'expired';
  /** The appointment as read just after the change, when the emitter has it: no need to read it again. */
  row?: AppointmentWithNames | undefined;
}

/** Domain events of the scheduling module; the signalling layer turns them into socket messages. */
export class SchedulingEvents extends EventEmitter<{
  changed: [AppointmentChange];
  /** Queues of these services changed without a specific appointment (e.g. advisor went away). */
  queuesChanged: [{ serviceIds: string[] }];
}> {}
