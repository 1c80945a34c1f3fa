import { SignallingClient } from '@visio/shared/client';
import {
  CreatedAppointmentSchema,
  callEvents,
  callRequests,
  inCallRequests,
  kioskSchedulingRequests,
  staffMonitoringRequests,
  staffSchedulingRequests,
  transferEvents,
  transferRequests,
} from '@visio/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinMedia, sendMicrophone } from '../support/callMedia';
import { ServerProcess } from '../support/ServerProcess';
import { connect, connectClient, nextEvent } from '../support/socketClient';

// "Nothing personal is written to logs during recovery." The server runs as a child process, as
// in production, at debug level, and everything it writes is kept. A call carrying distinctive
// personal values (the citizen's reference, the check-in code, chat text, a document's name, the
// advisors' names, a warm transfer's private note) then goes through the recoveries: its media worker killed, the kiosk dropping
// and coming back, the server killed and restarted (the call restored). None of those values, and
// no e-mail address, may appear in the output. Socket clients stand in for the browsers: what is
// logged is the server's, whoever talks to it.

/** Values nobody would write by chance, so that finding one in the log means it leaked. */
const CITIZEN_REF = 'Quillebeuf-Zéphyrine 1984';
const CHAT_TEXT = 'Je suis Zéphyrine Quillebeuf, joignable au 06 12 34 56 78';
const DOCUMENT_NAME = 'avis-imposition-Quillebeuf.png';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const EMAIL = /[\w.+-]+@[\w-]+\.[a-z]{2,}/i;
/** A warm transfer's private note: staff text for the colleague, never in a log. */
const TRANSFER_NOTE = 'Mme Quillebeuf attend une réponse sur sa pension de réversion';

let server: ServerProcess;
const open: SignallingClient[] = [];
beforeAll(async () => {
  server = await ServerProcess.start({
    host: '127.0.0.1',
    recordOutput: true,
    env: { LOG_LEVEL: 'debug', MEDIA_WORKERS: '2', CALL_RECONNECT_GRACE_MS: '30000' },
  });
});
afterAll(async () => {
  for (const c of open) c.socket.close();
  await server?.close();
});

async function client(nsp: '/kiosk' | '/staff', token: string) {
  const c = await connectClient(server.url, nsp, token);
  open.push(c);
  return c;
}

/** Connects again after a restart or a drop; the server tells the call again (call:started). */
async function reconnect(nsp: '/kiosk' | '/staff', token: string) {
  let told!: Promise<{ callId: string; mediaEpoch: number }>;
  const raw = await connect(server.url, nsp, token, (s) => {
    told = nextEvent(new SignallingClient(s), callEvents.started, 10_000);
  });
  const c = new SignallingClient(raw, 5_000);
  open.push(c);
  return { client: c, told: await told };
}

async function workerPidOf(tech: SignallingClient, callId: string): Promise<number> {
  const { calls } = await tech.request(staffMonitoringRequests.callsLive, {});
  const call = calls.find((c) => c.callId === callId);
  if (!call) throw new Error('the call is not live');
  return call.workerPid;
}

describe('the server’s logs during recoveries', () => {
  it('hold no citizen reference, check-in code, chat text, document name, staff name or e-mail', async () => {
    const f = server.fixtures;
    const booked = await fetch(`${server.url}/api/appointments`, {
      method: 'POST',
      headers: { cookie: `visio_session=${f.scheduler.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        serviceId: f.serviceA,
        advisorId: f.advisor.id,
        kioskId: f.kiosk.id,
        durationMin: 30,
        startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
        citizenRef: CITIZEN_REF,
      }),
    });
    expect(booked.status).toBe(200);
    const { appointment, checkInCode } = CreatedAppointmentSchema.parse(await booked.json());

    const tech = await client('/staff', f.technician.token);
    let kiosk = await client('/kiosk', f.kiosk.token);
    let advisor = await client('/staff', f.advisor.token);
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    const { callId } = await advisor.request(staffSchedulingRequests.admit, {
      appointmentId: appointment.id,
    });
    const withMedia = async (epoch: number) => {
      const k = await joinMedia(kiosk, callId, epoch);
      await joinMedia(advisor, callId, epoch);
      await sendMicrophone(kiosk, callId, k.send.transportId);
    };
    await withMedia(0);
    await kiosk.request(inCallRequests.chatSend, { callId, text: CHAT_TEXT });
    const uploaded = await fetch(`${server.url}/api/calls/${callId}/documents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${f.kiosk.token}`,
        'content-type': 'application/octet-stream',
        'x-document-name': encodeURIComponent(DOCUMENT_NAME),
      },
      body: new Uint8Array(PNG),
    });
    expect(uploaded.status).toBe(200);

    // Its media worker killed: the call moves to a new room.
    const moved = nextEvent(kiosk, callEvents.mediaRestart, 15_000);
    process.kill(await workerPidOf(tech, callId), 'SIGKILL');
    expect((await moved).mediaEpoch).toBe(1);
    await withMedia(1);

    // The kiosk drops (a reload, a network cut as the server sees it) and comes back.
    kiosk.socket.close();
    ({ client: kiosk } = await reconnect('/kiosk', f.kiosk.token));
    await withMedia(1);
    await kiosk.request(inCallRequests.chatSend, { callId, text: CHAT_TEXT });

    // The server is killed and started again: the call is restored in a new room.
    server.kill('SIGKILL');
    await server.waitExit(10_000);
    await server.launch();
    const kioskBack = await reconnect('/kiosk', f.kiosk.token);
    const advisorBack = await reconnect('/staff', f.advisor.token);
    expect(kioskBack.told).toMatchObject({ callId, mediaEpoch: 2 });
    expect(advisorBack.told).toMatchObject({ callId, mediaEpoch: 2 });
    kiosk = kioskBack.client;
    advisor = advisorBack.client;
    const { messages } = await kiosk.request(inCallRequests.chatHistory, { callId });
    expect(messages.map((m) => m.text)).toContain(CHAT_TEXT);
    await withMedia(2);
    // A warm transfer with a private note: the colleague takes the call over, then ends it.
    const colleague = await client('/staff', f.advisor3.token);
    const offered = nextEvent(colleague, transferEvents.offered);
    const { transferId } = await advisor.request(transferRequests.offer, {
      callId,
      toAdvisorId: f.advisor3.id,
      serviceId: f.serviceB,
      note: TRANSFER_NOTE,
    });
    expect((await offered).note).toBe(TRANSFER_NOTE);
    await colleague.request(transferRequests.accept, { callId, transferId });
    await colleague.request(callRequests.hangup, { callId });
    await server.stop();

    const log = server.recordedOutput();
    // The log is there, and speaks of this call and its recoveries (ids only).
    expect(log).toContain(callId);
    expect(log).toContain('call media re-homed');
    expect(log).toContain('running call restored');
    expect(log).toContain('call handed over');
    for (const personal of [
      CITIZEN_REF,
      'Quillebeuf',
      'Zéphyrine',
      CHAT_TEXT,
      '06 12 34 56 78',
      TRANSFER_NOTE,
      'Advisor Three',
    ]) {
      expect(log, personal).not.toContain(personal);
    }
    expect(log).not.toContain(DOCUMENT_NAME);
    expect(log).not.toContain(encodeURIComponent(DOCUMENT_NAME));
    expect(log).not.toMatch(new RegExp(`\\b${checkInCode}\\b`));
    expect(log).not.toContain('Advisor One');
    expect(log).not.toMatch(EMAIL);
  });
});
