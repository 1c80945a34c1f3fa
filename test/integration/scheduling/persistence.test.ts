import { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  kioskSchedulingRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { localDay } from '@visio/shared/time';
import {
  appointmentRow,
  book,
  eventually,
  eventWhere,
  inMinutes,
  recordTraffic,
  type Heard,
} from '../../support/appointments';
import { describe, expect, test } from '../../support/integrationTest';
import { nextEvent } from '../../support/socketClient';
import { enrolKiosk } from '../../support/testServer';

// Waiting citizens survive a server restart: the database is the truth, a call cut by the restart
// puts its citizen back in the waiting room, and a kiosk that comes back within the grace finds
// its citizen still waiting. A kiosk that stays away longer gives its place up.

// Long enough for both kiosks to reconnect after the restart, even on a loaded machine.
const GRACE_MS = 2500;
const ENV = { KIOSK_WAITING_GRACE_MS: String(GRACE_MS), CALL_RECONNECT_GRACE_MS: '200' };
test.override({ serverEnv: ENV });

describe('across a restart', () => {
  test('keeps waiting citizens, requeues the one whose call was cut, and lets the kiosks resume', async ({
    t: before,
    servers,
    client,
  }) => {
    const advisor2 = await client('/staff', before.advisor2.token, before);
    const kiosk = await client('/kiosk', before.kiosk.token, before);
    const kiosk2 = await client('/kiosk', before.kiosk2.token, before);
    const waitingOne = await book(before, { startsAt: inMinutes(5) });
    const inCall = await book(before, {
      startsAt: inMinutes(5),
      kioskId: before.kiosk2.id,
      advisorId: before.advisor2.id,
    });
    const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, {
      code: waitingOne.checkInCode,
    });
    await kiosk2.request(kioskSchedulingRequests.checkIn, { code: inCall.checkInCode });
    const { callId } = await advisor2.request(staffSchedulingRequests.admit, {
      appointmentId: inCall.appointment.id,
    });
    const checkedInAt = (await appointmentRow(before, waitingOne.appointment.id)).checked_in_at;
    // A third waiting citizen whose kiosk will not come back: when it loses its place, the
    // reconnect grace of every kiosk restored with it has run out too.
    const away = await enrolKiosk(before.server, 'Kiosk away', before.site);
    const awayKiosk = await client('/kiosk', away.token, before);
    const awayOne = await book(before, {
      startsAt: inMinutes(5),
      kioskId: away.id,
      advisorId: before.advisor3.id,
      serviceId: before.serviceB,
    });
    await awayKiosk.request(kioskSchedulingRequests.checkIn, { code: awayOne.checkInCode });

    // Stop with everyone still connected, as a real shutdown would.
    const cut = nextEvent(kiosk2, callEvents.ended);
    await before.stop({ keepData: true });
    servers.stopped(before);
    expect(await cut).toMatchObject({ callId, reason: 'server_shutdown' });

    const t = await servers.start(ENV, { dataDir: before.dataDir, fixtures: before });
    // Both kiosks come back within the grace and find their citizen still waiting.
    const back = await client('/kiosk', t.kiosk.token, t);
    const back2 = await client('/kiosk', t.kiosk2.token, t);
    const home = await back.request(kioskSchedulingRequests.home, {});
    expect(home.waiting).toMatchObject({
      appointmentId: waitingOne.appointment.id,
      checkedInAt: waiting.checkedInAt,
    });
    const home2 = await back2.request(kioskSchedulingRequests.home, {});
    expect(home2.waiting).toMatchObject({ appointmentId: inCall.appointment.id });
    expect(await appointmentRow(t, waitingOne.appointment.id)).toMatchObject({
      status: 'checked_in',
      checked_in_at: checkedInAt,
    });
    expect(await appointmentRow(t, inCall.appointment.id)).toMatchObject({
      status: 'checked_in',
      call_started_at: null,
    });
    // The cut call is closed in the records.
    const record = await t.server.store.db
      .selectFrom('call_records')
      .selectAll()
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(record.ended_at).not.toBeNull();
    expect(['server_shutdown', 'server_restart']).toContain(record.end_reason);

    // The advisors see their citizens waiting.
    const advisor = await client('/staff', t.advisor.token, t);
    const again2 = await client('/staff', t.advisor2.token, t);
    expect(
      (await advisor.request(staffSchedulingRequests.queue, {})).entries.map((e) => [
        e.id,
        e.status,
      ]),
    ).toEqual([[waitingOne.appointment.id, 'checked_in']]);
    expect(
      (await again2.request(staffSchedulingRequests.queue, {})).entries.map((e) => e.id),
    ).toEqual([inCall.appointment.id]);
    const agenda = await advisor.request(staffSchedulingRequests.agenda, {});
    const isToday =
      new Date(waitingOne.appointment.startsAt) < localDay(new Date(), 'Europe/Paris').end;
    expect(agenda.appointments.find((a) => a.id === waitingOne.appointment.id)?.status).toBe(
      isToday ? 'checked_in' : undefined,
    );

    // Past the reconnect grace, nobody lost their place: the kiosks came back in time.
    await expect
      .poll(async () => (await appointmentRow(t, awayOne.appointment.id)).status, {
        timeout: GRACE_MS + 5_000,
      })
      .toBe('scheduled');
    expect((await appointmentRow(t, waitingOne.appointment.id)).status).toBe('checked_in');
    expect((await appointmentRow(t, inCall.appointment.id)).status).toBe('checked_in');

    // The cut call can start again.
    const restarted = nextEvent(back2, callEvents.started);
    const second = await again2.request(staffSchedulingRequests.admit, {
      appointmentId: inCall.appointment.id,
    });
    expect(await restarted).toMatchObject({ callId: second.callId, advisorId: t.advisor2.id });
    await again2.request(callRequests.hangup, { callId: second.callId });
    await eventually(
      async () => (await appointmentRow(t, inCall.appointment.id)).status === 'completed',
      'the resumed appointment to complete',
    );
  });

  test('gives up the place of a kiosk that stays away longer than the grace', async ({
    servers,
    client,
    socket,
  }) => {
    const t = servers.all.at(-1)!;
    const advisor = await client('/staff', t.advisor.token, t);
    const kiosk = await client('/kiosk', t.kiosk.token, t);
    const kiosk2 = await client('/kiosk', t.kiosk2.token, t);
    // Kiosk one still has the citizen from the restart; kiosk two takes a walk-in.
    const appointmentId = (await kiosk.request(kioskSchedulingRequests.home, {})).waiting!
      .appointmentId;
    const walkIn = await kiosk2.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });

    const rebooked = eventWhere(
      advisor,
      staffSchedulingEvents.appointmentChanged,
      (a) => a.id === appointmentId && a.status === 'scheduled',
      GRACE_MS + 4000,
    );
    kiosk.socket.close();
    kiosk2.socket.close();
    // The appointment goes back to scheduled (it may check in again), the walk-in is over.
    expect(await rebooked).toMatchObject({ checkedInAt: null });
    await eventually(
      async () => (await appointmentRow(t, walkIn.waiting.appointmentId)).status === 'cancelled',
      'the walk-in to be cancelled',
    );
    expect((await advisor.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);

    // Back later, the kiosk is at its welcome screen, and hears nothing of the old citizen.
    let heard: Heard[] = [];
    const later = new SignallingClient(
      await socket('/kiosk', t.kiosk.token, {
        on: t,
        beforeConnect: (s) => (heard = recordTraffic(s)),
      }),
      5_000,
    );
    expect((await later.request(kioskSchedulingRequests.home, {})).waiting).toBeNull();
    // What the server sends a kiosk for its connection goes out before it answers a request
    // made after it on the same socket.
    await later.request(kioskSchedulingRequests.home, {});
    expect(heard).toEqual([]);
  });
});
