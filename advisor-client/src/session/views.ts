import type { StaffRole } from '@visio/shared/protocol';

/** The staff app's pages. Each is shown only to the roles that may use it. */
export type View = 'agenda' | 'booking' | 'kiosks' | 'console' | 'report' | 'interpret';

const VIEW_ROLES: Record<View, readonly StaffRole[]> = {
  agenda: ['advisor'],
  booking: ['scheduler', 'advisor', 'admin'],
  kiosks: ['technician', 'admin'],
  console: ['technician', 'admin'],
  // Aggregates only: a coordinator sees this page and nothing else.
  report: ['coordinator', 'admin'],
  // Joining a call with an invitation code: an interpreter sees this page and nothing else.
  interpret: ['interpreter'],
};

const ORDER: readonly View[] = ['agenda', 'booking', 'kiosks', 'console', 'report', 'interpret'];

/** The pages this staff member may use, the default (their main job) first. */
export function viewsFor(roles: readonly StaffRole[]): View[] {
  return ORDER.filter((view) => VIEW_ROLES[view].some((role) => roles.includes(role)));
}

export function isView(value: string): value is View {
  return (ORDER as readonly string[]).includes(value);
}
