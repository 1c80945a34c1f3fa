import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EVENT_LOOP_RESOLUTION_MS } from './HealthMonitor';
import type { MediaKind } from '@visio/shared/protocol';
import type {
  AlertType,
  CallDirection,
  FlowQuality,
  HealthSnapshot,
  QualitySample,
} from '@visio/shared/protocol';

/** What the gauges read when Prometheus scrapes. */
export interface MetricsSources {
  activeCalls: () => number;
  kiosksOnline: () => number;
  /** The latest quality sample of each call in progress. */
  latestSamples: () => QualitySample[];
  latestHealth: () => HealthSnapshot | undefined;
  activeAlerts: () => Map<AlertType, number>;
}

const DIRECTIONS: readonly [CallDirection, 'kioskToAdvisor' | 'advisorToKiosk'][] = [
  ['kiosk_to_advisor', 'kioskToAdvisor'],
  ['advisor_to_kiosk', 'advisorToKiosk'],
];
const KINDS: readonly MediaKind[] = ['audio', 'video'];
const ALERT_TYPES: readonly AlertType[] = [
  'kiosk_offline',
  'camera_missing',
  'microphone_missing',
  'permission_denied',
];

/**
 * Prometheus metrics on a registry of our own, named like sentences with the `visio_` prefix
 * (LiveKit's telemetry style). Gauges are computed at scrape time from the live services; the
 * quality gauges average the latest sample of every call in progress, per direction and kind
 * (no series while no call has that figure). Counters and histograms are fed by domain events.
 *
 * `visio_call_setup_seconds` runs from the start of the call (the advisor's admit,
 * once the call's media router exists) until both parties have a consumer forwarding live media
 * (resumed after the browser acknowledged it, with its producer unpaused): the last point the
 * server sees before pictures appear.
 */
export class MetricsService {
  readonly registry = new Registry();
  readonly callSetup: Histogram;
  readonly callDuration: Histogram;
  readonly checkIns: Counter;
  readonly noShows: Counter;
  readonly workerDeaths: Counter;
  readonly callsEnded: Counter<'reason'>;
  readonly callsRefused: Counter<'reason'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    // prom-client's event-loop histogram wakes the loop as often as the health monitor's: same rate.
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'visio_',
      eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS,
    });

    new Gauge({
      name: 'visio_calls_active',
      help: 'Calls in progress.',
      registers,
      collect() {
        this.set(sources.activeCalls());
      },
    });
    new Gauge({
      name: 'visio_kiosks_online',
      help: 'Kiosks connected and heard from within the heartbeat timeout.',
      registers,
      collect() {
        this.set(sources.kiosksOnline());
      },
    });
    new Gauge({
      name: 'visio_alerts_active',
      help: 'Active alerts, by type.',
      labelNames: ['type'],
      registers,
      collect() {
        const counts = sources.activeAlerts();
        for (const type of ALERT_TYPES) this.set({ type }, counts.get(type) ?? 0);
      },
    });

    const flowGauge = (
      name: string,
      help: string,
      pick: (f: FlowQuality) => number | null,
      scale: number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['direction', 'kind'],
        registers,
        collect() {
          this.reset();
          const samples = sources.latestSamples();
          for (const [direction, key] of DIRECTIONS) {
            for (const kind of KINDS) {
              const values = samples
                .map((s) => s.flows[key][kind])
                .map((f) => (f ? pick(f) : null))
                .filter((v): v is number => v !== null);
              if (values.length > 0) this.set({ direction, kind }, mean(values) * scale);
            }
          }
        },
      });
    flowGauge(
      'visio_packet_loss_ratio',
      'Packet loss (0–1) averaged over calls in progress, latest sample.',
      (f) => f.packetLossPercent,
      0.01,
    );
    flowGauge(
      'visio_jitter_seconds',
      'Jitter averaged over calls in progress, latest sample.',
      (f) => f.jitterMs,
      0.001,
    );
    flowGauge(
      'visio_bitrate_bits_per_second',
      'Media bitrate averaged over calls in progress, latest sample.',
      (f) => f.bitrateKbps,
      1000,
    );
    new Gauge({
      name: 'visio_rtt_seconds',
      help: 'Round trip browser to browser through the server, averaged over calls in progress.',
      labelNames: ['direction'],
      registers,
      collect() {
        this.reset();
        const samples = sources.latestSamples();
        for (const [direction, key] of DIRECTIONS) {
          const values = samples
            .map((s) => maxOf([s.flows[key].audio?.rttMs, s.flows[key].video?.rttMs]))
            .filter((v): v is number => v !== null);
          if (values.length > 0) this.set({ direction }, mean(values) / 1000);
        }
      },
    });
    new Gauge({
      name: 'visio_worker_cpu_ratio',
      help: 'CPU of each media worker (by slot) as a share of one core, latest measurement.',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const w of sources.latestHealth()?.workers ?? []) {
          if (w.cpuPercent !== null) this.set({ worker: String(w.slot) }, w.cpuPercent / 100);
        }
      },
    });

    this.callSetup = new Histogram({
      name: 'visio_call_setup_seconds',
      help: 'From the start of a call until both parties receive live media.',
      buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60],
      registers,
    });
    this.callDuration = new Histogram({
      name: 'visio_call_duration_seconds',
      help: 'Duration of ended calls.',
      buckets: [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200],
      registers,
    });
    this.callsEnded = new Counter({
      name: 'visio_calls_ended_total',
      help: 'Calls ended, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.callsRefused = new Counter({
      name: 'visio_calls_refused_total',
      help: 'New calls refused, by reason (server_busy: every media worker at its CPU limit).',
      labelNames: ['reason'],
      registers,
    });
    this.checkIns = new Counter({
      name: 'visio_checkins_total',
      help: 'Citizens checked in at a kiosk (appointments and walk-ins).',
      registers,
    });
    this.noShows = new Counter({
      name: 'visio_no_shows_total',
      help: 'Appointments marked no-show.',
      registers,
    });
    this.workerDeaths = new Counter({
      name: 'visio_worker_deaths_total',
      help: 'Media worker processes that died.',
      registers,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function maxOf(values: (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length > 0 ? Math.max(...known) : null;
}
