import {
  describe,
  expect,
  test as integrationTest,
  type OpenClient,
} from '../../support/integrationTest';
import {
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import {
  book,
  eventWhere,
  inMinutes,
  inServiceRooms,
  recordTraffic,
} from '../../support/appointments';
import { nextEvent } from '../../support/socketClient';
import type { TestServer } from '../../support/testServer';
import type { SignallingClient } from '@visio/shared/client';

// `queue:changed` makes every advisor who hears it reload their agenda and queue. Advisors of a
// service hear it when the queue they all see changed (someone joins, opens to the service,
// is taken or leaves), not when a citizen checks in for a colleague's appointment and waits for
// that colleague only; the scheduled advisor hears it, their own queue did change.

const GRACE_MS = 1500;
const QUICK_ENV = { TAKEOVER_GRACE_MS: String(GRACE_MS) };
const SLOW_ENV: Record<string, string> = {};

/** The file's server `t` has the default five-minute grace: only "away" or "offline" opens a
 * citizen to colleagues; on `quick`, colleagues may take over after GRACE_MS. */
const test = integrationTest.extend('quick', { scope: 'file' }, ({ servers }) =>
  servers.start(QUICK_ENV),
);
test.override({ serverEnv: SLOW_ENV, afterEachTest: 'no appointments' });

/** Advisor one (scheduled) and two (colleague) of service A in their rooms, and both kiosks. */
async function desk(t: TestServer, client: OpenClient) {
  const advisor = await client('/staff', t.advisor.token, t);
  const colleague = await client('/staff', t.advisor2.token, t);
  await inServiceRooms(t, advisor, [t.serviceA]);
  await inServiceRooms(t, colleague, [t.serviceA]);
  const kiosk = await client('/kiosk', t.kiosk.token, t);
  const kiosk2 = await client('/kiosk', t.kiosk2.token, t);
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
  test('is not sent to colleagues for a citizen reserved for another advisor; a walk-in joining is', async ({
    t,
    client,
  }) => {
    const parties = await desk(t, client);
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

  test('tells only the scheduled advisor when their reserved citizen leaves', async ({
    t,
    client,
  }) => {
    const parties = await desk(t, client);
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

  test('is sent to colleagues when the reserved citizen opens to the service after the grace', async ({
    quick: t,
    client,
  }) => {
    const parties = await desk(t, client);
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

  test('is sent to colleagues when the scheduled advisor goes away', async ({ t, client }) => {
    const parties = await desk(t, client);
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

  test('is sent to colleagues when a queued citizen is taken, and when one leaves', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, kiosk, kiosk2 } = await desk(t, client);
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
