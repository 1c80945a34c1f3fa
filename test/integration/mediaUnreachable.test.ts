import {
  callEvents,
  callRequests,
  kioskMonitoringRequests,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  mediaRequests,
  staffMonitoringEvents,
  staffMonitoringRequests,
  staffSchedulingRequests,
  type CallStatsReport,
} from '@visio/shared/protocol';
import { appointmentRow, book, eventWhere, eventually, inMinutes } from '../support/appointments';
import { joinMedia, sendMicrophone } from '../support/callMedia';
import { describe, expect, test } from '../support/integrationTest';
import { nextEvent } from '../support/socketClient';

// A call whose media never starts is a failed call. These clients signal like browsers but never
// send a packet (their DTLS parameters are made up: no transport ever connects), as a kiosk behind
// a firewall that lets the web through and not the media. One second to start, so the test does
// not wait twenty.

test.override({
  serverEnv: { MEDIA_START_TIMEOUT_S: '1' },
  afterEachTest: 'no appointments',
});

/** A stats report of a browser that received media of the call. */
function receiving(): CallStatsReport {
  const audio = {
    kind: 'audio' as const,
    bitrateKbps: 32,
    packets: 250,
    packetsLost: 0,
    jitterMs: 5,
    framesDecoded: null,
    framesPerSecond: null,
    frameWidth: null,
    frameHeight: null,
    roundTripTimeMs: 2,
  };
  return {
    timestamp: Date.now(),
    outbound: { audio: null, video: null },
    inbound: { audio, video: null },
  };
}

describe('a call whose media never starts', () => {
  test('fails as media_unreachable: both told, the citizen back at the head of the queue, the console alerted, nothing completed', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const booked = await book(t, { startsAt: inMinutes(5) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: booked.checkInCode });
    const checkedInAt = (await appointmentRow(t, booked.appointment.id)).checked_in_at;
    const advisor = await client('/staff', t.advisor.token);

    const kioskEnded = nextEvent(kiosk, callEvents.ended, 10_000);
    const advisorEnded = nextEvent(advisor, callEvents.ended, 10_000);
    // The status told once the call has ended (the one of the admission has no place).
    const waitingAgain = eventWhere(
      kiosk,
      kioskSchedulingEvents.waitingStatus,
      (s) => s.appointmentId === booked.appointment.id && s.position !== null,
      10_000,
    );
    const alert = eventWhere(
      tech,
      staffMonitoringEvents.alertRaised,
      (a) => a.type === 'media_unreachable',
    );
    const { callId } = await advisor.request(staffSchedulingRequests.admit, {
      appointmentId: booked.appointment.id,
    });
    // Everything a browser does before media would flow: join, transports, a microphone, consume.
    const k = await joinMedia(kiosk, callId);
    await joinMedia(advisor, callId);
    const { producerId } = await sendMicrophone(kiosk, callId, k.send.transportId);
    const { consumerId } = await advisor.request(mediaRequests.consume, { callId, producerId });
    await advisor.request(mediaRequests.resumeConsumer, { callId, consumerId });

    const ended = { callId, reason: 'media_unreachable', endedBy: 'system' };
    expect(await kioskEnded).toEqual({ ...ended, unreachable: ['kiosk', 'advisor'] });
    expect(await advisorEnded).toEqual({ ...ended, unreachable: ['kiosk', 'advisor'] });

    // The citizen waits again at the head of the queue, with their check-in time.
    expect(await waitingAgain).toMatchObject({
      appointmentId: booked.appointment.id,
      position: 1,
      checkedInAt,
    });
    const row = await appointmentRow(t, booked.appointment.id);
    expect(row).toMatchObject({ status: 'checked_in', call_started_at: null, ended_at: null });
    expect(row.handed_back_at).not.toBeNull();

    // The console: an alert naming the kiosk, with each side's path as the server saw it.
    const raised = await alert;
    expect(raised).toMatchObject({ kioskId: t.kiosk.id, clearedAt: null });
    expect(raised.mediaFailure).toMatchObject({
      missing: ['kiosk_to_advisor', 'advisor_to_kiosk'],
      unreachable: ['kiosk', 'advisor'],
      kiosk: {
        send: { ice: 'new', dtls: 'new' },
        recv: { ice: 'new', dtls: 'new' },
        protocol: null,
        packetsReceived: 0,
        packetsSent: 0,
      },
    });
    expect(raised.mediaFailure!.waitedSeconds).toBeGreaterThanOrEqual(1);

    // The call's record and history: failed, why, never completed.
    const entry = await eventually(
      async () =>
        (await tech.request(staffMonitoringRequests.callsHistory, {})).calls.find(
          (c) => c.callId === callId && c.endedAt !== null,
        ),
      'the failed call in the history',
    );
    expect(entry).toMatchObject({ endReason: 'media_unreachable', endedBy: 'system' });
    expect(entry.mediaFailure).toEqual(raised.mediaFailure);
    const record = await t.server.store.db
      .selectFrom('call_records')
      .select(['end_reason', 'media_failure'])
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(record.end_reason).toBe('media_unreachable');
    expect(JSON.parse(record.media_failure!)).toEqual(raised.mediaFailure);
  });

  test('is not what a call whose browsers receive media becomes: it is set up and goes on', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const booked = await book(t, { startsAt: inMinutes(5) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: booked.checkInCode });
    const advisor = await client('/staff', t.advisor.token);
    const setUp = eventWhere(
      tech,
      staffMonitoringEvents.callsChanged,
      (c) => c.status === 'active' && c.call.setupSeconds !== null,
    );
    const { callId } = await advisor.request(staffSchedulingRequests.admit, {
      appointmentId: booked.appointment.id,
    });
    await kiosk.request(kioskMonitoringRequests.statsReport, { callId, stats: receiving() });
    await advisor.request(staffMonitoringRequests.statsReport, { callId, stats: receiving() });

    expect((await setUp).callId).toBe(callId);
    // No longer watched: its deadline cannot end it.
    expect(t.server.monitoring.mediaStart.pending).toBe(0);
    expect(t.server.calls.activeCalls.map((c) => c.id)).toEqual([callId]);
    await advisor.request(callRequests.hangup, { callId });
    await eventually(
      async () =>
        (await appointmentRow(t, booked.appointment.id)).status === 'completed' || undefined,
      'the appointment completed after a real call',
    );
  });
});
