import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  mediaEvents,
  mediaRequests,
  staffMonitoringEvents,
  staffMonitoringRequests,
  type LiveCall,
} from '@visio/shared/protocol';
import { eventWhere } from '../../support/appointments';
import { joinMedia } from '../../support/callMedia';
import { opusParameters, vp8Parameters } from '../../support/fakeMedia';
import { describe, expect, test } from '../../support/integrationTest';
import { nextEvent } from '../../support/socketClient';
import { startDirectCall, type TestServer } from '../../support/testServer';

// The console's record of each live call's media (LiveCall.media), fed by the call's real
// lifecycle on a real server with real mediasoup workers: media flowing to both parties, a worker
// killed under the call (rehoming, then flowing in the new room), a party away and back, a kiosk
// camera whose device is lost. Two workers, so a call has somewhere to go at once.

test.override({
  serverEnv: { MEDIA_WORKERS: '2', CALL_RECONNECT_GRACE_MS: '5000' },
  afterEachTest: 'no calls',
});

/** The next calls:changed of this call whose record matches. */
function consoleSees(
  tech: SignallingClient,
  callId: string,
  match: (call: LiveCall) => boolean,
  timeoutMs = 10_000,
) {
  return eventWhere(
    tech,
    staffMonitoringEvents.callsChanged,
    (c) => c.callId === callId && c.status === 'active' && match(c.call),
    timeoutMs,
  ).then((c) => c.call);
}

/**
 * Both parties join the room of `epoch`, send microphone and camera, and consume and resume each
 * other's tracks (what makes media flow to each, as the server sees it). Answers the kiosk's camera.
 */
async function bothFlow(
  callId: string,
  kiosk: SignallingClient,
  advisor: SignallingClient,
  epoch = 0,
) {
  const k = await joinMedia(kiosk, callId, epoch);
  const a = await joinMedia(advisor, callId, epoch);
  const produce = async (c: SignallingClient, transportId: string) => {
    const mic = await c.request(mediaRequests.produce, {
      callId,
      transportId,
      kind: 'audio',
      rtpParameters: opusParameters(),
      source: 'microphone',
    });
    const camera = await c.request(mediaRequests.produce, {
      callId,
      transportId,
      kind: 'video',
      rtpParameters: vp8Parameters(),
      source: 'camera',
    });
    return [mic.producerId, camera.producerId] as const;
  };
  const kioskSent = await produce(kiosk, k.send.transportId);
  const advisorSent = await produce(advisor, a.send.transportId);
  for (const [c, producerIds] of [
    [advisor, kioskSent],
    [kiosk, advisorSent],
  ] as const) {
    for (const producerId of producerIds) {
      const { consumerId } = await c.request(mediaRequests.consume, { callId, producerId });
      await c.request(mediaRequests.resumeConsumer, { callId, consumerId });
    }
  }
  return { kioskCamera: kioskSent[1] };
}

async function startCall(
  t: TestServer,
  client: (nsp: '/kiosk' | '/staff', token: string) => Promise<SignallingClient>,
) {
  const tech = await client('/staff', t.technician.token);
  const kiosk = await client('/kiosk', t.kiosk.token);
  const advisor = await client('/staff', t.advisor.token);
  const kioskStarted = nextEvent(kiosk, callEvents.started);
  const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
  await kioskStarted;
  return { tech, kiosk, advisor, callId };
}

describe('the console’s record of a live call’s media', () => {
  test('goes connecting → flowing, rehoming when its worker is killed, flowing again in the new room', async ({
    t,
    client,
  }) => {
    const { tech, kiosk, advisor, callId } = await startCall(t, client);
    const { calls } = await tech.request(staffMonitoringRequests.callsLive, {});
    expect(calls.find((c) => c.callId === callId)?.media).toMatchObject({
      state: 'connecting',
      cause: null,
      epoch: 0,
      away: [],
      devices: [],
      incidents: 0,
    });

    const flowing = consoleSees(tech, callId, (c) => c.media.state === 'flowing');
    await bothFlow(callId, kiosk, advisor);
    expect((await flowing).media).toMatchObject({ epoch: 0, incidents: 0 });

    const rehoming = consoleSees(tech, callId, (c) => c.media.state === 'rehoming');
    const moved = nextEvent(kiosk, callEvents.mediaRestart, 10_000);
    const killedPid = t.server.calls.activeCalls.find((c) => c.id === callId)!.room.workerPid;
    process.kill(killedPid, 'SIGKILL');
    const during = await rehoming;
    expect(during.media).toMatchObject({ cause: 'worker_died', incidents: 1 });
    expect(Date.parse(during.media.since)).toBeLessThanOrEqual(Date.now());
    const { mediaEpoch } = await moved;
    expect(mediaEpoch).toBe(1);

    // Still moving once the new room exists: nothing flows there yet.
    const { calls: meanwhile } = await tech.request(staffMonitoringRequests.callsLive, {});
    expect(meanwhile.find((c) => c.callId === callId)?.media).toMatchObject({
      state: 'rehoming',
      epoch: 1,
    });
    expect(meanwhile.find((c) => c.callId === callId)?.workerPid).not.toBe(killedPid);

    const back = consoleSees(tech, callId, (c) => c.media.state === 'flowing');
    await bothFlow(callId, kiosk, advisor, 1);
    expect((await back).media).toMatchObject({ epoch: 1, cause: null, incidents: 1 });

    await advisor.request(callRequests.hangup, { callId });
  });

  test('shows a party away (reconnecting) with its grace, and flowing once it is back', async ({
    t,
    client,
    socket,
  }) => {
    const { tech, kiosk, advisor, callId } = await startCall(t, client);
    const flowing = consoleSees(tech, callId, (c) => c.media.state === 'flowing');
    await bothFlow(callId, kiosk, advisor);
    await flowing;

    const away = consoleSees(tech, callId, (c) => c.media.state === 'reconnecting');
    kiosk.socket.close();
    const during = (await away).media;
    expect(during.away).toEqual([
      { role: 'kiosk', since: expect.any(String) as string, graceEndsAt: expect.any(String) },
    ]);
    expect(Date.parse(during.away[0]!.graceEndsAt) - Date.parse(during.away[0]!.since)).toBe(5000);
    expect(during.incidents).toBe(1);

    const back = consoleSees(tech, callId, (c) => c.media.state === 'flowing');
    await socket('/kiosk', t.kiosk.token);
    expect((await back).media).toMatchObject({ away: [], incidents: 1 });
    await advisor.request(callRequests.hangup, { callId });
  });

  test('a kiosk camera lost: the advisor hears why, the console shows it recovering, missing, then gone', async ({
    t,
    client,
  }) => {
    const { tech, kiosk, advisor, callId } = await startCall(t, client);
    const { kioskCamera } = await bothFlow(callId, kiosk, advisor);

    // The citizen's choice is not a fault: the advisor hears `user`, the console shows nothing.
    const turnedOff = nextEvent(advisor, mediaEvents.producerPaused);
    await kiosk.request(mediaRequests.setProducerPaused, {
      callId,
      producerId: kioskCamera,
      paused: true,
    });
    expect(await turnedOff).toEqual({
      callId,
      producerId: kioskCamera,
      paused: true,
      reason: 'user',
    });
    const back = nextEvent(advisor, mediaEvents.producerPaused);
    await kiosk.request(mediaRequests.setProducerPaused, {
      callId,
      producerId: kioskCamera,
      paused: false,
    });
    expect(await back).toMatchObject({ paused: false, reason: null });
    const { calls } = await tech.request(staffMonitoringRequests.callsLive, {});
    expect(calls.find((c) => c.callId === callId)?.media.devices).toEqual([]);

    // The device stops: being opened again.
    const lost = nextEvent(advisor, mediaEvents.producerPaused);
    const recovering = consoleSees(tech, callId, (c) => c.media.devices.length > 0);
    await kiosk.request(mediaRequests.setProducerPaused, {
      callId,
      producerId: kioskCamera,
      paused: true,
      reason: 'device_lost',
    });
    expect(await lost).toMatchObject({ paused: true, reason: 'device_lost' });
    expect((await recovering).media.devices).toEqual([
      { role: 'kiosk', source: 'camera', state: 'recovering', since: expect.any(String) },
    ]);

    // Re-opening gave up: still paused, told again with the new reason.
    const missingTold = nextEvent(advisor, mediaEvents.producerPaused);
    const missing = consoleSees(tech, callId, (c) => c.media.devices[0]?.state === 'missing');
    await kiosk.request(mediaRequests.setProducerPaused, {
      callId,
      producerId: kioskCamera,
      paused: true,
      reason: 'device_missing',
    });
    expect(await missingTold).toMatchObject({ paused: true, reason: 'device_missing' });
    await missing;

    // A rejoining advisor learns the reason from the producers already live.
    const { producers } = await advisor.request(mediaRequests.join, {
      callId,
      rtpCapabilities: (await advisor.request(mediaRequests.routerCapabilities, { callId }))
        .rtpCapabilities,
      mediaEpoch: 0,
    });
    expect(producers.find((p) => p.producerId === kioskCamera)).toMatchObject({
      paused: true,
      pauseReason: 'device_missing',
    });

    // Back: nothing to show any more.
    const cleared = consoleSees(tech, callId, (c) => c.media.devices.length === 0);
    await kiosk.request(mediaRequests.setProducerPaused, {
      callId,
      producerId: kioskCamera,
      paused: false,
    });
    await cleared;
    await advisor.request(callRequests.hangup, { callId });
  });
});
