import { randomUUID } from 'node:crypto';
import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  inCallRequests,
  kioskSchedulingRequests,
  mediaEvents,
  mediaRequests,
  staffMonitoringEvents,
  staffSchedulingRequests,
  transferEvents,
  transferRequests,
} from '@visio/shared/protocol';
import {
  appointmentRow,
  book,
  eventually,
  eventWhere,
  inMinutes,
  mentioning,
  recordTraffic,
  refusal,
} from '../support/appointments';
import { joinMedia, sendCamera, sendMicrophone } from '../support/callMedia';
import { ReportQueries } from '../../server/src/reporting/ReportQueries';
import { describe, expect, test, type OpenClient } from '../support/integrationTest';
import { connectExpecting, nextEvent, rawRequest } from '../support/socketClient';
import { startDirectCall, type TestServer } from '../support/testServer';

// Warm transfer (issue #14 item 2): the call's advisor hands it to a colleague with a private
// note; the citizen stays in the same call; the colleague accepts (or not) within the offer's time.

test.override({ serverEnv: { CALL_RECONNECT_GRACE_MS: '300' }, afterEachTest: 'no appointments' });

const NOTE = 'Needs help with a pension file — private';

/**
 * A citizen of advisor one checked in at kiosk one and admitted: the call runs, both sides joined
 * its media and send a microphone. Advisor three (service B) is online.
 */
async function callInProgress(t: TestServer, client: OpenClient) {
  const advisor = await client('/staff', t.advisor.token, t);
  const colleague = await client('/staff', t.advisor3.token, t);
  const kiosk = await client('/kiosk', t.kiosk.token, t);
  const kioskHeard = recordTraffic(kiosk.socket);
  const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(5) });
  await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  const started = nextEvent(kiosk, callEvents.started);
  const { callId } = await advisor.request(staffSchedulingRequests.admit, {
    appointmentId: appointment.id,
  });
  await started;
  const k = await joinMedia(kiosk, callId);
  const a = await joinMedia(advisor, callId);
  await sendMicrophone(kiosk, callId, k.send.transportId);
  const advisorMic = await sendMicrophone(advisor, callId, a.send.transportId);
  return {
    advisor,
    colleague,
    kiosk,
    kioskHeard,
    callId,
    appointmentId: appointment.id,
    advisorMic,
  };
}

function offer(c: SignallingClient, callId: string, toAdvisorId: string, serviceId: string) {
  return c.request(transferRequests.offer, { callId, toAdvisorId, serviceId, note: NOTE });
}

const codeOf = (ack: unknown) => {
  const a = ack as { ok: boolean; error?: { code: string } };
  return a.ok ? 'OK' : a.error!.code;
};

async function transfersOf(t: TestServer, callId: string) {
  return t.server.store.db
    .selectFrom('call_transfers')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('offered_at')
    .execute();
}

describe('warm transfer', () => {
  test('hands the call to the colleague who accepts: same call, the kiosk keeps its media and gets theirs, the first advisor is out, both appointments recorded', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, kiosk, kioskHeard, callId, appointmentId, advisorMic } =
      await callInProgress(t, client);

    // The colleagues on offer: online, available, in no call; not oneself.
    const { colleagues } = await advisor.request(transferRequests.colleagues, {});
    expect(colleagues).toEqual([
      {
        advisorId: t.advisor3.id,
        name: 'Advisor Three',
        services: [{ id: t.serviceB, name: 'Service B' }],
      },
    ]);

    const offered = nextEvent(colleague, transferEvents.offered);
    const putThrough = eventWhere(kiosk, transferEvents.handover, (h) => h.state === 'offered');
    const { transferId, expiresAt } = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    expect(await offered).toMatchObject({
      transferId,
      callId,
      fromAdvisorName: 'Advisor One',
      fromServiceName: 'Service A',
      serviceName: 'Service B',
      kioskName: 'Kiosk A',
      siteName: 'Test site',
      note: NOTE,
      expiresAt,
    });
    expect(await putThrough).toEqual({
      callId,
      state: 'offered',
      serviceName: 'Service B',
      advisorName: null,
      advisorSince: null,
    });
    // Until the colleague accepts, the first advisor keeps the call.
    expect(t.server.calls.activeCallOf(t.advisor.id)?.id).toBe(callId);

    // The technician's console follows the seat changing hands (names of staff, no note).
    const technician = await client('/staff', t.technician.token);
    const technicianHeard = recordTraffic(technician.socket);
    const consoleSees = eventWhere(
      technician,
      staffMonitoringEvents.callsChanged,
      (c) => c.callId === callId && c.call.advisorId === t.advisor3.id,
    );
    const outcome = nextEvent(advisor, transferEvents.outcome);
    const firstOut = eventWhere(advisor, callEvents.ended, (e) => e.callId === callId);
    const colleagueStarted = nextEvent(colleague, callEvents.started);
    const done = eventWhere(kiosk, transferEvents.handover, (h) => h.state === 'done');
    const advisorMicGone = eventWhere(
      kiosk,
      mediaEvents.consumerClosed,
      (c) => c.producerId === advisorMic.producerId,
    );
    expect(await colleague.request(transferRequests.accept, { callId, transferId })).toEqual({
      callId,
    });
    const { advisorSince } = await colleagueStarted;
    expect(await colleagueStarted).toMatchObject({
      callId,
      advisorId: t.advisor3.id,
      kioskId: t.kiosk.id,
      peerName: 'Kiosk A',
      advisorSince: expect.any(String),
    });
    expect(await firstOut).toMatchObject({ reason: 'transferred', endedBy: 'advisor' });
    expect(await outcome).toEqual({
      callId,
      transferId,
      outcome: 'accepted',
      colleagueName: 'Advisor Three',
    });
    expect(await done).toEqual({
      callId,
      state: 'done',
      serviceName: 'Service B',
      advisorName: 'Advisor Three',
      advisorSince,
    });
    // The kiosk's consumer of the first advisor's microphone closed with their transports.
    await advisorMicGone;
    expect((await consoleSees).call.advisorName).toBe('Advisor Three');

    // The colleague joins the same room: the kiosk's microphone is there to consume, and the
    // colleague's reaches the kiosk on its own receive transport (its transports were kept).
    const c = await joinMedia(colleague, callId);
    expect(c.producers.map((p) => p.source)).toEqual(['microphone']);
    const consumer = await colleague.request(mediaRequests.consume, {
      callId,
      producerId: c.producers[0]!.producerId,
    });
    await colleague.request(mediaRequests.resumeConsumer, {
      callId,
      consumerId: consumer.consumerId,
    });
    const toKiosk = eventWhere(kiosk, mediaEvents.newProducer, (p) => p.source === 'microphone');
    const colleagueMic = await sendMicrophone(colleague, callId, c.send.transportId);
    const announced = await toKiosk;
    expect(announced.producerId).toBe(colleagueMic.producerId);
    expect(announced.consumer).toBeDefined();
    await kiosk.request(mediaRequests.resumeConsumer, {
      callId,
      consumerId: announced.consumer!.consumerId,
    });

    // The first advisor is no longer a party: the call is not theirs to touch.
    expect(await refusal(advisor.request(inCallRequests.chatHistory, { callId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await refusal(advisor.request(callRequests.hangup, { callId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // The kiosk never heard the note, nor was it wiped: no call:ended, no waiting news.
    expect(mentioning(kioskHeard, 'pension')).toEqual([]);
    expect(mentioning(technicianHeard, 'pension')).toEqual([]);
    expect(kioskHeard.map((h) => h.name)).not.toContain(callEvents.ended.name);

    // Both appointments: the first completed as transferred, the colleague's runs in the call.
    expect(await appointmentRow(t, appointmentId)).toMatchObject({
      status: 'completed',
      outcome: 'transferred',
      advisor_id: t.advisor.id,
    });
    const toAppointmentId = t.server.calls.activeCallOf(t.advisor3.id)?.appointmentId;
    expect(toAppointmentId).toBeDefined();
    expect(toAppointmentId).not.toBe(appointmentId);
    expect(await appointmentRow(t, toAppointmentId!)).toMatchObject({
      status: 'in_call',
      advisor_id: t.advisor3.id,
      service_id: t.serviceB,
      kiosk_id: t.kiosk.id,
      transferred_from: appointmentId,
    });

    // The colleague ends the call and records its outcome; the record lists the handover.
    const ended = nextEvent(kiosk, callEvents.ended);
    await colleague.request(callRequests.hangup, { callId });
    await ended;
    await eventually(
      async () => (await appointmentRow(t, toAppointmentId!)).status === 'completed',
      "the colleague's appointment to complete",
    );
    await colleague.request(staffSchedulingRequests.recordOutcome, {
      appointmentId: toAppointmentId!,
      outcome: 'resolved',
    });
    // The impact report counts two interviews (two services served) but one wait.
    const today = { from: inMinutes(-24 * 60), to: inMinutes(24 * 60) };
    const figures = async (serviceId: string) =>
      (await new ReportQueries(t.server.store.db).appointments([], { ...today, serviceId }))[0];
    expect(await figures(t.serviceA)).toMatchObject({ interviews: 1, waited: 1 });
    expect(await figures(t.serviceB)).toMatchObject({ interviews: 1, waited: 0 });
    expect(await transfersOf(t, callId)).toMatchObject([
      {
        from_advisor_id: t.advisor.id,
        to_advisor_id: t.advisor3.id,
        to_service_id: t.serviceB,
        from_appointment_id: appointmentId,
        to_appointment_id: toAppointmentId,
        outcome: 'accepted',
      },
    ]);
  });

  test('a kiosk line in audio + text holds the pictures between the kiosk and the colleague who takes the call', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, kiosk, callId } = await callInProgress(t, client);
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    const { transferId } = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    const colleagueStarted = nextEvent(colleague, callEvents.started);
    await colleague.request(transferRequests.accept, { callId, transferId });
    // The colleague hears that the kiosk's line is in audio + text, to hold their camera too.
    expect(await colleagueStarted).toMatchObject({ callId, peerMediaMode: 'audio_text' });
    const call = t.server.calls.activeCallOf(t.advisor3.id)!;
    // Whatever the colleague's browser sends, the server holds its picture from the kiosk.
    const c = await joinMedia(colleague, callId);
    const offered = eventWhere(kiosk, mediaEvents.newProducer, (p) => p.source === 'camera');
    await sendCamera(colleague, callId, c.send.transportId);
    const { consumerId } = (await offered).consumer!;
    await kiosk.request(mediaRequests.resumeConsumer, { callId, consumerId });
    const forwarding = () => call.room.isForwarding(t.kiosk.id, consumerId);
    expect(forwarding()).toBe(false);
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'video' });
    await expect.poll(forwarding).toBe(true);
  });

  test('the first advisor’s line in audio + text goes with them: the colleague’s starts on video, and the kiosk hears it', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, kiosk, callId } = await callInProgress(t, client);
    await advisor.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    const { transferId } = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    const colleagueStarted = nextEvent(colleague, callEvents.started);
    const kioskHears = eventWhere(kiosk, callEvents.mediaMode, (m) => m.party === 'advisor');
    await colleague.request(transferRequests.accept, { callId, transferId });
    expect(await kioskHears).toEqual({ callId, party: 'advisor', mode: 'video' });
    expect(await colleagueStarted).toMatchObject({ callId, peerMediaMode: 'video' });
    expect(t.server.calls.activeCallOf(t.advisor3.id)!.mediaModes).toEqual({
      kiosk: 'video',
      advisor: 'video',
    });
  });

  test('a colleague who declines leaves the call with the first advisor; the kiosk is told nothing changes', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, kiosk, callId } = await callInProgress(t, client);
    const offered = nextEvent(colleague, transferEvents.offered);
    const { transferId } = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    await offered;
    // A page of theirs opened (or reloaded) meanwhile is shown the offer too, note included.
    const { client: again, event } = await connectExpecting(
      t.url,
      '/staff',
      t.advisor3.token,
      transferEvents.offered,
    );
    expect(await event).toMatchObject({ transferId, note: NOTE });
    again.socket.close();
    const outcome = nextEvent(advisor, transferEvents.outcome);
    const withdrawn = eventWhere(kiosk, transferEvents.handover, (h) => h.state === 'withdrawn');
    await colleague.request(transferRequests.decline, { callId, transferId });
    expect(await outcome).toMatchObject({ transferId, outcome: 'declined' });
    await withdrawn;
    expect(t.server.calls.activeCallOf(t.advisor.id)?.id).toBe(callId);
    expect(t.server.calls.activeCallOf(t.advisor3.id)).toBeUndefined();
    // Answered once: accepting it now finds nothing.
    expect(
      await refusal(colleague.request(transferRequests.accept, { callId, transferId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    await eventually(
      async () => (await transfersOf(t, callId))[0]?.outcome === 'declined',
      'the declined offer to be recorded',
    );
  });

  test('an offer nobody accepts in time expires: the first advisor keeps the call', async ({
    startServer,
    client,
  }) => {
    const t = await startServer({ TRANSFER_OFFER_TIMEOUT_S: '1' });
    const { advisor, colleague, callId } = await callInProgress(t, client);
    const { transferId } = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    const closed = nextEvent(colleague, transferEvents.closed);
    expect(await nextEvent(advisor, transferEvents.outcome)).toMatchObject({
      transferId,
      outcome: 'expired',
    });
    expect(await closed).toEqual({ transferId, outcome: 'expired' });
    expect(
      await refusal(colleague.request(transferRequests.accept, { callId, transferId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(t.server.calls.activeCallOf(t.advisor.id)?.id).toBe(callId);
    // A new offer may go out once the last one is over.
    await offer(advisor, callId, t.advisor3.id, t.serviceB);
    t.server.calls.endByStaff(callId);
  });

  test('the first advisor may withdraw an offer before it is accepted; an offer ends with its call', async ({
    t,
    client,
  }) => {
    const { advisor: before, colleague, callId } = await callInProgress(t, client);
    const { transferId, expiresAt } = await offer(before, callId, t.advisor3.id, t.serviceB);
    // The sender's page reloads: told the call again, with its offer still waiting.
    const oldSocket = before.socket.id;
    before.socket.close();
    await eventually(
      () => !t.server.signalling.io.of('/staff').sockets.has(oldSocket ?? ''),
      'the server to see the page go',
    );
    const reloaded = await connectExpecting(t.url, '/staff', t.advisor.token, callEvents.started);
    const advisor = reloaded.client;
    expect((await reloaded.event).transfer).toEqual({
      transferId,
      colleagueName: 'Advisor Three',
      serviceName: 'Service B',
      expiresAt,
    });
    // Only the sender withdraws it; only the colleague answers it.
    expect(
      await refusal(colleague.request(transferRequests.cancel, { callId, transferId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await refusal(advisor.request(transferRequests.accept, { callId, transferId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const closed = nextEvent(colleague, transferEvents.closed);
    await advisor.request(transferRequests.cancel, { callId, transferId });
    expect(await closed).toEqual({ transferId, outcome: 'cancelled' });
    expect(
      await refusal(colleague.request(transferRequests.accept, { callId, transferId })),
    ).toMatchObject({ code: 'NOT_FOUND' });

    const again = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    const gone = nextEvent(colleague, transferEvents.closed);
    await advisor.request(callRequests.hangup, { callId });
    expect(await gone).toEqual({ transferId: again.transferId, outcome: 'call_ended' });
    await eventually(
      async () =>
        (await transfersOf(t, callId)).map((r) => r.outcome).join() === 'cancelled,call_ended',
      'both offers to be recorded',
    );
    advisor.socket.close();
  });

  test('refuses offers to a colleague offline, in a call, away, to oneself, for a service they do not serve, a second one, and from anyone but the call’s advisor', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, callId } = await callInProgress(t, client);
    // Advisor two is not connected: offline.
    expect(await refusal(offer(advisor, callId, t.advisor2.id, t.serviceA))).toMatchObject({
      code: 'BAD_STATE',
      reason: 'colleague_offline',
    });
    // Advisor two connected, in a call with kiosk two.
    const advisor2 = await client('/staff', t.advisor2.token);
    await client('/kiosk', t.kiosk2.token);
    const { callId: otherCall } = await startDirectCall(t, t.advisor2.token, t.kiosk2.id);
    expect(await refusal(offer(advisor, callId, t.advisor2.id, t.serviceA))).toMatchObject({
      code: 'CONFLICT',
      reason: 'colleague_in_call',
    });
    // …and the colleague list leaves them out.
    const { colleagues } = await advisor.request(transferRequests.colleagues, {});
    expect(colleagues.map((c) => c.advisorId)).toEqual([t.advisor3.id]);
    // Advisor two may not offer a call that is not theirs (its existence does not leak).
    expect(await refusal(offer(advisor2, callId, t.advisor3.id, t.serviceB))).toMatchObject({
      code: 'NOT_FOUND',
    });
    t.server.calls.endByStaff(otherCall);
    expect(await refusal(offer(advisor, callId, t.advisor.id, t.serviceA))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'self',
    });
    expect(await refusal(offer(advisor, callId, t.advisor3.id, t.serviceA))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'service_not_served',
    });
    expect(await refusal(offer(advisor, callId, t.technician.id, t.serviceA))).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'no_such_colleague',
    });
    await colleague.request(staffSchedulingRequests.setAvailability, { availability: 'away' });
    expect(await refusal(offer(advisor, callId, t.advisor3.id, t.serviceB))).toMatchObject({
      code: 'BAD_STATE',
      reason: 'colleague_away',
    });
    await colleague.request(staffSchedulingRequests.setAvailability, { availability: 'available' });
    await offer(advisor, callId, t.advisor3.id, t.serviceB);
    expect(await refusal(offer(advisor, callId, t.advisor3.id, t.serviceB))).toMatchObject({
      code: 'CONFLICT',
      reason: 'transfer_pending',
    });
    // Staff without the advisor role never reach it.
    const technician = await client('/staff', t.technician.token);
    expect(await refusal(offer(technician, callId, t.advisor3.id, t.serviceB))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  test('only advisors reach transfer requests: other staff are refused, kiosks do not know them', async ({
    t,
    socket,
  }) => {
    const ref = { callId: randomUUID(), transferId: randomUUID() };
    const samples: Record<string, unknown> = {
      [transferRequests.colleagues.name]: {},
      [transferRequests.offer.name]: {
        callId: ref.callId,
        toAdvisorId: t.advisor3.id,
        serviceId: t.serviceB,
        note: NOTE,
      },
      [transferRequests.accept.name]: ref,
      [transferRequests.decline.name]: ref,
      [transferRequests.cancel.name]: ref,
    };
    expect(Object.keys(samples).sort()).toEqual(
      Object.values(transferRequests)
        .map((d) => d.name)
        .sort(),
    );
    const kiosk = await socket('/kiosk', t.kiosk.token);
    const others = await Promise.all(
      [t.technician, t.scheduler, t.admin].map((p) => socket('/staff', p.token)),
    );
    const advisor = await socket('/staff', t.advisor.token);
    for (const [name, payload] of Object.entries(samples)) {
      expect(codeOf(await rawRequest(kiosk, name, payload)), name).toBe('UNKNOWN_MESSAGE');
      for (const other of others)
        expect(codeOf(await rawRequest(other, name, payload)), name).toBe('FORBIDDEN');
      // An advisor reaches them: about no offer and no call of theirs, NOT_FOUND.
      expect(codeOf(await rawRequest(advisor, name, payload)), name).toBe(
        name === transferRequests.colleagues.name ? 'OK' : 'NOT_FOUND',
      );
    }
  });

  test('a colleague who is in a call by the time they accept is refused; the offer stays theirs to answer', async ({
    t,
    client,
  }) => {
    const { advisor, colleague, callId } = await callInProgress(t, client);
    const { transferId } = await offer(advisor, callId, t.advisor3.id, t.serviceB);
    await client('/kiosk', t.kiosk2.token);
    const { callId: otherCall } = await startDirectCall(t, t.advisor3.token, t.kiosk2.id);
    expect(
      await refusal(colleague.request(transferRequests.accept, { callId, transferId })),
    ).toMatchObject({ code: 'CONFLICT', reason: 'advisor_in_call' });
    expect(t.server.calls.activeCallOf(t.advisor.id)?.id).toBe(callId);
    t.server.calls.endByStaff(otherCall);
    const started = nextEvent(colleague, callEvents.started);
    await colleague.request(transferRequests.accept, { callId, transferId });
    expect((await started).callId).toBe(callId);
  });
});
