import { describe, expect, it } from 'vitest';
import { MetricsService, type MetricsSources } from '../../../server/src/monitoring/MetricsService';
import type { FlowQuality, QualitySample } from '@visio/shared/protocol';

function flowWith(over: Partial<FlowQuality>): FlowQuality {
  return {
    bitrateKbps: null,
    packetLossPercent: null,
    jitterMs: null,
    rttMs: null,
    framesPerSecond: null,
    frameWidth: null,
    frameHeight: null,
    freezes: 0,
    score: null,
    ...over,
  };
}

function sample(audio: Partial<FlowQuality>): QualitySample {
  return {
    at: new Date().toISOString(),
    flows: {
      kioskToAdvisor: { audio: flowWith(audio), video: null },
      advisorToKiosk: { audio: null, video: null },
    },
    ice: { kiosk: 'udp', advisor: 'udp' },
    verdict: 'good',
    reasons: [],
  };
}

/** The value of one series in Prometheus text, e.g. `visio_calls_active` or `x{a="b"}`. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MetricsService', () => {
  it('reads gauges at scrape time and averages the latest samples of calls in progress', async () => {
    let samples: QualitySample[] = [];
    const sources: MetricsSources = {
      activeCalls: () => samples.length,
      kiosksOnline: () => 3,
      latestSamples: () => samples,
      latestHealth: () => undefined,
      activeAlerts: () => new Map([['kiosk_offline', 2]]),
    };
    const metrics = new MetricsService(sources);
    let text = await metrics.metrics();
    expect(valueOf(text, 'visio_calls_active')).toBe(0);
    expect(valueOf(text, 'visio_kiosks_online')).toBe(3);
    expect(valueOf(text, 'visio_alerts_active{type="kiosk_offline"}')).toBe(2);
    expect(valueOf(text, 'visio_alerts_active{type="camera_missing"}')).toBe(0);
    expect(text).not.toContain('visio_packet_loss_ratio{');

    samples = [
      sample({ packetLossPercent: 1, jitterMs: 10, rttMs: 100, bitrateKbps: 30 }),
      sample({ packetLossPercent: 3, jitterMs: 30, rttMs: 300, bitrateKbps: 50 }),
    ];
    text = await metrics.metrics();
    expect(valueOf(text, 'visio_calls_active')).toBe(2);
    const labels = '{direction="kiosk_to_advisor",kind="audio"}';
    expect(valueOf(text, `visio_packet_loss_ratio${labels}`)).toBeCloseTo(0.02);
    expect(valueOf(text, `visio_jitter_seconds${labels}`)).toBeCloseTo(0.02);
    expect(valueOf(text, `visio_bitrate_bits_per_second${labels}`)).toBe(40_000);
    expect(valueOf(text, 'visio_rtt_seconds{direction="kiosk_to_advisor"}')).toBeCloseTo(0.2);
    expect(text).not.toContain('direction="advisor_to_kiosk"');

    samples = [];
    text = await metrics.metrics();
    expect(text).not.toContain(`visio_packet_loss_ratio${labels}`);
  });

  it('counts and observes what the domain events feed it, beside the default process metrics', async () => {
    const metrics = new MetricsService({
      activeCalls: () => 0,
      kiosksOnline: () => 0,
      latestSamples: () => [],
      latestHealth: () => ({
        at: new Date().toISOString(),
        uptimeSeconds: 1,
        workers: [
          {
            slot: 0,
            pid: 10,
            cpuPercent: 12.5,
            routers: 0,
            transports: 0,
            producers: 0,
            consumers: 0,
          },
          {
            slot: 1,
            pid: 11,
            cpuPercent: null,
            routers: 0,
            transports: 0,
            producers: 0,
            consumers: 0,
          },
        ],
        workerDeaths: { total: 0, recent: [] },
        process: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1, cpuPercent: null },
        eventLoop: { meanMs: 0, p99Ms: 0, maxMs: 0 },
        sockets: 0,
        activeCalls: 0,
        kiosksOnline: 0,
      }),
      activeAlerts: () => new Map(),
    });
    metrics.checkIns.inc();
    metrics.checkIns.inc();
    metrics.noShows.inc();
    metrics.callSetup.observe(1.5);
    metrics.callDuration.observe(400);
    metrics.callsEnded.inc({ reason: 'hangup' });
    const text = await metrics.metrics();
    expect(valueOf(text, 'visio_checkins_total')).toBe(2);
    expect(valueOf(text, 'visio_no_shows_total')).toBe(1);
    expect(valueOf(text, 'visio_worker_deaths_total')).toBe(0);
    expect(valueOf(text, 'visio_call_setup_seconds_bucket{le="1"}')).toBe(0);
    expect(valueOf(text, 'visio_call_setup_seconds_bucket{le="2"}')).toBe(1);
    expect(valueOf(text, 'visio_call_duration_seconds_sum')).toBe(400);
    expect(valueOf(text, 'visio_calls_ended_total{reason="hangup"}')).toBe(1);
    expect(valueOf(text, 'visio_worker_cpu_ratio{worker="0"}')).toBe(0.125);
    expect(text).not.toContain('visio_worker_cpu_ratio{worker="1"}');
    expect(text).toContain('visio_process_resident_memory_bytes');
    expect(metrics.contentType).toContain('text/plain');
  });
});
