import { describe, expect, test } from '../../support/integrationTest';
import { callEvents, callRequests, mediaRequests } from '@visio/shared/protocol';
import { staffMonitoringEvents, staffMonitoringRequests } from '@visio/shared/protocol';
import { recordTraffic } from '../../support/appointments';
import { joinMedia } from '../../support/callMedia';
import { opusParameters } from '../../support/fakeMedia';
import { nextEvent } from '../../support/socketClient';
import { workerObjectCounts, startDirectCall } from '../../support/testServer';

// Server health as the console sees it, checked against the workers' own accounts.

test.override({ serverEnv: { HEALTH_INTERVAL_MS: '150' }, afterEachTest: 'no calls' });

describe('server health', () => {
  test('reports each worker with what it hosts, the process and the connections', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await started;
    const k = await joinMedia(kiosk, callId);
    await joinMedia(advisor, callId);
    const { producerId } = await kiosk.request(mediaRequests.produce, {
      callId,
      transportId: k.send.transportId,
      kind: 'audio',
      rtpParameters: opusParameters(),
      source: 'microphone',
    });
    await advisor.request(mediaRequests.consume, { callId, producerId });

    const health = await tech.request(staffMonitoringRequests.healthGet, {});
    const truth = await workerObjectCounts(t.server);
    expect(health.workers).toHaveLength(1);
    const { cpuPercent, ...worker } = health.workers[0]!;
    expect(worker).toEqual({
      slot: 0,
      pid: t.server.pool.liveWorkers[0]!.pid,
      routers: truth.routers,
      // The parties' four, and the room's direct transport, whose data producer the prepared
      // receive transports' warm-ups consume (MediaRoom.warmUp).
      transports: truth.transports + 1,
      producers: truth.producers,
      consumers: truth.consumers,
    });
    // A share of one core since the previous measurement (none before the first).
    if (cpuPercent !== null) expect(cpuPercent).toBeGreaterThanOrEqual(0);
    expect(truth).toEqual({ routers: 1, transports: 4, producers: 1, consumers: 1 });
    expect(health).toMatchObject({ activeCalls: 1, sockets: 3, kiosksOnline: 1 });
    expect(health.process.rssBytes).toBeGreaterThan(health.process.heapUsedBytes);
    expect(health.eventLoop.maxMs).toBeGreaterThanOrEqual(health.eventLoop.meanMs);

    await advisor.request(callRequests.hangup, { callId });
    const after = await tech.request(staffMonitoringRequests.healthGet, {});
    expect(after.workers[0]).toMatchObject({
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
    });
    expect(after.workers[0]!.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(after.process.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  test('pushes health to console staff every few seconds, and to nobody else', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const advisor = await client('/staff', t.advisor.token);
    const heard = recordTraffic(advisor.socket);
    const pushed = await nextEvent(tech, staffMonitoringEvents.healthChanged);
    expect(pushed.workers).toHaveLength(1);
    await nextEvent(tech, staffMonitoringEvents.healthChanged);
    expect(heard.filter((h) => h.name === staffMonitoringEvents.healthChanged.name)).toEqual([]);
  });
});
