import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  kioskDirectoryEvents,
  kioskDirectoryRequests,
  mediaEvents,
  mediaRequests,
} from '@visio/shared/protocol';
import { FAKE_DTLS, opusParameters, vp8Parameters } from '../support/fakeMedia';
import { connectClient, connectExpecting, nextEvent, recordEvents } from '../support/socketClient';
import {
  startTestServer,
  workerObjectCounts,
  type TestServer,
  startDirectCall,
} from '../support/testServer';

let t: TestServer;
const open: SignallingClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ CALL_RECONNECT_GRACE_MS: '300' });
});
afterAll(async () => {
  await t.stop();
});
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.close();
  // Let the server see the disconnects and end any call before the next test.
  await new Promise((r) => setTimeout(r, 400));
});

async function client(nsp: '/kiosk' | '/staff', token: string) {
  const c = await connectClient(t.url, nsp, token);
  open.push(c);
  return c;
}

/** Joins the call's media and creates both transports, as a browser would. */
async function joinMedia(c: SignallingClient, callId: string) {
  const { rtpCapabilities } = await c.request(mediaRequests.routerCapabilities, { callId });
  const { producers } = await c.request(mediaRequests.join, { callId, rtpCapabilities });
  const send = await c.request(mediaRequests.createTransport, { callId, direction: 'send' });
  const recv = await c.request(mediaRequests.createTransport, { callId, direction: 'recv' });
  await c.request(mediaRequests.connectTransport, {
    callId,
    transportId: send.transportId,
    dtlsParameters: FAKE_DTLS,
  });
  await c.request(mediaRequests.connectTransport, {
    callId,
    transportId: recv.transportId,
    dtlsParameters: FAKE_DTLS,
  });
  return { producers, send, recv };
}

describe('a call between a kiosk and an advisor', () => {
  it('starts, relays producers to the other side only, and leaves nothing behind after hang-up', async () => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const otherKiosk = await client('/kiosk', t.kiosk2.token);
    const otherSeen = recordEvents(otherKiosk.socket);

    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const started = await kioskStarted;
    expect(started).toMatchObject({
      callId,
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      peerName: 'Advisor One',
    });

    const k = await joinMedia(kiosk, callId);
    const a = await joinMedia(advisor, callId);
    expect(k.producers).toEqual([]);

    // The kiosk sends microphone and camera; the advisor is told of each and consumes it.
    const announced = nextEvent(advisor, mediaEvents.newProducer);
    const mic = await kiosk.request(mediaRequests.produce, {
      callId,
      transportId: k.send.transportId,
      kind: 'audio',
      rtpParameters: opusParameters(),
      source: 'microphone',
    });
    expect(await announced).toMatchObject({
      callId,
      producerId: mic.producerId,
      kind: 'audio',
      source: 'microphone',
    });
    await kiosk.request(mediaRequests.produce, {
      callId,
      transportId: k.send.transportId,
      kind: 'video',
      rtpParameters: vp8Parameters(),
      source: 'camera',
    });

    const consumer = await advisor.request(mediaRequests.consume, {
      callId,
      producerId: mic.producerId,
    });
    expect(consumer).toMatchObject({
      producerId: mic.producerId,
      kind: 'audio',
      source: 'microphone',
      producerPaused: false,
    });
    await advisor.request(mediaRequests.resumeConsumer, {
      callId,
      consumerId: consumer.consumerId,
    });

    // Muting is relayed to the consumer's side.
    const paused = nextEvent(advisor, mediaEvents.producerPaused);
    await kiosk.request(mediaRequests.setProducerPaused, {
      callId,
      producerId: mic.producerId,
      paused: true,
    });
    expect(await paused).toMatchObject({ producerId: mic.producerId, paused: true });

    // A late joiner's join answer lists what is already live.
    const rejoin = await advisor.request(mediaRequests.join, {
      callId,
      rtpCapabilities: (await advisor.request(mediaRequests.routerCapabilities, { callId }))
        .rtpCapabilities,
    });
    expect(rejoin.producers.map((p) => p.source).sort()).toEqual(['camera', 'microphone']);
    expect(a.producers).toEqual([]);

    const before = await workerObjectCounts(t.server);
    expect(before.routers).toBe(1);
    expect(before.producers).toBe(2);

    const kioskEnded = nextEvent(kiosk, callEvents.ended);
    const advisorEnded = nextEvent(advisor, callEvents.ended);
    await kiosk.request(callRequests.hangup, { callId });
    expect(await kioskEnded).toEqual({ callId, reason: 'hangup', endedBy: 'kiosk' });
    expect(await advisorEnded).toEqual({ callId, reason: 'hangup', endedBy: 'kiosk' });

    expect(await workerObjectCounts(t.server)).toEqual({
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
    });
    // No cross-talk: the uninvolved kiosk heard nothing about this call.
    expect(otherSeen).toEqual([]);
  });

  it('tells technicians when a kiosk comes online and becomes busy', async () => {
    const advisor = await client('/staff', t.technician.token);
    const before = await advisor.request(kioskDirectoryRequests.list, {});
    expect(before.kiosks.find((k) => k.kioskId === t.kiosk2.id)).toMatchObject({
      online: false,
      busy: false,
    });

    const online = nextEvent(advisor, kioskDirectoryEvents.changed);
    const kiosk = await client('/kiosk', t.kiosk2.token);
    expect(await online).toMatchObject({ kioskId: t.kiosk2.id, online: true, busy: false });

    const busy = nextEvent(advisor, kioskDirectoryEvents.changed);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk2.id);
    expect(await busy).toMatchObject({ kioskId: t.kiosk2.id, online: true, busy: true });
    await kiosk.request(callRequests.hangup, { callId });
  });

  it('ends the call when a party stays away beyond the grace period', async () => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const ended = nextEvent(advisor, callEvents.ended);
    kiosk.socket.close();
    expect(await ended).toEqual({ callId, reason: 'peer_disconnected', endedBy: 'kiosk' });
    expect((await workerObjectCounts(t.server)).routers).toBe(0);
  });

  it('keeps the call when a party reconnects within the grace period, and tells it again', async () => {
    const grace = await startTestServer({ CALL_RECONNECT_GRACE_MS: '5000' });
    try {
      const kiosk = await connectClient(grace.url, '/kiosk', grace.kiosk.token);
      const advisor = await connectClient(grace.url, '/staff', grace.advisor.token);
      open.push(advisor);
      const { callId } = await startDirectCall(grace, grace.advisor.token, grace.kiosk.id);
      kiosk.socket.close();
      const back = await connectExpecting(
        grace.url,
        '/kiosk',
        grace.kiosk.token,
        callEvents.started,
      );
      open.push(back.client);
      expect(await back.event).toMatchObject({ callId });
      expect(grace.server.calls.activeCalls.map((c) => c.id)).toEqual([callId]);
    } finally {
      await grace.stop();
    }
  });

  it('ends the calls of a media worker that dies, respawns it, and carries on', async () => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const ended = nextEvent(kiosk, callEvents.ended);
    const respawned = new Promise((resolve) => t.server.pool.once('workerSpawned', resolve));
    const [worker] = t.server.pool.liveWorkers;
    process.kill(worker!.pid, 'SIGKILL');

    expect(await ended).toEqual({ callId, reason: 'media_failed', endedBy: 'system' });
    await respawned;
    expect(t.server.pool.liveWorkers).toHaveLength(1);
    const again = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    expect(again.callId).not.toBe(callId);
    await advisor.request(callRequests.hangup, { callId: again.callId });
  });
});
