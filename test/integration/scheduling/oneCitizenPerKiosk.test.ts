import { describe, expect, test } from '../../support/integrationTest';
import { inMinutes, insertAppointment } from '../../support/appointments';

// One citizen at a time per kiosk, even when two requests race (a double tap, two tabs, two
// nodes on one database): the database decides, not the check-then-write of one process.

test.override({ afterEachTest: 'no appointments' });

const ATTEMPTS = 12;

/** Settles every attempt; answers the successes and the refusals' reasons. */
async function race(attempts: (() => Promise<unknown>)[]) {
  const results = await Promise.allSettled(attempts.map((attempt) => attempt()));
  const reasons = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason as { reason?: string }).reason ?? String(r.reason));
  return { won: results.filter((r) => r.status === 'fulfilled').length, reasons };
}

async function activeAtKiosk(t: Parameters<typeof insertAppointment>[0], kioskId: string) {
  return t.server.store.db
    .selectFrom('appointments')
    .select('id')
    .where('kiosk_id', '=', kioskId)
    .where('status', 'in', ['checked_in', 'in_call'])
    .execute();
}

describe('one citizen per kiosk under concurrent requests', () => {
  test('concurrent walk-in joins at one kiosk: one waits, the others are told the kiosk is busy', async ({
    t,
  }) => {
    const { checkIn } = t.server.scheduling;
    const { won, reasons } = await race(
      Array.from({ length: ATTEMPTS }, () => () => checkIn.joinWalkIn(t.kiosk.id, t.serviceA)),
    );
    expect(won).toBe(1);
    expect(reasons).toEqual(Array<string>(ATTEMPTS - 1).fill('kiosk_busy'));
    expect(await activeAtKiosk(t, t.kiosk.id)).toHaveLength(1);
  });

  test('concurrent check-ins of different appointments at one kiosk: one goes through', async ({
    t,
  }) => {
    // Written straight into the store (no booking rules): all at the same time, all open.
    const booked = await Promise.all(
      Array.from({ length: ATTEMPTS }, () => insertAppointment(t, { startsAt: inMinutes(5) })),
    );
    const { checkIn } = t.server.scheduling;
    const { won, reasons } = await race(
      booked.map((b) => () => checkIn.checkIn(t.kiosk.id, b.code)),
    );
    expect(won).toBe(1);
    expect(reasons).toEqual(Array<string>(ATTEMPTS - 1).fill('kiosk_busy'));
    expect(await activeAtKiosk(t, t.kiosk.id)).toHaveLength(1);
  });
});
