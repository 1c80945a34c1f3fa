import fs from 'node:fs';
import path from 'node:path';
import { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  inCallRequests,
  interpreterRequests,
  kioskSchedulingRequests,
  mediaEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { appointmentRow, book, eventually, inMinutes, refusal } from '../support/appointments';
import { joinMedia, sendMicrophone } from '../support/callMedia';
import { describe, expect, test } from '../support/integrationTest';
import { nextEvent } from '../support/socketClient';
import { startDirectCall } from '../support/testServer';

// Deploys and crashes lose nothing. A drain (SIGTERM) refuses new calls and lets running ones
// finish; a server that stops without ending its calls (a drain past its timeout, or a crash:
// the store holds the same then) restores them at its next start, with their chat and documents,
// and its waiting citizens keep their place and their waiting time.

const ENV = { CALL_RECONNECT_GRACE_MS: '10000', KIOSK_WAITING_GRACE_MS: '10000' };
test.override({ serverEnv: ENV, afterEachTest: 'no calls' });

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('a drain (SIGTERM)', () => {
  test('turns readiness off, refuses new calls, and lets the running call finish', async ({
    startServer,
    client,
  }) => {
    const s = await startServer(ENV);
    const kiosk = await client('/kiosk', s.kiosk.token, s);
    const advisor = await client('/staff', s.advisor.token, s);
    const { callId } = await startDirectCall(s, s.advisor.token, s.kiosk.id);
    // A citizen waiting in a walk-in queue meanwhile.
    const waiting = await client('/kiosk', s.kiosk2.token, s);
    const walkIn = await waiting.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: s.serviceA,
    });
    const colleague = await client('/staff', s.advisor2.token, s);

    let drained = false;
    const draining = s.server.drain(60_000).then((outcome) => {
      drained = true;
      return outcome;
    });
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { admitting: false } });
    expect(
      await refusal(
        colleague.request(staffSchedulingRequests.admit, {
          appointmentId: walkIn.waiting.appointmentId,
        }),
      ),
    ).toEqual({ code: 'UNAVAILABLE', reason: 'draining', retryAfterSeconds: undefined });
    expect(await appointmentRow(s, walkIn.waiting.appointmentId)).toMatchObject({
      status: 'checked_in',
      checked_in_at: walkIn.waiting.checkedInAt,
    });

    // The running call goes on: media and chat work, and the drain waits for it.
    await joinMedia(kiosk, callId);
    await joinMedia(advisor, callId);
    await kiosk.request(inCallRequests.chatSend, { callId, text: 'encore là' });
    expect(drained).toBe(false);
    await advisor.request(callRequests.hangup, { callId });
    expect(await draining).toBe('idle');
  });
});

describe('a restart that left calls running', () => {
  test('restores the call’s interpreter, who rejoins it in the new room', async ({
    servers,
    client,
    socket,
  }) => {
    const before = await servers.start(ENV);
    await client('/kiosk', before.kiosk.token, before);
    const advisor = await client('/staff', before.advisor.token, before);
    const interpreter = await client('/staff', before.interpreter.token, before);
    const { callId } = await startDirectCall(before, before.advisor.token, before.kiosk.id);
    const { code } = await advisor.request(interpreterRequests.invite, {
      callId,
      kind: 'spoken',
      language: 'uk',
    });
    await interpreter.request(interpreterRequests.join, { code });
    await eventually(
      async () =>
        (
          await before.server.store.db
            .selectFrom('live_calls')
            .select('interpretation')
            .where('id', '=', callId)
            .executeTakeFirst()
        )?.interpretation === 'spoken:uk',
      'the interpreter kept with the running call',
    );
    await before.stop({ keepData: true, leaveCallsRunning: true });
    servers.stopped(before);

    const after = await servers.start(ENV, { dataDir: before.dataDir, fixtures: before });
    let started!: Promise<unknown>;
    const raw = await socket('/staff', after.interpreter.token, {
      on: after,
      beforeConnect: (s) => (started = nextEvent(new SignallingClient(s), callEvents.started)),
    });
    expect(await started).toMatchObject({
      callId,
      mediaEpoch: 1,
      interpreter: { interpreterId: after.interpreter.id, kind: 'spoken', language: 'uk' },
    });
    await joinMedia(new SignallingClient(raw, 5_000), callId, 1);
    after.server.calls.endByStaff(callId);
  });

  test('restores the call with its chat and documents, and the waiting citizen keeps place and time', async ({
    servers,
    client,
    socket,
  }) => {
    const before = await servers.start(ENV);
    const kiosk = await client('/kiosk', before.kiosk.token, before);
    const advisor = await client('/staff', before.advisor.token, before);
    const walkInKiosk = await client('/kiosk', before.kiosk2.token, before);
    const booked = await book(before, { startsAt: inMinutes(5) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: booked.checkInCode });
    const { waiting } = await walkInKiosk.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: before.serviceA,
    });
    const { callId } = await advisor.request(staffSchedulingRequests.admit, {
      appointmentId: booked.appointment.id,
    });
    const { message } = await kiosk.request(inCallRequests.chatSend, { callId, text: 'Bonjour' });
    const uploaded = await fetch(`${before.url}/api/calls/${callId}/documents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${before.kiosk.token}`,
        'content-type': 'application/octet-stream',
        'x-document-name': 'scan.png',
      },
      body: new Uint8Array(PNG),
    });
    const { document } = (await uploaded.json()) as { document: { id: string } };
    const documentsDir = path.join(before.dataDir, 'call-documents', callId);
    expect(fs.readdirSync(documentsDir)).toEqual([document.id]);

    await before.stop({ keepData: true, leaveCallsRunning: true });
    servers.stopped(before);

    const after = await servers.start(ENV, { dataDir: before.dataDir, fixtures: before });
    // Each party reconnects and is told the same call, in a new media room.
    const reconnect = async (nsp: '/kiosk' | '/staff', token: string) => {
      let started!: Promise<{ callId: string; mediaEpoch: number }>;
      const s = await socket(nsp, token, {
        on: after,
        beforeConnect: (raw) =>
          (started = nextEvent(new SignallingClient(raw), callEvents.started)),
      });
      return { party: new SignallingClient(s, 5_000), started: await started };
    };
    const k = await reconnect('/kiosk', after.kiosk.token);
    const a = await reconnect('/staff', after.advisor.token);
    expect(k.started).toMatchObject({ callId, mediaEpoch: 1 });
    expect(a.started).toMatchObject({ callId, mediaEpoch: 1 });

    const kMedia = await joinMedia(k.party, callId, 1);
    await joinMedia(a.party, callId, 1);
    const announced = nextEvent(a.party, mediaEvents.newProducer);
    const mic = await sendMicrophone(k.party, callId, kMedia.send.transportId);
    expect(await announced).toMatchObject({ callId, producerId: mic.producerId });
    expect((await a.party.request(inCallRequests.chatHistory, { callId })).messages).toEqual([
      message,
    ]);
    expect(
      (await a.party.request(inCallRequests.listDocuments, { callId })).documents.map((d) => d.id),
    ).toEqual([document.id]);
    const got = await fetch(`${after.url}/api/calls/${callId}/documents/${document.id}`, {
      headers: { cookie: `visio_session=${after.advisor.token}` },
    });
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG);
    await eventually(
      () =>
        after.server.store.db
          .selectFrom('call_incidents')
          .select(['cause'])
          .where('call_id', '=', callId)
          .where('duration_ms', 'is not', null)
          .executeTakeFirst(),
      'the restart recorded as an incident of the call',
    );

    // The appointment is still in its call; the walk-in still waits, since the same time.
    expect(await appointmentRow(after, booked.appointment.id)).toMatchObject({ status: 'in_call' });
    const walkInBack = await client('/kiosk', after.kiosk2.token, after);
    const home = await walkInBack.request(kioskSchedulingRequests.home, {});
    expect(home.waiting).toMatchObject({
      appointmentId: waiting.appointmentId,
      checkedInAt: waiting.checkedInAt,
      position: 1,
    });

    // The call ends as any call: recorded, its store rows and documents gone.
    await a.party.request(callRequests.hangup, { callId });
    await eventually(
      async () => (await appointmentRow(after, booked.appointment.id)).status === 'completed',
      'the appointment completed',
    );
    const record = await after.server.store.db
      .selectFrom('call_records')
      .selectAll()
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({ end_reason: 'hangup', ended_by: 'advisor' });
    expect(fs.existsSync(documentsDir)).toBe(false);
    expect(await after.server.store.db.selectFrom('live_calls').select('id').execute()).toEqual([]);
    expect(
      await after.server.store.db.selectFrom('live_call_messages').select('id').execute(),
    ).toEqual([]);
  });
});
