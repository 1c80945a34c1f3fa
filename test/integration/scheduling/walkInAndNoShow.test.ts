import { describe, expect, test } from '../../support/integrationTest';
import {
  callEvents,
  callRequests,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import {
  appointmentRow,
  eventually,
  eventWhere,
  inMinutes,
  inServiceRooms,
  insertAppointment,
  mentioning,
  recordTraffic,
  refusal,
} from '../../support/appointments';
import { nextEvent } from '../../support/socketClient';

// Walk-ins: a citizen without an appointment picks a service whose walk-in slot is open and joins
// its queue; every advisor of that service may take them, first come first served. No-shows:
// an appointment nobody checked in for is closed once its window has passed.

test.override({
  serverEnv: { NO_SHOW_SWEEP_MS: '200', CALL_RECONNECT_GRACE_MS: '200' },
  afterEachTest: 'no appointments',
});

describe('walk-in queue', () => {
  test('offers only open walk-in services, queues citizens in order, and gives the first to the first advisor who admits', async ({
    t,
    client,
  }) => {
    const advisor = await client('/staff', t.advisor.token);
    const advisor2 = await client('/staff', t.advisor2.token);
    const advisor3 = await client('/staff', t.advisor3.token);
    await inServiceRooms(t, advisor, [t.serviceA]);
    await inServiceRooms(t, advisor2, [t.serviceA]);
    await inServiceRooms(t, advisor3, [t.serviceB]);
    const heardBy3 = recordTraffic(advisor3.socket);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const kiosk2 = await client('/kiosk', t.kiosk2.token);

    const home = await kiosk.request(kioskSchedulingRequests.home, {});
    expect(home.kiosk).toMatchObject({ id: t.kiosk.id, name: 'Kiosk A', outOfService: false });
    expect(home.services.map((s) => [s.id, s.walkInOpen])).toEqual([
      [t.serviceA, true],
      [t.serviceB, false],
    ]);
    expect(home.waiting).toBeNull();

    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.joinWalkIn, { serviceId: t.serviceB })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'walk_in_closed' });

    // First citizen: both advisors of A are alerted.
    const arrivedAt1 = nextEvent(advisor, staffSchedulingEvents.citizenArrived);
    const arrivedAt2 = nextEvent(advisor2, staffSchedulingEvents.citizenArrived);
    const first = await kiosk.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });
    expect(first.waiting).toMatchObject({
      kind: 'walk_in',
      serviceName: 'Service A',
      advisor: null,
      position: 1,
    });
    const firstId = first.waiting.appointmentId;
    for (const alert of [await arrivedAt1, await arrivedAt2]) {
      expect(alert).toMatchObject({
        id: firstId,
        kind: 'walk_in',
        status: 'checked_in',
        advisor: null,
        kiosk: { id: t.kiosk.id },
        openToService: true,
      });
    }

    const second = await kiosk2.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });
    expect(second.waiting.position).toBe(2);
    const secondId = second.waiting.appointmentId;

    for (const c of [advisor, advisor2]) {
      const { entries } = await c.request(staffSchedulingRequests.queue, {});
      expect(entries.map((e) => e.id)).toEqual([firstId, secondId]);
    }
    expect((await advisor3.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);

    // Advisor two takes the head of the queue; the second citizen moves up to first place.
    const movedUp = eventWhere(
      kiosk2,
      kioskSchedulingEvents.waitingStatus,
      (w) => w.position === 1,
    );
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await advisor2.request(staffSchedulingRequests.admit, {
      appointmentId: firstId,
    });
    expect(await started).toMatchObject({ callId, kioskId: t.kiosk.id, advisorId: t.advisor2.id });
    expect(await movedUp).toMatchObject({ appointmentId: secondId, position: 1 });
    expect(
      (await advisor.request(staffSchedulingRequests.queue, {})).entries.map((e) => e.id),
    ).toEqual([secondId]);
    expect(
      await refusal(advisor.request(staffSchedulingRequests.admit, { appointmentId: firstId })),
    ).toMatchObject({ code: 'CONFLICT', reason: 'taken' });

    // The walk-in becomes advisor two's: completed after the call, outcome theirs to record.
    await advisor2.request(callRequests.hangup, { callId });
    await eventually(
      async () => (await appointmentRow(t, firstId)).status === 'completed',
      'the walk-in to be completed',
    );
    const { appointment } = await advisor2.request(staffSchedulingRequests.recordOutcome, {
      appointmentId: firstId,
      outcome: 'redirected',
    });
    expect(appointment).toMatchObject({
      kind: 'walk_in',
      advisor: { id: t.advisor2.id },
      outcome: 'redirected',
    });

    // The second citizen gives up: a walk-in who leaves is gone, not rebooked.
    await kiosk2.request(kioskSchedulingRequests.cancelWaiting, {});
    expect((await appointmentRow(t, secondId)).status).toBe('cancelled');
    expect((await advisor.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);

    // The advisor of service B heard of none of this. (Its own service's queue may be told to
    // refresh on its own connection, a flush that can land after recording started: that is
    // service B's news, not this.)
    const ownQueue = (h: { name: string; payload: unknown }) =>
      h.name === 'queue:changed' && (h.payload as { serviceId?: string }).serviceId === t.serviceB;
    expect(
      heardBy3.filter((h) => h.name !== 'kiosks:changed' && !ownQueue(h)).map((h) => h.name),
    ).toEqual([]);
    expect(mentioning(heardBy3, firstId, secondId, callId)).toEqual([]);
  });

  test('refuses walk-ins at an out-of-service kiosk', async ({ t, client }) => {
    await t.server.store.db
      .updateTable('kiosks')
      .set({ out_of_service: 1 })
      .where('id', '=', t.kiosk2.id)
      .execute();
    try {
      const kiosk2 = await client('/kiosk', t.kiosk2.token);
      expect((await kiosk2.request(kioskSchedulingRequests.home, {})).kiosk.outOfService).toBe(
        true,
      );
      expect(
        await refusal(
          kiosk2.request(kioskSchedulingRequests.joinWalkIn, { serviceId: t.serviceA }),
        ),
      ).toMatchObject({ code: 'UNAVAILABLE', reason: 'out_of_service' });
    } finally {
      await t.server.store.db
        .updateTable('kiosks')
        .set({ out_of_service: 0 })
        .where('id', '=', t.kiosk2.id)
        .execute();
    }
  });
});

describe('no-shows', () => {
  test('closes an appointment nobody checked in for once its window has passed, and only then', async ({
    t,
    client,
  }) => {
    const advisor = await client('/staff', t.advisor.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const gone = await insertAppointment(t, { startsAt: inMinutes(-31) });
    // Still inside the 30-minute window: not a no-show, and the citizen can still check in.
    const late = await insertAppointment(t, {
      startsAt: inMinutes(-29),
      kioskId: t.kiosk2.id,
      advisorId: t.advisor2.id,
    });
    const told = eventWhere(
      advisor,
      staffSchedulingEvents.appointmentChanged,
      (a) => a.id === gone.id && a.status === 'no_show',
    );
    await told;
    const row = await appointmentRow(t, gone.id);
    expect(row.status).toBe('no_show');
    expect(row.ended_at).not.toBeNull();
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: gone.code })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'too_late' });

    // A sweep that has certainly seen it leaves the one still in its window untouched.
    await nextSweep();
    expect((await appointmentRow(t, late.id)).status).toBe('scheduled');
    const kiosk2 = await client('/kiosk', t.kiosk2.token);
    const { waiting } = await kiosk2.request(kioskSchedulingRequests.checkIn, { code: late.code });
    expect(waiting.appointmentId).toBe(late.id);
    // Checked in, it is no longer the sweeper's business.
    await nextSweep();
    expect((await appointmentRow(t, late.id)).status).toBe('checked_in');

    /**
     * Resolves after a whole sweep that started from now: an appointment past its window, added
     * now, is closed by the first sweep whose query ran after it, and that query would have
     * returned any other appointment past its window too.
     */
    async function nextSweep() {
      const marker = await insertAppointment(t, {
        startsAt: inMinutes(-31),
        advisorId: t.advisor3.id,
        serviceId: t.serviceB,
      });
      await expect
        .poll(async () => (await appointmentRow(t, marker.id)).status, { timeout: 5_000 })
        .toBe('no_show');
    }
  });
});
