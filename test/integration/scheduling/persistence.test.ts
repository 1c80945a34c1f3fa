import { afterAll, describe, expect, it } from 'vitest';
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
import { connect, connectClient, nextEvent } from '../../support/socketClient';
import { startTestServer, type TestServer } from '../../support/testServer';

// Waiting citizens survive a server restart: the database is the truth, a call cut by the restart
// puts its citizen back in the waiting room, and a kiosk that comes back within the grace finds
// its citizen still waiting. A kiosk that stays away longer gives its place up.

// Long enough for both kiosks to reconnect after the restart, even on a loaded machine.
const GRACE_MS = 2500;
const ENV = { KIOSK_WAITING_GRACE_MS: String(GRACE_MS), CALL_RECONNECT_GRACE_MS: '200' };
const servers: TestServer[] = [];
const open: SignallingClient[] = [];

afterAll(async () => {
  for (const c of open) c.socket.close();
  const last = servers.at(-1);
  if (last) await last.stop();
});

async function client(t: TestServer, nsp: '/kiosk' | '/staff', token: string) {
  const c = await connectClient(t.url, nsp, token);
  open.push(c);
  return c;
}

describe('across a restart', () => {
  it('keeps waiting citizens, requeues the one whose call was cut, and lets the kiosks resume', async () => {
    const before = await startTestServer(ENV);
    servers.push(before);
    const advisor2 = await client(before, '/staff', before.advisor2.token);
    const kiosk = await client(before, '/kiosk', before.kiosk.token);
    const kiosk2 = await client(before, '/kiosk', before.kiosk2.token);
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

    // Stop with everyone still connected, as a real shutdown would.
    const cut = nextEvent(kiosk2, callEvents.ended);
    await before.stop({ keepData: true });
    expect(await cut).toMatchObject({ callId, reason: 'server_shutdown' });

    const t = await startTestServer(ENV, { dataDir: before.dataDir, fixtures: before });
    servers.push(t);
    // Both kiosks come back within the grace and find their citizen still waiting.
    const back = await client(t, '/kiosk', t.kiosk.token);
    const back2 = await client(t, '/kiosk', t.kiosk2.token);
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
    const advisor = await client(t, '/staff', t.advisor.token);
    const again2 = await client(t, '/staff', t.advisor2.token);
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
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
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

  it('gives up the place of a kiosk that stays away longer than the grace', async () => {
    const t = servers.at(-1)!;
    const advisor = await client(t, '/staff', t.advisor.token);
    const kiosk = await client(t, '/kiosk', t.kiosk.token);
    const kiosk2 = await client(t, '/kiosk', t.kiosk2.token);
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
    const socket = await connect(t.url, '/kiosk', t.kiosk.token, (s) => {
      heard = recordTraffic(s);
    });
    const later = new SignallingClient(socket, 5_000);
    open.push(later);
    expect((await later.request(kioskSchedulingRequests.home, {})).waiting).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([]);
  });
});
