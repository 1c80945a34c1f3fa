import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import {
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import {
  book,
  clearAppointments,
  eventWhere,
  inMinutes,
  inServiceRooms,
  recordTraffic,
} from '../../support/appointments';
import { connectClient, nextEvent } from '../../support/socketClient';
import { startTestServer, type TestServer } from '../../support/testServer';

// `queue:changed` makes every advisor who hears it reload their agenda and queue. Advisors of a
// service hear it when the queue they all see changed (someone joins, opens to the service,
// is taken or leaves), not when a citizen checks in for a colleague's appointment and waits for
// that colleague only; the scheduled advisor hears it, their own queue did change.

const GRACE_MS = 1500;
/** Colleagues may take over after GRACE_MS. */
let quick: TestServer;
/** The default five-minute grace. */
let slow: TestServer;
const open: SignallingClient[] = [];

beforeAll(async () => {
  [quick, slow] = await Promise.all([
    startTestServer({ TAKEOVER_GRACE_MS: String(GRACE_MS) }),
    startTestServer(),
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

/** Advisor one (scheduled) and two (colleague) of service A in their rooms, and both kiosks. */
async function desk(t: TestServer) {
  const advisor = await client(t, '/staff', t.advisor.token);
  const colleague = await client(t, '/staff', t.advisor2.token);
  await inServiceRooms(t, advisor, [t.serviceA]);
  await inServiceRooms(t, colleague, [t.serviceA]);
  const kiosk = await client(t, '/kiosk', t.kiosk.token);
  const kiosk2 = await client(t, '/kiosk', t.kiosk2.token);
  return { advisor, colleague, kiosk, kiosk2 };
}

const queueOf = async (c: SignallingClient) =>
  (await c.request(staffSchedulingRequests.queue, {})).entries.map((e) => e.id);

const queueChanges = (heard: { name: string }[]) =>
  heard.filter((h) => h.name === staffSchedulingEvents.queueChanged.name);

/**
 * Checks in advisor one's citizen at kiosk one. Returns once every `queue:changed` it caused has
 * reached the colleague: advisor one's own notice comes from the same server flush as any the
 * colleague would get, and the colleague's request sent after it is answered on the same socket
 * after anything that flush sent there.
 */
async function reservedCheckIn(
  t: TestServer,
  { advisor, colleague, kiosk }: Awaited<ReturnType<typeof desk>>,
) {
  const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(5) });
  const toldScheduled = nextEvent(advisor, staffSchedulingEvents.queueChanged);
  const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  expect(waiting.position).toBeNull();
  expect(await toldScheduled).toEqual({ serviceId: t.serviceA });
  expect(await queueOf(advisor)).toEqual([appointment.id]);
  expect(await queueOf(colleague)).toEqual([]);
  return appointment.id;
}

describe('queue:changed', () => {
  it('is not sent to colleagues for a citizen reserved for another advisor; a walk-in joining is', async () => {
    const t = slow;
    const parties = await desk(t);
    const { colleague, kiosk2 } = parties;
    const heard = recordTraffic(colleague.socket);
    const reservedId = await reservedCheckIn(t, parties);
    expect(queueChanges(heard)).toEqual([]);

    const told = nextEvent(colleague, staffSchedulingEvents.queueChanged);
    const { waiting } = await kiosk2.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });
    expect(await told).toEqual({ serviceId: t.serviceA });
    expect(await queueOf(colleague)).toEqual([waiting.appointmentId]);
    expect(queueChanges(heard)).toHaveLength(1);
    expect(await queueOf(parties.advisor)).toEqual([reservedId, waiting.appointmentId]);
  });

  it('tells only the scheduled advisor when their reserved citizen leaves', async () => {
    const t = slow;
    const parties = await desk(t);
    const { advisor, colleague, kiosk } = parties;
    const heard = recordTraffic(colleague.socket);
    await reservedCheckIn(t, parties);

    const toldScheduled = nextEvent(advisor, staffSchedulingEvents.queueChanged);
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});
    expect(await toldScheduled).toEqual({ serviceId: t.serviceA });
    expect(await queueOf(advisor)).toEqual([]);
    // Answered after anything the same flush sent the colleague (see reservedCheckIn).
    expect(await queueOf(colleague)).toEqual([]);
    expect(queueChanges(heard)).toEqual([]);
  });

  it('is sent to colleagues when the reserved citizen opens to the service after the grace', async () => {
    const t = quick;
    const parties = await desk(t);
    const { colleague, kiosk } = parties;
    const heard = recordTraffic(colleague.socket);
    const reservedId = await reservedCheckIn(t, parties);
    expect(queueChanges(heard)).toEqual([]);

    const opened = eventWhere(kiosk, kioskSchedulingEvents.waitingStatus, (w) => w.position === 1);
    expect(await nextEvent(colleague, staffSchedulingEvents.queueChanged)).toEqual({
      serviceId: t.serviceA,
    });
    await opened;
    expect(await queueOf(colleague)).toEqual([reservedId]);
    expect(queueChanges(heard)).toHaveLength(1);
  });

  it('is sent to colleagues when the scheduled advisor goes away', async () => {
    const t = slow;
    const parties = await desk(t);
    const { advisor, colleague } = parties;
    const heard = recordTraffic(colleague.socket);
    const reservedId = await reservedCheckIn(t, parties);
    expect(queueChanges(heard)).toEqual([]);

    const told = nextEvent(colleague, staffSchedulingEvents.queueChanged);
    await advisor.request(staffSchedulingRequests.setAvailability, { availability: 'away' });
    expect(await told).toEqual({ serviceId: t.serviceA });
    expect(await queueOf(colleague)).toEqual([reservedId]);
    await advisor.request(staffSchedulingRequests.setAvailability, { availability: 'available' });
  });

  it('is sent to colleagues when a queued citizen is taken, and when one leaves', async () => {
    const t = slow;
    const { advisor, colleague, kiosk, kiosk2 } = await desk(t);
    const joined = [];
    for (const k of [kiosk, kiosk2]) {
      const told = nextEvent(colleague, staffSchedulingEvents.queueChanged);
      joined.push(
        (await k.request(kioskSchedulingRequests.joinWalkIn, { serviceId: t.serviceA })).waiting,
      );
      await told;
    }
    const [first, second] = joined.map((w) => w.appointmentId);
    expect(await queueOf(colleague)).toEqual([first, second]);

    // Taken: the colleague's queue loses it, and the one behind moves up.
    let told = nextEvent(colleague, staffSchedulingEvents.queueChanged);
    const movedUp = eventWhere(
      kiosk2,
      kioskSchedulingEvents.waitingStatus,
      (w) => w.position === 1,
    );
    await advisor.request(staffSchedulingRequests.admit, { appointmentId: first! });
    expect(await told).toEqual({ serviceId: t.serviceA });
    expect(await movedUp).toMatchObject({ appointmentId: second });
    expect(await queueOf(colleague)).toEqual([second]);

    told = nextEvent(colleague, staffSchedulingEvents.queueChanged);
    await kiosk2.request(kioskSchedulingRequests.cancelWaiting, {});
    expect(await told).toEqual({ serviceId: t.serviceA });
    expect(await queueOf(colleague)).toEqual([]);
  });
});
