import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  callEvents,
  callRequests,
  inCallEvents,
  inCallRequests,
  interpreterEvents,
  interpreterRequests,
  kioskSchedulingRequests,
  mediaEvents,
  mediaRequests,
  staffSchedulingRequests,
  transferEvents,
  transferRequests,
} from '@visio/shared/protocol';
import type { SignallingClient } from '@visio/shared/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../support/RedisServer';
import { appointmentRow, book, eventWhere, eventually, inMinutes } from '../support/appointments';
import { joinMedia, sendMicrophone } from '../support/callMedia';
import { connectClient, connectExpecting, nextEvent } from '../support/socketClient';
import { startTestServer, type TestServer } from '../support/testServer';

// A call whose kiosk and advisor are connected to different nodes (PostgreSQL and Redis shared):
// the node carrying the call runs it, the other relays its party's requests (docs/cluster.md);
// when the carrier goes, the other node adopts its calls by itself.

let redis: RedisServer;
let a: TestServer;
let b: TestServer;
let bDir: string;
const env: Record<string, string> = {};
let clients: SignallingClient[] = [];

async function startB(): Promise<TestServer> {
  return startTestServer({ ...env, NODE_ID: 'node-b' }, { dataDir: bDir, fixtures: a });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  Object.assign(env, {
    REDIS_URL: redis.url,
    CHECKIN_BEFORE_MIN: '60',
    SERVER_SECRET: randomBytes(32).toString('hex'),
    CALL_RECONNECT_GRACE_MS: '20000',
  });
  a = await startTestServer({ ...env, NODE_ID: 'node-a' });
  bDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-node-b-'));
  b = await startB();
}, 60_000);

afterEach(() => {
  for (const c of clients) c.socket.close();
  clients = [];
});

afterAll(async () => {
  await b?.stop({ keepData: true });
  fs.rmSync(bDir, { recursive: true, force: true });
  await a?.stop();
  await redis?.stop();
});

async function connectTo(node: TestServer, nsp: '/kiosk' | '/staff', token: string) {
  const client = await connectClient(node.url, nsp, token);
  clients.push(client);
  return client;
}

/** Kiosk on node A checks in; the advisor on node B admits: answers both and the call. */
async function callAcross(startsInMinutes: number) {
  const kiosk = await connectTo(a, '/kiosk', a.kiosk.token);
  const advisor = await connectTo(b, '/staff', a.advisor.token);
  const { appointment, checkInCode } = await book(b, {
    kioskId: a.kiosk.id,
    startsAt: inMinutes(startsInMinutes),
  });
  await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  const kioskHears = nextEvent(kiosk, callEvents.started);
  const advisorHears = nextEvent(advisor, callEvents.started);
  const { callId } = await advisor.request(staffSchedulingRequests.admit, {
    appointmentId: appointment.id,
  });
  expect((await kioskHears).callId).toBe(callId);
  expect((await advisorHears).callId).toBe(callId);
  return { kiosk, advisor, callId, appointmentId: appointment.id };
}

/** Which of the two nodes carries the call. */
function carrierOf(callId: string): 'a' | 'b' | undefined {
  if (a.server.calls.activeCalls.some((c) => c.id === callId)) return 'a';
  if (b.server.calls.activeCalls.some((c) => c.id === callId)) return 'b';
  return undefined;
}

async function callRecords(callId: string) {
  return a.server.store.db
    .selectFrom('call_records')
    .selectAll()
    .where('id', '=', callId)
    .execute();
}

describe('a call whose parties are on different nodes', () => {
  it('runs media, chat and the hang-up of the party on the other node through the carrier', async () => {
    const { kiosk, advisor, callId } = await callAcross(5);
    expect(carrierOf(callId)).toBeDefined();
    // Both sides set their media up, whichever node they are connected to.
    const kioskMedia = await joinMedia(kiosk, callId);
    const advisorMedia = await joinMedia(advisor, callId);
    const heard = nextEvent(advisor, mediaEvents.newProducer);
    const { producerId } = await sendMicrophone(kiosk, callId, kioskMedia.send.transportId);
    expect((await heard).producerId).toBe(producerId);
    const kioskHeard = nextEvent(kiosk, mediaEvents.newProducer);
    await sendMicrophone(advisor, callId, advisorMedia.send.transportId);
    await kioskHeard;
    // Real-time text from the kiosk (node A) reaches the advisor (node B), and is kept.
    const message = eventWhere(advisor, inCallEvents.chatMessage, (m) => m.callId === callId);
    await kiosk.request(inCallRequests.chatSend, { callId, text: 'Bonjour' });
    expect((await message).text).toBe('Bonjour');
    expect(
      (await advisor.request(inCallRequests.chatHistory, { callId })).messages.map((m) => m.text),
    ).toEqual(['Bonjour']);
    // A document the kiosk uploads through node A reaches the carrier, and node A serves it back.
    const pdf = Buffer.from('%PDF-1.4\n% a form\n%%EOF\n');
    const shared = eventWhere(advisor, inCallEvents.documentAdded, (d) => d.callId === callId);
    const upload = await fetch(`${a.url}/api/calls/${callId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.kiosk.token}`, 'x-document-name': 'form.pdf' },
      body: pdf,
    });
    expect(upload.status).toBe(200);
    const { document } = (await upload.json()) as { document: { id: string } };
    expect((await shared).id).toBe(document.id);
    const download = await fetch(`${a.url}/api/calls/${callId}/documents/${document.id}`, {
      headers: { authorization: `Bearer ${a.advisor.token}` },
    });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
    const stranger = await fetch(`${a.url}/api/calls/${callId}/documents/${document.id}`, {
      headers: { authorization: `Bearer ${a.advisor2.token}` },
    });
    expect(stranger.status).toBe(404);
    // Another call's id is not found, wherever it is asked.
    await expect(
      kiosk.request(mediaRequests.routerCapabilities, { callId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const ended = nextEvent(advisor, callEvents.ended);
    await kiosk.request(callRequests.hangup, { callId });
    expect(await ended).toMatchObject({ callId, reason: 'hangup', endedBy: 'kiosk' });
    // The record is written after the parties are told (clone CI once read it a moment early).
    const record = await eventually(async () => {
      const [row] = await callRecords(callId);
      return row?.end_reason ? row : undefined;
    }, 'the call record closed');
    expect(record).toMatchObject({ end_reason: 'hangup' });
  });

  it('hands the call to a colleague connected to the node that does not carry it (warm transfer)', async () => {
    const { kiosk, advisor, callId, appointmentId } = await callAcross(59);
    const carrier = carrierOf(callId) === 'a' ? a : b;
    const elsewhere = carrier === a ? b : a;
    const colleague = await connectTo(elsewhere, '/staff', a.advisor3.token);
    // Seen online from the advisor's node, whichever it is.
    await eventually(
      async () =>
        (await advisor.request(transferRequests.colleagues, {})).colleagues.some(
          (c) => c.advisorId === a.advisor3.id,
        ),
      'the colleague to be seen online',
    );
    const offered = nextEvent(colleague, transferEvents.offered);
    const { transferId } = await advisor.request(transferRequests.offer, {
      callId,
      toAdvisorId: a.advisor3.id,
      serviceId: a.serviceB,
      note: 'across nodes',
    });
    expect((await offered).note).toBe('across nodes');
    const started = nextEvent(colleague, callEvents.started);
    const firstOut = eventWhere(advisor, callEvents.ended, (e) => e.callId === callId);
    const done = eventWhere(kiosk, transferEvents.handover, (h) => h.state === 'done');
    await colleague.request(transferRequests.accept, { callId, transferId });
    expect(await started).toMatchObject({ callId, advisorId: a.advisor3.id });
    expect(await firstOut).toMatchObject({ reason: 'transferred' });
    await done;
    // The colleague's media requests reach the carrier through their own node.
    const joined = await joinMedia(colleague, callId);
    const heard = eventWhere(kiosk, mediaEvents.newProducer, (p) => p.callId === callId);
    await sendMicrophone(colleague, callId, joined.send.transportId);
    await heard;
    expect(await appointmentRow(a, appointmentId)).toMatchObject({ outcome: 'transferred' });
    const ended = nextEvent(kiosk, callEvents.ended);
    await colleague.request(callRequests.hangup, { callId });
    expect(await ended).toMatchObject({ callId, reason: 'hangup' });
  });

  it('takes an interpreter connected to the node that does not carry the call', async () => {
    const { kiosk, advisor, callId } = await callAcross(20);
    const carrier = carrierOf(callId) === 'a' ? a : b;
    const elsewhere = carrier === a ? b : a;
    const { code } = await advisor.request(interpreterRequests.invite, {
      callId,
      kind: 'lsf',
      language: null,
    });
    const interpreter = await connectTo(elsewhere, '/staff', a.interpreter.token);
    const started = nextEvent(interpreter, callEvents.started);
    const joined = nextEvent(kiosk, interpreterEvents.joined);
    // The code lives on the carrier: the join is tried there, and the interpreter is in the call.
    expect(await interpreter.request(interpreterRequests.join, { code })).toEqual({ callId });
    expect(await started).toMatchObject({ callId, interpreter: { kind: 'lsf' } });
    expect(await joined).toMatchObject({ interpreterId: a.interpreter.id });
    // Media through the carrier, announced with its owner.
    await joinMedia(kiosk, callId);
    const i = await joinMedia(interpreter, callId);
    const announced = nextEvent(kiosk, mediaEvents.newProducer);
    await sendMicrophone(interpreter, callId, i.send.transportId);
    expect(await announced).toMatchObject({ peerId: a.interpreter.id });
    // An unknown code is unknown on every node.
    await expect(
      interpreter.request(interpreterRequests.join, { code: 'AAAAAAAA' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'interpreter_code_unknown' });
    const left = nextEvent(kiosk, interpreterEvents.left);
    await interpreter.request(interpreterRequests.leave, { callId });
    expect(await left).toMatchObject({ reason: 'left' });
    await advisor.request(callRequests.hangup, { callId });
  });

  it('tells the carrier when the party on the other node goes, and when it is back', async () => {
    const { kiosk, advisor, callId } = await callAcross(25);
    const carrier = carrierOf(callId) === 'a' ? a : b;
    // The party on the node that does not carry the call goes away...
    const remote = carrier === a ? advisor : kiosk;
    const other = remote === advisor ? kiosk : advisor;
    const away = eventWhere(other, callEvents.partyStatus, (s) => s.state === 'away');
    remote.socket.close();
    await away;
    // ...and comes back on that node: told the call again, and the other side hears it.
    const back = eventWhere(other, callEvents.partyStatus, (s) => s.state === 'back');
    const node = carrier === a ? b : a;
    const { client, event } = await connectExpecting(
      node.url,
      remote === advisor ? '/staff' : '/kiosk',
      remote === advisor ? a.advisor.token : a.kiosk.token,
      callEvents.started,
    );
    clients.push(client);
    expect((await event).callId).toBe(callId);
    await back;
    await other.request(callRequests.hangup, { callId });
  });

  it('comes back on the surviving node when the node carrying it stops without ending it', async () => {
    const { kiosk, callId, appointmentId } = await callAcross(45);
    // Node A stays; the call must be on node B, the one that goes. Placement keeps a call on the
    // admitting node (B) at equal load.
    expect(carrierOf(callId)).toBe('b');
    // A document shared before: its bytes were only on node B's disk, and in the store.
    const pdf = Buffer.from('%PDF-1.4\n% shared before the crash\n%%EOF\n');
    const upload = await fetch(`${a.url}/api/calls/${callId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.kiosk.token}`, 'x-document-name': 'before.pdf' },
      body: pdf,
    });
    const { document } = (await upload.json()) as { document: { id: string } };
    await kiosk.request(inCallRequests.chatSend, { callId, text: 'avant' });
    const restarted = eventWhere(kiosk, callEvents.started, (s) => s.mediaEpoch === 1, 15_000);
    // As a crash would leave it, but saying it is gone at once (the heartbeat of a SIGKILLed
    // node lapses in 3 s instead).
    await b.stop({ keepData: true, leaveCallsRunning: true });
    expect(await restarted).toMatchObject({ callId, mediaEpoch: 1 });
    expect(carrierOf(callId)).toBe('a');
    // The advisor reconnects (through the load balancer: to node A) and finds the call.
    const { client: advisor, event } = await connectExpecting(
      a.url,
      '/staff',
      a.advisor.token,
      callEvents.started,
    );
    clients.push(advisor);
    expect(await event).toMatchObject({ callId, mediaEpoch: 1 });
    await joinMedia(kiosk, callId, 1);
    await joinMedia(advisor, callId, 1);
    // Its chat and documents came with it.
    const history = await advisor.request(inCallRequests.chatHistory, { callId });
    expect(history.messages.map((m) => m.text)).toEqual(['avant']);
    const download = await fetch(`${a.url}/api/calls/${callId}/documents/${document.id}`, {
      headers: { authorization: `Bearer ${a.advisor.token}` },
    });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
    // One call record, still running; the appointment still in its call.
    const records = await callRecords(callId);
    expect(records).toHaveLength(1);
    expect(records[0]!.ended_at).toBeNull();
    expect((await appointmentRow(a, appointmentId))?.status).toBe('in_call');
    const ended = nextEvent(kiosk, callEvents.ended);
    await advisor.request(callRequests.hangup, { callId });
    await ended;
    b = await startB();
  }, 60_000);

  it('is carried by one node only when a live carrier was taken for dead (a partition)', async () => {
    const { kiosk, advisor, callId } = await callAcross(50);
    expect(carrierOf(callId)).toBe('b');
    const moved = eventWhere(kiosk, callEvents.started, (s) => s.mediaEpoch === 1, 25_000);
    // As if node B's heartbeat had lapsed while it lived: the store names a carrier that is gone.
    await a.server.store.db
      .updateTable('live_calls')
      .set({ node_id: 'node-x.gone00' })
      .where('id', '=', callId)
      .execute();
    await moved;
    // Node A adopted it; node B, seeing that, dropped its own copy without ending the call.
    await eventually(
      () => carrierOf(callId) === 'a' && !b.server.calls.activeCallOf(a.kiosk.id),
      'node B to let the call go',
    );
    const [record] = await callRecords(callId);
    expect(record!.ended_at).toBeNull();
    const ended = nextEvent(kiosk, callEvents.ended);
    await advisor.request(callRequests.hangup, { callId });
    await ended;
  }, 60_000);

  it('is placed on another node when the admitting node drains', async () => {
    b.server.calls.drain();
    await eventually(async () => {
      const nodes = await b.server.calls.cluster!.nodes();
      return nodes.some((n) => n.nodeId.startsWith('node-b') && !n.admitting);
    }, 'node B to say it is draining');
    const { kiosk, callId } = await callAcross(55);
    expect(carrierOf(callId)).toBe('a');
    await kiosk.request(callRequests.hangup, { callId });
  });
});
