import type { SignallingClient } from '@visio/shared/client';
import { afterEach, vi } from 'vitest';
import { describe, expect, test } from '../../support/integrationTest';
import { callEvents, callRequests, mediaRequests } from '@visio/shared/protocol';
import {
  QualitySummarySchema,
  staffMonitoringEvents,
  staffMonitoringRequests,
  kioskMonitoringRequests,
  type CallStatsReport,
  type MediaFlowReport,
} from '@visio/shared/protocol';
import { MediaRoom } from '../../../server/src/media';
import { eventWhere, eventually, refusal } from '../../support/appointments';
import { joinMedia } from '../../support/callMedia';
import { opusParameters, vp8Parameters } from '../../support/fakeMedia';
import { nextEvent } from '../../support/socketClient';
import { type TestServer, startDirectCall } from '../../support/testServer';

// The quality pipeline under a real call: real mediasoup objects (fake RTP parameters, so no
// packets flow: the server's figures are those of idle streams) plus the browsers' stats reports,
// sampled for the console, summarised into the call record at the end. Real RTP figures are the
// e2e suite's to check.

afterEach(() => {
  vi.restoreAllMocks();
});

test.override({
  serverEnv: {
    QUALITY_SAMPLE_INTERVAL_MS: '150',
    QUALITY_UNWATCHED_INTERVAL_MS: '600000',
    CALL_RECONNECT_GRACE_MS: '200',
  },
  afterEachTest: 'no calls',
});

function flow(kind: 'audio' | 'video', over: Partial<MediaFlowReport>): MediaFlowReport {
  return {
    kind,
    bitrateKbps: null,
    packets: 0,
    packetsLost: null,
    jitterMs: null,
    framesDecoded: null,
    framesPerSecond: null,
    frameWidth: null,
    frameHeight: null,
    roundTripTimeMs: null,
    ...over,
  };
}

function stats(
  parts: Partial<CallStatsReport['outbound']> & { inbound?: Partial<CallStatsReport['inbound']> },
): CallStatsReport {
  const { inbound, ...outbound } = parts;
  return {
    timestamp: Date.now(),
    outbound: { audio: null, video: null, ...outbound },
    inbound: { audio: null, video: null, ...inbound },
  };
}

/** Both sides send microphone and camera, and each consumes and resumes the other's tracks. */
async function callWithMedia(t: TestServer, kiosk: SignallingClient, advisor: SignallingClient) {
  const kioskStarted = nextEvent(kiosk, callEvents.started);
  const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
  await kioskStarted;
  const k = await joinMedia(kiosk, callId);
  const a = await joinMedia(advisor, callId);
  const produce = async (c: SignallingClient, transportId: string) => [
    (
      await c.request(mediaRequests.produce, {
        callId,
        transportId,
        kind: 'audio',
        rtpParameters: opusParameters(),
        source: 'microphone',
      })
    ).producerId,
    (
      await c.request(mediaRequests.produce, {
        callId,
        transportId,
        kind: 'video',
        rtpParameters: vp8Parameters(),
        source: 'camera',
      })
    ).producerId,
  ];
  const kioskProducers = await produce(kiosk, k.send.transportId);
  const advisorProducers = await produce(advisor, a.send.transportId);
  const consumeAll = async (c: SignallingClient, producerIds: string[]) => {
    for (const producerId of producerIds) {
      const { consumerId } = await c.request(mediaRequests.consume, { callId, producerId });
      await c.request(mediaRequests.resumeConsumer, { callId, consumerId });
    }
  };
  return {
    callId,
    consumeKiosk: () => consumeAll(advisor, kioskProducers),
    consumeAdvisor: () => consumeAll(kiosk, advisorProducers),
  };
}

/** The quality summary stored with the call's record, once the call's end has written it. */
async function storedSummary(t: TestServer, callId: string) {
  const row = await eventually(
    () =>
      t.server.store.db
        .selectFrom('call_records')
        .select('quality')
        .where('id', '=', callId)
        .where('quality', 'is not', null)
        .executeTakeFirst(),
    'the quality summary to be stored',
  );
  return QualitySummarySchema.parse(JSON.parse(row.quality!));
}

describe('call quality', () => {
  test('samples a live call for the console, merges the browsers’ reports and stores a summary at the end', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const started = eventWhere(
      tech,
      staffMonitoringEvents.callsChanged,
      (c) => c.status === 'active',
    );
    const busy = eventWhere(
      tech,
      staffMonitoringEvents.fleetChanged,
      (s) => s.kioskId === t.kiosk.id && s.inCall,
    );
    const call = await callWithMedia(t, kiosk, advisor);
    await busy;
    const { callId } = call;
    expect(await started).toMatchObject({
      callId,
      call: {
        kioskId: t.kiosk.id,
        kioskName: 'Kiosk A',
        advisorName: 'Advisor One',
        siteName: 'Test site',
        setupSeconds: null,
      },
      endReason: null,
    });

    // Set up once both sides receive media: the set-up messages (consume, resume) are not media.
    const setUp = eventWhere(
      tech,
      staffMonitoringEvents.callsChanged,
      (c) => c.callId === callId && c.call.setupSeconds !== null,
    );
    await call.consumeKiosk();
    await call.consumeAdvisor();

    // The server's own figures: every flow exists; idle streams have no score yet.
    const serverOnly = await eventWhere(
      tech,
      staffMonitoringEvents.callQuality,
      (q) => q.callId === callId,
    );
    for (const direction of [
      serverOnly.sample.flows.kioskToAdvisor,
      serverOnly.sample.flows.advisorToKiosk,
    ]) {
      expect(direction.audio).toMatchObject({ score: null, freezes: 0 });
      expect(direction.video).toMatchObject({ score: null, freezes: 0 });
    }
    expect(serverOnly.sample.ice).toEqual({ kiosk: null, advisor: null });
    expect(t.server.monitoring.quality.setupSecondsOf(callId)).toBeNull();

    // The browsers report: the kiosk's outbound leg and inbound audio, the advisor's inbound video.
    await kiosk.request(kioskMonitoringRequests.statsReport, {
      callId,
      stats: stats({
        video: flow('video', {
          bitrateKbps: 800,
          packets: 5000,
          packetsLost: 0,
          roundTripTimeMs: 40,
          framesPerSecond: 30,
          frameWidth: 1280,
          frameHeight: 720,
        }),
        inbound: {
          audio: flow('audio', {
            bitrateKbps: 32,
            packets: 900,
            packetsLost: 100,
            jitterMs: 12,
            roundTripTimeMs: 20,
          }),
        },
      }),
    });
    await advisor.request(staffMonitoringRequests.statsReport, {
      callId,
      stats: stats({
        inbound: {
          video: flow('video', {
            bitrateKbps: 750,
            packets: 4800,
            packetsLost: 0,
            jitterMs: 8,
            framesDecoded: 900,
            framesPerSecond: 25,
            frameWidth: 960,
            frameHeight: 540,
            roundTripTimeMs: 30,
          }),
        },
      }),
    });
    // Each browser reports packets received: media flows both ways, the call is set up.
    expect((await setUp).call.setupSeconds).toBeGreaterThanOrEqual(0);
    const merged = await eventWhere(
      tech,
      staffMonitoringEvents.callQuality,
      (q) =>
        q.callId === callId &&
        q.sample.flows.advisorToKiosk.audio?.packetLossPercent !== null &&
        q.sample.flows.kioskToAdvisor.video?.bitrateKbps !== null,
    );
    expect(merged.sample.flows.kioskToAdvisor.video).toMatchObject({
      bitrateKbps: 750,
      jitterMs: 8,
      rttMs: 70, // the kiosk's leg (40) and the advisor's (30)
      framesPerSecond: 25,
      frameWidth: 960,
      frameHeight: 540,
    });
    expect(merged.sample.flows.advisorToKiosk.audio).toMatchObject({
      bitrateKbps: 32,
      packetLossPercent: 10,
      jitterMs: 12,
    });
    expect(merged.sample).toMatchObject({ verdict: 'poor', reasons: ['packet_loss'] });

    const { calls } = await tech.request(staffMonitoringRequests.callsLive, {});
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      callId,
      advisorId: t.advisor.id,
      kioskId: t.kiosk.id,
      serviceId: null,
      workerPid: t.server.pool.liveWorkers[0]!.pid,
    });
    expect(calls[0]!.latest).not.toBeNull();
    const { samples } = await tech.request(staffMonitoringRequests.callSamples, { callId });
    expect(samples.length).toBeGreaterThanOrEqual(2);

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^visio_packet_loss_ratio\{direction="advisor_to_kiosk",kind="audio"\} 0\.1$/m,
    );
    expect(metrics).toMatch(/^visio_rtt_seconds\{direction="kiosk_to_advisor"\} 0\.07$/m);

    const ended = eventWhere(
      tech,
      staffMonitoringEvents.callsChanged,
      (c) => c.callId === callId && c.status === 'ended',
    );
    await advisor.request(callRequests.hangup, { callId });
    expect(await ended).toMatchObject({ endReason: 'hangup' });

    const summary = await storedSummary(t, callId);
    expect(summary).toMatchObject({ version: 1, verdict: 'poor', reasons: ['packet_loss'] });
    expect(summary.samples).toBeGreaterThanOrEqual(2);
    expect(summary.setupSeconds).not.toBeNull();
    expect(summary.flows.advisorToKiosk.audio?.packetLossPercent).toEqual({ avg: 10, p95: 10 });

    const history = await tech.request(staffMonitoringRequests.callsHistory, { limit: 10 });
    expect(history.calls[0]).toMatchObject({
      callId,
      kioskName: 'Kiosk A',
      siteName: 'Test site',
      advisorName: 'Advisor One',
      endReason: 'hangup',
      endedBy: 'advisor',
      quality: { verdict: 'poor' },
    });
    expect(
      (await tech.request(staffMonitoringRequests.callsHistory, { quality: 'poor' })).calls.map(
        (c) => c.callId,
      ),
    ).toContain(callId);
    expect(
      (await tech.request(staffMonitoringRequests.callsHistory, { quality: 'good' })).calls.map(
        (c) => c.callId,
      ),
    ).not.toContain(callId);
  });

  test('without a console, reads the worker’s stats once, samples the browsers’ reports and stores the summary', async ({
    t,
    client,
  }) => {
    const statsReads = vi.spyOn(MediaRoom.prototype, 'figures');
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const call = await callWithMedia(t, kiosk, advisor);
    const { callId } = call;
    await call.consumeKiosk();
    await call.consumeAdvisor();
    await kiosk.request(kioskMonitoringRequests.statsReport, {
      callId,
      stats: stats({
        inbound: {
          audio: flow('audio', { bitrateKbps: 30, packets: 900, packetsLost: 100 }),
        },
      }),
    });
    await eventually(
      () =>
        t.server.monitoring.quality.latestOf(callId)?.flows.advisorToKiosk.audio
          ?.packetLossPercent === 10,
      'the report to be sampled',
    );
    const reads = () =>
      statsReads.mock.contexts.filter((room) => (room as MediaRoom).id === callId).length;
    expect(reads()).toBe(1);

    await advisor.request(callRequests.hangup, { callId });
    const summary = await storedSummary(t, callId);
    expect(summary).toMatchObject({ verdict: 'poor', reasons: ['packet_loss'] });
    expect(summary.samples).toBeGreaterThanOrEqual(1);
    expect(summary.flows.advisorToKiosk.audio?.packetLossPercent).toEqual({ avg: 10, p95: 10 });
    expect(reads()).toBe(1);
  });

  test('sends live figures to a technician who opens the console during a call', async ({
    t,
    client,
  }) => {
    const statsReads = vi.spyOn(MediaRoom.prototype, 'figures');
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const call = await callWithMedia(t, kiosk, advisor);
    const { callId } = call;
    await call.consumeKiosk();
    await eventually(() => t.server.monitoring.quality.latestOf(callId), 'a first sample');
    const readsBefore = statsReads.mock.calls.length;

    const tech = await client('/staff', t.technician.token);
    const live = await eventWhere(
      tech,
      staffMonitoringEvents.callQuality,
      (q) => q.callId === callId,
    );
    expect(live.sample.flows.kioskToAdvisor.video).toMatchObject({ freezes: 0 });
    // Full rate again: every round reads the worker's stats.
    await eventWhere(tech, staffMonitoringEvents.callQuality, (q) => q.callId === callId);
    expect(statsReads.mock.calls.length).toBeGreaterThanOrEqual(readsBefore + 2);
    await advisor.request(callRequests.hangup, { callId });
  });

  test('accepts stats only from the parties of the call', async ({ t, client }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const otherKiosk = await client('/kiosk', t.kiosk2.token);
    const otherAdvisor = await client('/staff', t.advisor2.token);
    const tech = await client('/staff', t.technician.token);
    const admin = await client('/staff', t.admin.token);
    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await kioskStarted;
    const payload = { callId, stats: stats({}) };
    expect(await kiosk.request(kioskMonitoringRequests.statsReport, payload)).toEqual({});
    expect(await advisor.request(staffMonitoringRequests.statsReport, payload)).toEqual({});
    expect(
      await refusal(otherKiosk.request(kioskMonitoringRequests.statsReport, payload)),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await refusal(otherAdvisor.request(staffMonitoringRequests.statsReport, payload)),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // Console staff are never parties to a call.
    expect(await refusal(tech.request(staffMonitoringRequests.statsReport, payload))).toMatchObject(
      { code: 'FORBIDDEN' },
    );
    expect(
      await refusal(admin.request(staffMonitoringRequests.statsReport, payload)),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await advisor.request(callRequests.hangup, { callId });
    // After the end, even the parties are told the call is gone.
    expect(
      await refusal(kiosk.request(kioskMonitoringRequests.statsReport, payload)),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('stores a summary without a verdict for a call nothing was measured in', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await kioskStarted;
    await advisor.request(callRequests.hangup, { callId });
    expect(await storedSummary(t, callId)).toMatchObject({
      verdict: null,
      setupSeconds: null,
    });
  });
});
