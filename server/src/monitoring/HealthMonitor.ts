import { EventEmitter } from 'node:events';
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { WorkerPool } from '../media';
import type { HealthSnapshot } from '@visio/shared/protocol';

export interface HealthSources {
  pool: Pick<WorkerPool, 'usage' | 'on' | 'off'>;
  activeCalls: () => number;
  kiosksOnline: () => number;
  /** Open signalling sockets (both namespaces). */
  connectedSockets: () => number;
}

export interface HealthMonitorEvents {
  snapshot: [HealthSnapshot];
  workerDied: [{ slot: number; pid: number }];
}

const RECENT_DEATHS = 20;

/**
 * How often event-loop delay is sampled. Each sample wakes the loop: at Node's default 10 ms that
 * alone costs ~0.3 % of a core on an idle server; 50 ms costs ~0.08 % and still catches every
 * stall of 50 ms or more (shorter ones do not hurt signalling).
 */
export const EVENT_LOOP_RESOLUTION_MS = 50;

/**
 * The server's own health, measured every `intervalMs` and on demand: per media worker its CPU
 * (from deltas of the CPU time `WorkerPool.usage()` reports, as a share of one core) and the
 * objects it hosts, worker
 * deaths, the Node process's memory and CPU, event-loop delay, sockets, calls, online kiosks.
 */
export class HealthMonitor extends EventEmitter<HealthMonitorEvents> {
  private readonly loopDelay: ELDHistogram = monitorEventLoopDelay({
    resolution: EVENT_LOOP_RESOLUTION_MS,
  });
  private readonly cpuBefore = new Map<number, { cpuMs: number; at: number }>();
  private processCpuBefore: { usage: NodeJS.CpuUsage; at: number } | undefined;
  private readonly deaths: HealthSnapshot['workerDeaths']['recent'] = [];
  private deathCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private _latest: HealthSnapshot | undefined;
  private readonly onWorkerDied = ({
    slot,
    pid,
    error,
  }: {
    slot: number;
    pid: number;
    error: string;
  }) => {
    this.deathCount += 1;
    this.deaths.push({ slot, pid, at: new Date().toISOString(), error: error.slice(0, 200) });
    if (this.deaths.length > RECENT_DEATHS) this.deaths.shift();
    this.cpuBefore.delete(pid);
    this.emit('workerDied', { slot, pid });
  };

  constructor(
    private readonly sources: HealthSources,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {
    super();
  }

  start(): void {
    this.loopDelay.enable();
    this.sources.pool.on('workerDied', this.onWorkerDied);
    this.timer = setInterval(() => {
      this.measure()
        .then((snapshot) => this.emit('snapshot', snapshot))
        .catch((err: unknown) => this.logger.warn({ err }, 'health measurement failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.loopDelay.disable();
    this.sources.pool.off('workerDied', this.onWorkerDied);
  }

  /** The last measurement, if any. */
  get latest(): HealthSnapshot | undefined {
    return this._latest;
  }

  get workerDeaths(): number {
    return this.deathCount;
  }

  /** Measures now. CPU shares cover the time since the previous measurement. */
  async measure(): Promise<HealthSnapshot> {
    const now = Date.now();
    const workers = (await this.sources.pool.usage()).map(({ slot, pid, cpuMs, ...counts }) => {
      let cpuPercent: number | null = null;
      if (cpuMs !== null) {
        const before = this.cpuBefore.get(pid);
        if (before && now > before.at)
          cpuPercent = round1(((cpuMs - before.cpuMs) / (now - before.at)) * 100);
        this.cpuBefore.set(pid, { cpuMs, at: now });
      }
      return { slot, pid, cpuPercent, ...counts };
    });
    const usage = process.cpuUsage();
    let processCpu: number | null = null;
    if (this.processCpuBefore && now > this.processCpuBefore.at) {
      const before = this.processCpuBefore.usage;
      const micros = usage.user - before.user + (usage.system - before.system);
      processCpu = round1((micros / 1000 / (now - this.processCpuBefore.at)) * 100);
    }
    this.processCpuBefore = { usage, at: now };
    const memory = process.memoryUsage();
    const ms = (ns: number) => (Number.isFinite(ns) ? round1(ns / 1e6) : 0);
    const snapshot: HealthSnapshot = {
      at: new Date(now).toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
      workers: workers.sort((a, b) => a.slot - b.slot),
      workerDeaths: { total: this.deathCount, recent: [...this.deaths].reverse() },
      process: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        cpuPercent: processCpu,
      },
      eventLoop: {
        meanMs: ms(this.loopDelay.mean),
        p99Ms: ms(this.loopDelay.percentile(99)),
        maxMs: ms(this.loopDelay.max),
      },
      sockets: this.sources.connectedSockets(),
      activeCalls: this.sources.activeCalls(),
      kiosksOnline: this.sources.kiosksOnline(),
    };
    this.loopDelay.reset();
    this._latest = snapshot;
    return snapshot;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
