import { AppError, type AppointmentStatus } from '@visio/shared/protocol';

/**
 * The appointment state machine. Every status change in the system goes through `nextStatus`, so
 * an impossible move (admitting a citizen twice, checking in a cancelled appointment) is refused
 * with BAD_STATE wherever it comes from.
 *
 *   scheduled ──check_in──> checked_in ──start_call──> in_call ──complete──> completed
 *       │                     │  ▲                        │ └──fail──> failed
 *       │                     │  └──────requeue───────────┘   (media lost: the citizen waits again)
 *       │                     └──leave──> scheduled (appointment) | cancelled (walk-in)
 *       ├──cancel──> cancelled         (also from checked_in)
 *       └──no_show──> no_show
 * Walk-ins are created directly in checked_in.
 */
export type LifecycleEvent =
  'check_in' | 'leave' | 'start_call' | 'complete' | 'fail' | 'requeue' | 'cancel' | 'no_show';

type Kind = 'appointment' | 'walk_in';

const TRANSITIONS: Record<
  AppointmentStatus,
  Partial<Record<LifecycleEvent, AppointmentStatus | ((kind: Kind) => AppointmentStatus)>>
> = {
  scheduled: { check_in: 'checked_in', cancel: 'cancelled', no_show: 'no_show' },
  checked_in: {
    start_call: 'in_call',
    leave: (kind) => (kind === 'walk_in' ? 'cancelled' : 'scheduled'),
    cancel: 'cancelled',
  },
  in_call: { complete: 'completed', fail: 'failed', requeue: 'checked_in' },
  completed: {},
  no_show: {},
  cancelled: {},
  failed: {},
};

export const TERMINAL_STATUSES: readonly AppointmentStatus[] = [
  'completed',
  'no_show',
  'cancelled',
  'failed',
];

export function nextStatus(
  from: AppointmentStatus,
  event: LifecycleEvent,
  kind: Kind,
): AppointmentStatus {
  const to = TRANSITIONS[from][event];
  if (!to)
    throw AppError.withReason(
      'BAD_STATE',
      from,
      `An appointment that is ${from} cannot ${event.replace('_', ' ')}`,
    );
  return typeof to === 'function' ? to(kind) : to;
}

export function canTransition(from: AppointmentStatus, event: LifecycleEvent): boolean {
  return TRANSITIONS[from][event] !== undefined;
}
