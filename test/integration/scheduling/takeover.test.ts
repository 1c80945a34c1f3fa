import {
  describe,
  expect,
  test as integrationTest,
  type OpenClient,
} from '../../support/integrationTest';
import {
  callEvents,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import {
  appointmentRow,
  book,
  eventWhere,
  inMinutes,
  inServiceRooms,
  refusal,
} from '../../support/appointments';
import { nextEvent } from '../../support/socketClient';
import type { TestServer } from '../../support/testServer';
import type { SignallingClient } from '@visio/shared/client';

// Fallbacks when the scheduled advisor does not come: after a grace, or at once when they are
// away, another advisor of the same service may take the citizen; one of another service never
// may; and of two advisors taking the same citizen at once, exactly one gets them.

// Long enough that the two requests made before it elapses do so even on a loaded machine.
const GRACE_MS = 1500;
const QUICK_ENV = { TAKEOVER_GRACE_MS: String(GRACE_MS), CALL_RECONNECT_GRACE_MS: '200' };
const SLOW_ENV: Record<string, string> = { CALL_RECONNECT_GRACE_MS: '200' };

/** The file's server `t` has the default five-minute grace: only "away" or "offline" opens a
 * citizen to colleagues; on `quick`, colleagues may take over after GRACE_MS. */
const test = integrationTest.extend('quick', { scope: 'file' }, ({ servers }) =>
  servers.start(QUICK_ENV),
);
test.override({ serverEnv: SLOW_ENV, afterEachTest: 'no appointments' });

/** The three advisors connected (A, A, B), and a citizen of advisor one waiting at kiosk one. */
async function citizenWaiting(t: TestServer, client: OpenClient) {
  const advisor = await client('/staff', t.advisor.token, t);
  const advisor2 = await client('/staff', t.advisor2.token, t);
  const advisor3 = await client('/staff', t.advisor3.token, t);
  await inServiceRooms(t, advisor2, [t.serviceA]);
  const kiosk = await client('/kiosk', t.kiosk.token, t);
  const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(5) });
  const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  return { advisor, advisor2, advisor3, kiosk, appointmentId: appointment.id, waiting };
}

const admit = (c: SignallingClient, appointmentId: string) =>
  c.request(staffSchedulingRequests.admit, { appointmentId });

describe('taking over a citizen', () => {
  test('lets a colleague of the same service take the citizen only after the grace, never one of another service', async ({
    quick: t,
    client,
  }) => {
    const { advisor2, advisor3, kiosk, appointmentId } = await citizenWaiting(t, client);
    // The grace is running: the citizen is not yours yet.
    const opened = eventWhere(
      kiosk,
      kioskSchedulingEvents.waitingStatus,
      (w) => w.position !== null,
    );
    expect(await refusal(admit(advisor2, appointmentId))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'not_yours_yet',
    });
    expect((await advisor2.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);

    // When the grace elapses, the kiosk shows the citizen's place in the service queue, and the
    // colleague's queue lists them.
    expect(await opened).toMatchObject({ appointmentId, position: 1 });
    const queue = await advisor2.request(staffSchedulingRequests.queue, {});
    expect(queue.entries.map((e) => [e.id, e.openToService])).toEqual([[appointmentId, true]]);
    expect((await advisor3.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);
    expect(await refusal(admit(advisor3, appointmentId))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'not_yours_yet',
    });

    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await admit(advisor2, appointmentId);
    expect(await started).toMatchObject({
      callId,
      advisorId: t.advisor2.id,
      peerName: 'Advisor Two',
    });
    // The appointment is now advisor two's: they record its outcome.
    expect(await appointmentRow(t, appointmentId)).toMatchObject({
      status: 'in_call',
      advisor_id: t.advisor2.id,
    });
    const audit = await t.server.store.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'appointment.admit')
      .where('target_id', '=', appointmentId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toEqual({ takenOver: true });
  });

  test('opens the citizen to colleagues at once when the scheduled advisor goes away, and shows it on the kiosk', async ({
    t,
    client,
  }) => {
    const { advisor, advisor2, advisor3, kiosk, appointmentId, waiting } = await citizenWaiting(
      t,
      client,
    );
    expect(waiting.advisor).toEqual({ name: 'Advisor', status: 'available' });
    expect(await refusal(admit(advisor2, appointmentId))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'not_yours_yet',
    });

    const kioskTold = eventWhere(
      kiosk,
      kioskSchedulingEvents.waitingStatus,
      (w) => w.advisor?.status === 'away',
    );
    await advisor.request(staffSchedulingRequests.setAvailability, { availability: 'away' });
    // The kiosk shows the advisor away and the citizen's place in the service queue.
    expect(await kioskTold).toMatchObject({ appointmentId, position: 1 });
    expect((await advisor.request(staffSchedulingRequests.agenda, {})).availability).toBe('away');
    expect(await refusal(admit(advisor3, appointmentId))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'not_yours_yet',
    });
    const { callId } = await admit(advisor2, appointmentId);
    expect(t.server.calls.activeCallOf(t.kiosk.id)?.id).toBe(callId);
    expect(t.server.calls.activeCallOf(t.advisor2.id)?.id).toBe(callId);
    await advisor.request(staffSchedulingRequests.setAvailability, { availability: 'available' });
  });

  test('gives the citizen to exactly one of two advisors admitting at once', async ({
    t,
    client,
  }) => {
    const { advisor, advisor2, kiosk, appointmentId } = await citizenWaiting(t, client);
    await advisor.request(staffSchedulingRequests.setAvailability, { availability: 'away' });
    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const results = await Promise.allSettled([
      admit(advisor, appointmentId),
      admit(advisor2, appointmentId),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'CONFLICT',
      reason: 'taken',
    });
    const { callId } = (won[0] as PromiseFulfilledResult<{ callId: string }>).value;
    const winner = results[0]!.status === 'fulfilled' ? t.advisor.id : t.advisor2.id;
    expect(await kioskStarted).toMatchObject({ callId, advisorId: winner });
    expect(t.server.calls.activeCalls.map((c) => [c.id, c.advisorId])).toEqual([[callId, winner]]);
    expect((await appointmentRow(t, appointmentId)).advisor_id).toBe(winner);
    await advisor.request(staffSchedulingRequests.setAvailability, { availability: 'available' });
  });

  test('keeps the citizen when the advisor’s socket drops and comes back; the kiosk sees offline then available', async ({
    t,
    client,
  }) => {
    const { advisor, kiosk, appointmentId } = await citizenWaiting(t, client);
    const wentOffline = eventWhere(
      kiosk,
      kioskSchedulingEvents.waitingStatus,
      (w) => w.advisor?.status === 'offline',
    );
    advisor.socket.close();
    expect(await wentOffline).toMatchObject({ appointmentId, advisor: { status: 'offline' } });

    const cameBack = eventWhere(
      kiosk,
      kioskSchedulingEvents.waitingStatus,
      (w) => w.advisor?.status === 'available',
    );
    const again = await client('/staff', t.advisor.token, t);
    expect(await cameBack).toMatchObject({ appointmentId, advisor: { status: 'available' } });
    expect((await appointmentRow(t, appointmentId)).status).toBe('checked_in');
    expect(
      (await again.request(staffSchedulingRequests.queue, {})).entries.map((e) => e.id),
    ).toEqual([appointmentId]);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await admit(again, appointmentId);
    expect(await started).toMatchObject({ callId, advisorId: t.advisor.id });
  });

  test('refuses to give an advisor already in a call another citizen', async ({ t, client }) => {
    const { advisor, appointmentId } = await citizenWaiting(t, client);
    const kiosk2 = await client('/kiosk', t.kiosk2.token, t);
    const other = await book(t, {
      startsAt: inMinutes(7),
      kioskId: t.kiosk2.id,
      advisorId: t.advisor2.id,
    });
    await kiosk2.request(kioskSchedulingRequests.checkIn, { code: other.checkInCode });
    await admit(advisor, appointmentId);
    expect(await refusal(admit(advisor, other.appointment.id))).toMatchObject({ code: 'CONFLICT' });
    expect((await appointmentRow(t, other.appointment.id)).status).toBe('checked_in');
  });
});
