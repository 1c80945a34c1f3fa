import { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  kioskDirectoryEvents,
  kioskDirectoryRequests,
  mediaEvents,
  mediaRequests,
} from '@visio/shared/protocol';
import { eventWhere, refusal } from '../support/appointments';
import { joinMedia, sendCamera, sendMicrophone } from '../support/callMedia';
import { FAKE_DTLS, opusParameters, vp8Parameters } from '../support/fakeMedia';
import { describe, expect, test } from '../support/integrationTest';
import { connectExpecting, nextEvent, recordEvents } from '../support/socketClient';
import { startDirectCall, workerObjectCounts } from '../support/testServer';

test.override({ serverEnv: { CALL_RECONNECT_GRACE_MS: '300' }, afterEachTest: 'no calls' });

describe('a call between a kiosk and an advisor', () => {
  test('hands each side transports made at the start, which its join keeps and it connects without asking', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const { media, rtpCapabilities } = await kioskStarted;
    if (!media) throw new Error('call:started came without transports');
    const keep = [media.send.transportId, media.recv.transportId];
    await kiosk.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 0, keep });
    // Kept: they connect and carry a producer, with no media:createTransport.
    await kiosk.request(mediaRequests.connectTransport, {
      callId,
      transportId: media.send.transportId,
      dtlsParameters: FAKE_DTLS,
    });
    await sendMicrophone(kiosk, callId, media.send.transportId);
    // The receive transport carries SCTP, for a warm-up data consumer that has the browser
    // connect it at once: made with it and handed in call:started (no media:warmUp to ask);
    // once, and on a receive transport only.
    expect(media.recv.sctpParameters).toBeDefined();
    expect(media.warmUp).toMatchObject({
      label: 'warm-up',
      sctpStreamParameters: expect.any(Object),
    });
    // Asking again is refused: it was made already, on that transport.
    for (const transportId of [media.recv.transportId, media.send.transportId])
      expect(
        await refusal(kiosk.request(mediaRequests.warmUp, { callId, transportId })),
      ).toMatchObject({ code: 'BAD_STATE' });
    // Two for the kiosk, two made for the advisor (who has not joined yet).
    expect(await workerObjectCounts(t.server)).toMatchObject({ transports: 4, producers: 1 });
    // Told again (a reconnection): no transports this time, and a join without `keep` (a reload)
    // starts the kiosk over with none of them.
    const again = await connectExpecting(t.url, '/kiosk', t.kiosk.token, callEvents.started);
    expect((await again.event).media).toBeUndefined();
    await again.client.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 0 });
    expect(await workerObjectCounts(t.server)).toMatchObject({ transports: 2, producers: 0 });
    again.client.socket.close();
    t.server.calls.endByStaff(callId);
  });

  test("holds the camera pictures between the parties while either's line is in audio + text, whatever their browsers send", async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const k = await joinMedia(kiosk, callId);
    await joinMedia(advisor, callId);
    const room = t.server.calls.activeCalls[0]!.room;
    // The consumers the server makes for the advisor with each of the kiosk's producers.
    const offered = new Map<string, string>();
    advisor.on(mediaEvents.newProducer, ({ producerId, consumer }) => {
      if (consumer) offered.set(producerId, consumer.consumerId);
    });
    const camera = await sendCamera(kiosk, callId, k.send.transportId);
    const mic = await sendMicrophone(kiosk, callId, k.send.transportId);
    await expect.poll(() => offered.size).toBe(2);
    const cameraConsumer = offered.get(camera.producerId)!;
    const micConsumer = offered.get(mic.producerId)!;
    // The advisor's line goes to audio + text before its browser resumed what it was offered:
    // resuming then forwards the voice, not the picture.
    await advisor.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    for (const consumerId of [cameraConsumer, micConsumer])
      await advisor.request(mediaRequests.resumeConsumer, { callId, consumerId });
    const forwarding = (consumerId: string) => room.isForwarding(t.advisor.id, consumerId);
    expect(forwarding(micConsumer)).toBe(true);
    expect(forwarding(cameraConsumer)).toBe(false);
    // Back to video on both lines: the picture flows; the kiosk's line in audio + text: held again.
    await advisor.request(callRequests.setMediaMode, { callId, mode: 'video' });
    await expect.poll(() => forwarding(cameraConsumer)).toBe(true);
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    await expect.poll(() => forwarding(cameraConsumer)).toBe(false);
    expect(forwarding(micConsumer)).toBe(true);
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'video' });
    await expect.poll(() => forwarding(cameraConsumer)).toBe(true);
    t.server.calls.endByStaff(callId);
  });

  test('a page that comes back hears the other line’s mode with the call, and its own line starts on video again when it joins', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const k = await joinMedia(kiosk, callId);
    await joinMedia(advisor, callId);
    const call = t.server.calls.activeCalls[0]!;
    const offered = eventWhere(advisor, mediaEvents.newProducer, (p) => p.source === 'camera');
    await sendCamera(kiosk, callId, k.send.transportId);
    const { consumerId } = (await offered).consumer!;
    await advisor.request(mediaRequests.resumeConsumer, { callId, consumerId });
    const forwarding = () => call.room.isForwarding(t.advisor.id, consumerId);
    expect(forwarding()).toBe(true);
    // Both lines go to audio + text: the kiosk's picture is held.
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    await advisor.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    await expect.poll(forwarding).toBe(false);

    // The kiosk's page reloads: told the call again, it hears that the advisor's line is in
    // audio + text (its new page must hold its camera too).
    kiosk.socket.disconnect();
    const reloaded = await connectExpecting(t.url, '/kiosk', t.kiosk.token, callEvents.started);
    expect(await reloaded.event).toMatchObject({ callId, peerMediaMode: 'audio_text' });
    // Its new media session starts on video: the advisor hears it, and so does the console.
    const heard = nextEvent(advisor, callEvents.mediaMode);
    const again = await joinMedia(reloaded.client, callId);
    expect(await heard).toEqual({ callId, party: 'kiosk', mode: 'video' });
    expect(call.mediaModes).toEqual({ kiosk: 'video', advisor: 'audio_text' });
    // The advisor's line still holds the pictures between them, on the new page's camera too.
    const offeredAgain = eventWhere(advisor, mediaEvents.newProducer, (p) => p.source === 'camera');
    await sendCamera(reloaded.client, callId, again.send.transportId);
    const second = (await offeredAgain).consumer!.consumerId;
    await advisor.request(mediaRequests.resumeConsumer, { callId, consumerId: second });
    expect(call.room.isForwarding(t.advisor.id, second)).toBe(false);
    await advisor.request(callRequests.setMediaMode, { callId, mode: 'video' });
    await expect.poll(() => call.room.isForwarding(t.advisor.id, second)).toBe(true);
    // Told to the advisor in turn, the kiosk's line is on video.
    const advisorAgain = await connectExpecting(
      t.url,
      '/staff',
      t.advisor.token,
      callEvents.started,
    );
    advisor.socket.disconnect();
    expect(await advisorAgain.event).toMatchObject({ callId, peerMediaMode: 'video' });
    reloaded.client.socket.disconnect();
    advisorAgain.client.socket.disconnect();
    t.server.calls.endByStaff(callId);
  });

  test("answers, before any call, the RTP capabilities that each call's router has", async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    // For the page to load its mediasoup Device ahead of its first call.
    const ahead = await kiosk.request(mediaRequests.capabilities, {});
    expect(ahead.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8']),
    );
    expect(await advisor.request(mediaRequests.capabilities, {})).toEqual(ahead);
    // Read from a router made and closed at once: none is left.
    expect(await workerObjectCounts(t.server)).toMatchObject({ routers: 0 });
    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    // The very capabilities call:started brings: the Device loaded ahead is the call's.
    expect((await kioskStarted).rtpCapabilities).toEqual(ahead.rtpCapabilities);
    t.server.calls.endByStaff(callId);
  });

  test('starts, relays producers to the other side only, and leaves nothing behind after hang-up', async ({
    t,
    client,
  }) => {
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

    // A join naming a media room other than the call's current one is refused, and changes nothing.
    const { rtpCapabilities } = await advisor.request(mediaRequests.routerCapabilities, { callId });
    expect(
      await refusal(
        advisor.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 1 }),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'stale_media_epoch' });

    // A late joiner's join answer lists what is already live.
    const rejoin = await advisor.request(mediaRequests.join, {
      callId,
      rtpCapabilities,
      mediaEpoch: 0,
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

  test('tells technicians when a kiosk comes online and becomes busy', async ({ t, client }) => {
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

  test('ends the call when a party stays away beyond the grace period', async ({ t, client }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const ended = nextEvent(advisor, callEvents.ended);
    kiosk.socket.close();
    expect(await ended).toEqual({ callId, reason: 'peer_disconnected', endedBy: 'kiosk' });
    expect((await workerObjectCounts(t.server)).routers).toBe(0);
  });

  test('keeps the call when a party reconnects within the grace period, and tells it again', async ({
    client,
    socket,
    startServer,
  }) => {
    const grace = await startServer({ CALL_RECONNECT_GRACE_MS: '5000' });
    const kiosk = await client('/kiosk', grace.kiosk.token, grace);
    await client('/staff', grace.advisor.token, grace);
    const { callId } = await startDirectCall(grace, grace.advisor.token, grace.kiosk.id);
    kiosk.socket.close();
    // Listening before the connection completes: the server tells it on connection.
    let told!: Promise<unknown>;
    await socket('/kiosk', grace.kiosk.token, {
      on: grace,
      beforeConnect: (s) => (told = nextEvent(new SignallingClient(s), callEvents.started)),
    });
    expect(await told).toMatchObject({ callId });
    expect(grace.server.calls.activeCalls.map((c) => c.id)).toEqual([callId]);
  });

  test('moves the call of a media worker that dies to the respawned worker: same call, new epoch', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await joinMedia(kiosk, callId);
    await joinMedia(advisor, callId);
    const kioskMoved = nextEvent(kiosk, callEvents.mediaRestart, 10_000);
    const advisorMoved = nextEvent(advisor, callEvents.mediaRestart, 10_000);
    const kioskSeen = recordEvents(kiosk.socket);
    const [worker] = t.server.pool.liveWorkers;
    process.kill(worker!.pid, 'SIGKILL');

    // The only worker is gone: the call waits for its respawn, then goes on in a new room.
    const moved = await kioskMoved;
    expect(moved).toMatchObject({ callId, mediaEpoch: 1, reason: 'worker_died' });
    expect(await advisorMoved).toEqual(moved);
    expect(t.server.pool.liveWorkers.map((w) => w.pid)).not.toContain(worker!.pid);
    expect(t.server.calls.activeCalls.map((c) => c.id)).toEqual([callId]);
    expect(kioskSeen).not.toContain(callEvents.ended.name);
    // Both rebuild their media in the new room, naming its epoch; the old one is refused.
    expect(
      await refusal(
        kiosk.request(mediaRequests.join, {
          callId,
          rtpCapabilities: moved.rtpCapabilities,
          mediaEpoch: 0,
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'stale_media_epoch' });
    const k = await joinMedia(kiosk, callId, 1);
    await joinMedia(advisor, callId, 1);
    const announced = nextEvent(advisor, mediaEvents.newProducer);
    const mic = await sendMicrophone(kiosk, callId, k.send.transportId);
    expect(await announced).toMatchObject({ callId, producerId: mic.producerId });
    expect((await workerObjectCounts(t.server)).routers).toBe(1);
    await advisor.request(callRequests.hangup, { callId });
  });
});
