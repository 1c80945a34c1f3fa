import { describe, expect, it } from 'vitest';
import { AppError, type AppointmentStatus } from '@visio/shared/protocol';
import {
  canTransition,
  nextStatus,
  TERMINAL_STATUSES,
  type LifecycleEvent,
} from '../../../server/src/scheduling/AppointmentLifecycle';

// The lifecycle as DOMAIN.md describes it (booking → check-in → waiting → call → end, with the
// leave / requeue / cancel / no-show fallbacks), written out by hand rather than read from the code.
const STATUSES: AppointmentStatus[] = [
  'scheduled',
  'checked_in',
  'in_call',
  'completed',
  'no_show',
  'cancelled',
  'failed',
];
const EVENTS: LifecycleEvent[] = [
  'check_in',
  'leave',
  'start_call',
  'complete',
  'fail',
  'requeue',
  'cancel',
  'no_show',
];

type Kind = 'appointment' | 'walk_in';
const ALLOWED: [AppointmentStatus, LifecycleEvent, Kind, AppointmentStatus][] = [
  ['scheduled', 'check_in', 'appointment', 'checked_in'],
  ['scheduled', 'cancel', 'appointment', 'cancelled'],
  ['scheduled', 'no_show', 'appointment', 'no_show'],
  ['checked_in', 'start_call', 'appointment', 'in_call'],
  ['checked_in', 'start_call', 'walk_in', 'in_call'],
  // An appointment's citizen who leaves may check in again; a walk-in who leaves is gone.
  ['checked_in', 'leave', 'appointment', 'scheduled'],
  ['checked_in', 'leave', 'walk_in', 'cancelled'],
  ['checked_in', 'cancel', 'appointment', 'cancelled'],
  ['checked_in', 'cancel', 'walk_in', 'cancelled'],
  ['in_call', 'complete', 'appointment', 'completed'],
  ['in_call', 'complete', 'walk_in', 'completed'],
  ['in_call', 'fail', 'appointment', 'failed'],
  // Media lost: the citizen waits again instead of being dropped.
  ['in_call', 'requeue', 'appointment', 'checked_in'],
  ['in_call', 'requeue', 'walk_in', 'checked_in'],
];

const allowedPairs = new Set(ALLOWED.map(([from, event]) => `${from}/${event}`));
const REFUSED = STATUSES.flatMap((from) =>
  EVENTS.filter((event) => !allowedPairs.has(`${from}/${event}`)).map(
    (event) => [from, event] as const,
  ),
);

describe('nextStatus', () => {
  it.each(ALLOWED)('%s --%s--> (%s) %s', (from, event, kind, to) => {
    expect(nextStatus(from, event, kind)).toBe(to);
    expect(canTransition(from, event)).toBe(true);
  });

  it('refuses every other (status, event) pair', () => {
    // 7 statuses × 8 events, minus the 9 allowed (status, event) pairs.
    expect(REFUSED).toHaveLength(56 - 9);
  });

  it.each(REFUSED)('refuses %s --%s--> with BAD_STATE, for both kinds', (from, event) => {
    expect(canTransition(from, event)).toBe(false);
    for (const kind of ['appointment', 'walk_in'] as const) {
      let thrown: unknown;
      try {
        nextStatus(from, event, kind);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect(thrown).toMatchObject({ code: 'BAD_STATE', reason: from });
      expect((thrown as AppError).message).toContain(from);
    }
  });

  it('leaves no way out of a terminal status', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['cancelled', 'completed', 'failed', 'no_show']);
    for (const from of TERMINAL_STATUSES)
      for (const event of EVENTS) expect(canTransition(from, event)).toBe(false);
  });
});
