import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import {
  appointmentRow,
  book,
  clearAppointments,
  eventWhere,
  inMinutes,
  inServiceRooms,
  refusal,
} from '../../support/appointments';
import { connectClient, nextEvent } from '../../support/socketClient';
import { startTestServer, type TestServer } from '../../support/testServer';

// Fallbacks when the scheduled advisor does not come: after a grace, or at once when they are
// away, another advisor of the same service may take the citizen; one of another service never
// may; and of two advisors taking the same citizen at once, exactly one gets them.

// Long enough that the two requests made before it elapses do so even on a loaded machine.
const GRACE_MS = 1500;
/** Colleagues may take over after GRACE_MS. */
let quick: TestServer;
/** The default five-minute grace: only "away" or "offline" opens a citizen to colleagues. */
let slow: TestServer;
const open: SignallingClient[] = [];

beforeAll(async () => {
  [quick, slow] = await Promise.all([
    startTestServer({ TAKEOVER_GRACE_MS: String(GRACE_MS), CALL_RECONNECT_GRACE_MS: '200' }),
    startTestServer({ CALL_RECONNECT_GRACE_MS: '200' }),
  ]);
});
afterAll(async () => {
  await Promise.all([quick.stop(), slow.stop()]);
});
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.close();
  await Promise.all([clearAppointments(quick), clearAppointments(slow)]);
});

async function client(t: TestServer, nsp: '/kiosk' | '/staff', token: string) {
  const c = await connectClient(t.url, nsp, token);
  open.push(c);
  return c;
}

/** The three advisors connected (A, A, B), and a citizen of advisor one waiting at kiosk one. */
async function citizenWaiting(t: TestServer) {
  const advisor = await client(t, '/staff', t.advisor.token);
  const advisor2 = await client(t, '/staff', t.advisor2.token);
  const advisor3 = await client(t, '/staff', t.advisor3.token);
  await inServiceRooms(t, advisor2, [t.serviceA]);
  const kiosk = await client(t, '/kiosk', t.kiosk.token);
  const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(5) });
  const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  return { advisor, advisor2, advisor3, kiosk, appointmentId: appointment.id, waiting };
}

const admit = (c: SignallingClient, appointmentId: string) =>
  c.request(staffSchedulingRequests.admit, { appointmentId });

describe('taking over a citizen', () => {
  it('lets a colleague of the same service take the citizen only after the grace, never one of another service', async () => {
    const t = quick;
    const { advisor2, advisor3, kiosk, appointmentId } = await citizenWaiting(t);
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

  it('opens the citizen to colleagues at once when the scheduled advisor goes away, and shows it on the kiosk', async () => {
    const t = slow;
    const { advisor, advisor2, advisor3, kiosk, appointmentId, waiting } = await citizenWaiting(t);
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

  it('gives the citizen to exactly one of two advisors admitting at once', async () => {
    const t = slow;
    const { advisor, advisor2, kiosk, appointmentId } = await citizenWaiting(t);
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

  it('keeps the citizen when the advisor’s socket drops and comes back; the kiosk sees offline then available', async () => {
    const t = slow;
    const { advisor, kiosk, appointmentId } = await citizenWaiting(t);
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
    const again = await client(t, '/staff', t.advisor.token);
    expect(await cameBack).toMatchObject({ appointmentId, advisor: { status: 'available' } });
    expect((await appointmentRow(t, appointmentId)).status).toBe('checked_in');
    expect(
      (await again.request(staffSchedulingRequests.queue, {})).entries.map((e) => e.id),
    ).toEqual([appointmentId]);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await admit(again, appointmentId);
    expect(await started).toMatchObject({ callId, advisorId: t.advisor.id });
  });

  it('refuses to give an advisor already in a call another citizen', async () => {
    const t = slow;
    const { advisor, appointmentId } = await citizenWaiting(t);
    const kiosk2 = await client(t, '/kiosk', t.kiosk2.token);
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
