import { describe, expect, it } from 'vitest';
import { CallStats } from '@visio/shared/client';
import { signWebhook } from '../../../server/src/monitoring/WebhookSender';
import {
  CallStatsSummarySchema,
  KioskHeartbeatSchema,
  staffMonitoringRequests,
} from '@visio/shared/protocol';

// A stats report as Chromium gives it (the fields CallStats reads).
function statsReport(entries: Record<string, unknown>[]): RTCStatsReport {
  return new Map(entries.map((e) => [e.id as string, e])) as unknown as RTCStatsReport;
}

describe('monitoring protocol', () => {
  it('accepts what the call engine’s CallStats produces as a stats:report', () => {
    const stats = new CallStats();
    const send = (t: number, bytes: number) =>
      statsReport([
        {
          id: 'o1',
          type: 'outbound-rtp',
          kind: 'video',
          mid: '0',
          timestamp: t,
          bytesSent: bytes,
          packetsSent: 100,
          framesPerSecond: 30,
          frameWidth: 640,
          frameHeight: 480,
        },
        {
          id: 'r1',
          type: 'remote-inbound-rtp',
          kind: 'video',
          localId: 'o1',
          timestamp: t,
          packetsLost: 2,
          jitter: 0.004,
          roundTripTime: 0.05,
        },
      ]);
    const recv = (t: number, bytes: number) =>
      statsReport([
        {
          id: 'i1',
          type: 'inbound-rtp',
          kind: 'audio',
          mid: '1',
          timestamp: t,
          bytesReceived: bytes,
          packetsReceived: 500,
          packetsLost: 3,
          jitter: 0.012,
        },
        { id: 'tr', type: 'transport', timestamp: t, selectedCandidatePairId: 'cp' },
        { id: 'cp', type: 'candidate-pair', timestamp: t, currentRoundTripTime: 0.02 },
      ]);
    const streams = {
      outbound: { audio: null, video: { mid: '0' } },
      inbound: { audio: { mid: '1' }, video: null },
    };
    stats.summarise(send(0, 0), recv(0, 0), streams);
    const summary = stats.summarise(send(1000, 125_000), recv(1000, 4_000), streams);
    expect(summary.outbound.video).toMatchObject({ bitrateKbps: 1000, roundTripTimeMs: 50 });
    const parsed = CallStatsSummarySchema.safeParse(summary);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(
      staffMonitoringRequests.statsReport.request.safeParse({
        callId: '6f1c4e0e-6c8f-4d5b-9a51-7f1b8a0d2c11',
        stats: summary,
      }).success,
    ).toBe(true);
  });

  it('bounds a heartbeat: long strings, unknown fields and absurd figures are refused', () => {
    const ok = {
      appVersion: '1.2.3',
      screen: 'waiting',
      camera: { present: true, permission: 'granted' },
      microphone: { present: true, permission: 'prompt' },
      speakerTestedAt: '2026-01-05T09:00:00.000Z',
      network: { effectiveType: '4g', serverRttMs: 35 },
      userAgent: 'Mozilla/5.0',
    };
    expect(KioskHeartbeatSchema.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, appVersion: 'x'.repeat(41) },
      { ...ok, userAgent: 'x'.repeat(401) },
      { ...ok, screen: 'desktop' },
      { ...ok, extra: 1 },
      { ...ok, camera: { present: true, permission: 'granted', label: 'HD cam' } },
      { ...ok, network: { effectiveType: '<script>', serverRttMs: 1 } },
      { ...ok, network: { effectiveType: null, serverRttMs: -1 } },
      { ...ok, network: { effectiveType: null, serverRttMs: Number.POSITIVE_INFINITY } },
    ]) {
      expect(KioskHeartbeatSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body (RFC 4231 test case 2)', () => {
    expect(signWebhook('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
