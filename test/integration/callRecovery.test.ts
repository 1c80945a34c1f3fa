import { randomUUID } from 'node:crypto';
import { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  inCallRequests,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  mediaEvents,
  mediaRequests,
  staffMonitoringRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import type { types } from 'mediasoup';
import { appointmentRow, book, eventually, inMinutes, refusal } from '../support/appointments';
import { joinMedia, sendMicrophone } from '../support/callMedia';
import { describe, expect, test } from '../support/integrationTest';
import { nextEvent, recordEvents } from '../support/socketClient';
import { startDirectCall, type TestServer } from '../support/testServer';

// A fault on our side does not end the call: a lost media room (worker killed, worker hung,
// router closed under us) is replaced and both parties are told to rebuild their media in it;
// a party that drops is announced to the other, and an advisor who does not come back hands the
// citizen back to the head of the queue. Two workers, so a call has somewhere to go at once, and a
// fast health probe.

const GRACE_MS = 1500;
test.override({
  serverEnv: {
    MEDIA_WORKERS: '2',
    MEDIA_WORKER_PROBE_INTERVAL_MS: '100',
    MEDIA_WORKER_PROBE_TIMEOUT_MS: '300',
    MEDIA_WORKER_PROBE_MISSES: '2',
    CALL_RECONNECT_GRACE_MS: String(GRACE_MS),
  },
  afterEachTest: 'no appointments',
});

async function incidentsOf(t: TestServer, callId: string) {
  return t.server.store.db
    .selectFrom('call_incidents')
    .select(['cause', 'duration_ms'])
    .where('call_id', '=', callId)
    .execute();
}

/** Both parties in a call with their media joined, the kiosk sending its microphone. */
async function callWithMedia(
  t: TestServer,
  client: (nsp: '/kiosk' | '/staff', token: string) => Promise<SignallingClient>,
) {
  const kiosk = await client('/kiosk', t.kiosk.token);
  const advisor = await client('/staff', t.advisor.token);
  const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
  const k = await joinMedia(kiosk, callId);
  await joinMedia(advisor, callId);
  await sendMicrophone(kiosk, callId, k.send.transportId);
  return { kiosk, advisor, callId };
}

/** Both parties rebuild their media in the room of `epoch`; the kiosk's microphone reaches the advisor again. */
async function rejoin(
  kiosk: SignallingClient,
  advisor: SignallingClient,
  callId: string,
  epoch: number,
) {
  const k = await joinMedia(kiosk, callId, epoch);
  await joinMedia(advisor, callId, epoch);
  const announced = nextEvent(advisor, mediaEvents.newProducer);
  const mic = await sendMicrophone(kiosk, callId, k.send.transportId);
  expect(await announced).toMatchObject({ callId, producerId: mic.producerId });
}

describe('a call whose media room is lost', () => {
  test('moves off a hung worker, found by the health probe and killed', async ({ t, client }) => {
    const { kiosk, advisor, callId } = await callWithMedia(t, client);
    const call = t.server.calls.activeCalls.find((c) => c.id === callId)!;
    const hungPid = call.room.workerPid;
    const kioskMoved = nextEvent(kiosk, callEvents.mediaRestart, 10_000);
    const advisorMoved = nextEvent(advisor, callEvents.mediaRestart, 10_000);
    process.kill(hungPid, 'SIGSTOP');
    try {
      const moved = await kioskMoved;
      expect(moved).toMatchObject({ callId, mediaEpoch: 1, reason: 'worker_unresponsive' });
      expect(await advisorMoved).toEqual(moved);
      expect(call.room.workerPid).not.toBe(hungPid);
      expect(t.server.pool.liveWorkers.map((w) => w.pid)).not.toContain(hungPid);
    } finally {
      // Never leave a stopped process behind, whatever happened (it is dead if the probe worked).
      try {
        process.kill(hungPid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rejoin(kiosk, advisor, callId, 1);
    await eventually(
      async () => (await incidentsOf(t, callId)).find((i) => i.duration_ms !== null),
      'the incident recorded once both are back',
    );
    expect(await incidentsOf(t, callId)).toEqual([
      { cause: 'worker_unresponsive', duration_ms: expect.any(Number) as number },
    ]);
    await advisor.request(callRequests.hangup, { callId });
  });

  test('moves off a router closed under it, keeping the call id and its chat', async ({
    t,
    client,
  }) => {
    const routers: types.Router[] = [];
    for (const worker of t.server.pool.liveWorkers)
      worker.observer.on('newrouter', (router) => routers.push(router));
    const { kiosk, advisor, callId } = await callWithMedia(t, client);
    const { message } = await kiosk.request(inCallRequests.chatSend, { callId, text: 'Bonjour' });
    const kioskSeen = recordEvents(kiosk.socket);
    const moved = nextEvent(kiosk, callEvents.mediaRestart, 10_000);
    const advisorMoved = nextEvent(advisor, callEvents.mediaRestart, 10_000);
    routers.find((r) => !r.closed)!.close();

    expect(await moved).toMatchObject({ callId, mediaEpoch: 1, reason: 'router_closed' });
    await advisorMoved;
    await rejoin(kiosk, advisor, callId, 1);
    expect(kioskSeen).not.toContain(callEvents.ended.name);
    expect((await advisor.request(inCallRequests.chatHistory, { callId })).messages).toEqual([
      message,
    ]);
    await advisor.request(callRequests.hangup, { callId });
    // The technician's call history shows the incident: cause and duration, nothing personal.
    const technician = await client('/staff', t.technician.token);
    const entry = await eventually(
      async () =>
        (await technician.request(staffMonitoringRequests.callsHistory, {})).calls.find(
          (c) => c.callId === callId && c.incidents.length > 0,
        ),
      'the call in the history with its incident',
    );
    expect(entry.incidents).toEqual([
      {
        cause: 'router_closed',
        startedAt: expect.any(String) as string,
        durationMs: expect.any(Number) as number,
      },
    ]);
  });

  test('refuses joins for a room that was replaced, and media requests before the new join', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await callWithMedia(t, client);
    const moved = nextEvent(kiosk, callEvents.mediaRestart, 10_000);
    const call = t.server.calls.activeCalls.find((c) => c.id === callId)!;
    process.kill(call.room.workerPid, 'SIGKILL');
    const { rtpCapabilities } = await moved;
    const stale = kiosk.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 0 });
    expect(await refusal(stale)).toMatchObject({ code: 'CONFLICT', reason: 'stale_media_epoch' });
    const ahead = kiosk.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 2 });
    expect(await refusal(ahead)).toMatchObject({ code: 'CONFLICT', reason: 'stale_media_epoch' });
    // Consuming in the new room before joining it is out of order: a clear error, the server on.
    const early = kiosk.request(mediaRequests.consume, { callId, producerId: randomUUID() });
    expect(await refusal(early)).toMatchObject({ code: 'BAD_STATE' });
    await rejoin(kiosk, advisor, callId, 1);
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('a party that drops', () => {
  test('is announced to the other party as away with the end of its grace, then as back', async ({
    t,
    client,
    socket,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const away = nextEvent(advisor, callEvents.partyStatus);
    kiosk.socket.close();
    const status = await away;
    expect(status).toMatchObject({ callId, party: 'kiosk', state: 'away' });
    expect(Date.parse(status.graceEndsAt!) - Date.parse(status.awaySince!)).toBe(GRACE_MS);

    const back = nextEvent(advisor, callEvents.partyStatus);
    let resumed!: Promise<unknown>;
    const again = await socket('/kiosk', t.kiosk.token, {
      beforeConnect: (s) => (resumed = nextEvent(new SignallingClient(s), callEvents.started)),
    });
    expect(await back).toEqual({
      callId,
      party: 'kiosk',
      state: 'back',
      awaySince: null,
      graceEndsAt: null,
    });
    expect(await resumed).toMatchObject({ callId, mediaEpoch: 0 });
    await eventually(
      async () => (await incidentsOf(t, callId)).find((i) => i.cause === 'kiosk_away'),
      'the absence recorded',
    );
    again.close();
    await advisor.request(callRequests.hangup, { callId });
  });

  test('an advisor who does not come back hands the citizen back to the head of the queue', async ({
    t,
    client,
  }) => {
    // A walk-in waits first; the appointment's citizen checks in after them and is taken.
    const walkInKiosk = await client('/kiosk', t.kiosk2.token);
    await walkInKiosk.request(kioskSchedulingRequests.joinWalkIn, { serviceId: t.serviceA });
    const kiosk = await client('/kiosk', t.kiosk.token);
    const booked = await book(t, { startsAt: inMinutes(5) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: booked.checkInCode });
    const checkedInAt = (await appointmentRow(t, booked.appointment.id)).checked_in_at;
    const advisor = await client('/staff', t.advisor.token);
    const colleague = await client('/staff', t.advisor2.token);
    const { callId } = await advisor.request(staffSchedulingRequests.admit, {
      appointmentId: booked.appointment.id,
    });

    const away = nextEvent(kiosk, callEvents.partyStatus);
    const ended = nextEvent(kiosk, callEvents.ended, GRACE_MS + 5_000);
    const waitingAgain = nextEvent(kiosk, kioskSchedulingEvents.waitingStatus, GRACE_MS + 5_000);
    advisor.socket.close();
    expect(await away).toMatchObject({ callId, party: 'advisor', state: 'away' });
    expect(await ended).toEqual({ callId, reason: 'advisor_disconnected', endedBy: 'advisor' });
    expect(await waitingAgain).toMatchObject({
      appointmentId: booked.appointment.id,
      position: 1,
      checkedInAt,
    });
    expect(await appointmentRow(t, booked.appointment.id)).toMatchObject({
      status: 'checked_in',
      checked_in_at: checkedInAt,
      call_started_at: null,
    });
    // A colleague sees them first, ahead of the walk-in who checked in earlier, and takes them.
    const queue = await colleague.request(staffSchedulingRequests.queue, {});
    expect(queue.entries[0]).toMatchObject({ id: booked.appointment.id });
    expect(queue.entries).toHaveLength(2);
    const taken = await colleague.request(staffSchedulingRequests.admit, {
      appointmentId: booked.appointment.id,
    });
    await colleague.request(callRequests.hangup, { callId: taken.callId });
  });
});
