import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { Router, WebRtcServer, Worker, WorkerLogLevel } from 'mediasoup/types';
import type { Logger } from 'pino';
import { AppError } from '@visio/shared/protocol';
import { MEDIA_CODECS } from './mediaCodecs';

export interface WorkerPoolOptions {
  workers: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  /** When set, slot i serves its WebRTC transports on one port: webRtcServerPort + i (UDP and TCP). */
  webRtcServerPort: number | undefined;
  listenIp: string;
  announcedIp: string | undefined;
  logLevel: WorkerLogLevel;
  /** First delay before respawning a dead worker; doubles on each consecutive death, up to 30 s. */
  respawnDelayMs?: number;
}

/** One worker process and what it hosts. A slot outlives its worker: a dead worker is respawned in it. */
interface Slot {
  index: number;
  worker: Worker | undefined;
  webRtcServer: WebRtcServer | undefined;
  routers: number;
  deaths: number;
  respawnTimer: NodeJS.Timeout | undefined;
}

export interface WorkerPoolEvents {
  workerDied: [{ slot: number; pid: number; error: string }];
  workerSpawned: [{ slot: number; pid: number }];
}

export interface PlacedRouter {
  router: Router;
  workerPid: number;
  webRtcServer: WebRtcServer | undefined;
}

/**
 * One mediasoup worker per core. Routers are placed on the least-loaded live worker; a worker
 * that dies is logged and respawned, and the process never exits because of it (the calls it
 * hosted end through their routers' `workerclose`).
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly slots: Slot[];
  private closed = false;

  private constructor(
    private readonly options: WorkerPoolOptions,
    private readonly logger: Logger,
  ) {
    super();
    this.slots = Array.from({ length: options.workers }, (_, index) => ({
      index,
      worker: undefined,
      webRtcServer: undefined,
      routers: 0,
      deaths: 0,
      respawnTimer: undefined,
    }));
  }

  static async create(options: WorkerPoolOptions, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, logger.child({ module: 'WorkerPool' }));
    try {
      await Promise.all(pool.slots.map((slot) => pool.spawn(slot)));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Live workers, for health checks and monitoring. */
  get liveWorkers(): Worker[] {
    return this.slots.flatMap((s) => (s.worker && !s.worker.closed ? [s.worker] : []));
  }

  get isReady(): boolean {
    return !this.closed && this.liveWorkers.length > 0;
  }

  /** Creates a router on the live worker hosting the fewest routers. */
  async createRouter(appData: Record<string, unknown>): Promise<PlacedRouter> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'The media service is shutting down');
    const live = this.slots.filter((s) => s.worker && !s.worker.closed);
    const slot = live.reduce<Slot | undefined>(
      (best, s) => (!best || s.routers < best.routers ? s : best),
      undefined,
    );
    if (!slot?.worker) throw new AppError('UNAVAILABLE', 'No media worker is available');
    const worker = slot.worker;
    slot.routers += 1;
    let router: Router;
    try {
      router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData });
    } catch (error) {
      slot.routers -= 1;
      throw error;
    }
    router.observer.once('close', () => {
      // The slot may host a respawned worker by now; only count down for the worker we placed on.
      if (slot.worker === worker) slot.routers -= 1;
    });
    return { router, workerPid: worker.pid, webRtcServer: slot.webRtcServer };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) {
      clearTimeout(slot.respawnTimer);
      slot.worker?.close();
    }
  }

  private portRange(index: number): { rtcMinPort: number; rtcMaxPort: number } {
    const { rtcMinPort, rtcMaxPort, workers } = this.options;
    const span = Math.floor((rtcMaxPort - rtcMinPort + 1) / workers);
    const min = rtcMinPort + index * span;
    return { rtcMinPort: min, rtcMaxPort: index === workers - 1 ? rtcMaxPort : min + span - 1 };
  }

  private async spawn(slot: Slot): Promise<void> {
    const worker = await mediasoup.createWorker({
      logLevel: this.options.logLevel,
      ...this.portRange(slot.index),
      appData: { slot: slot.index },
    });
    slot.worker = worker;
    slot.routers = 0;
    worker.on('died', (error) => this.onDied(slot, worker, error));
    if (this.options.webRtcServerPort !== undefined) {
      const port = this.options.webRtcServerPort + slot.index;
      const ip = this.options.listenIp;
      const announcedAddress = this.options.announcedIp;
      slot.webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip, announcedAddress, port },
          { protocol: 'tcp', ip, announcedAddress, port },
        ],
      });
    }
    this.logger.info({ slot: slot.index, pid: worker.pid }, 'media worker started');
    this.emit('workerSpawned', { slot: slot.index, pid: worker.pid });
  }

  private onDied(slot: Slot, worker: Worker, error: Error): void {
    slot.deaths += 1;
    slot.worker = undefined;
    slot.webRtcServer = undefined;
    slot.routers = 0;
    this.logger.error(
      { slot: slot.index, pid: worker.pid, err: error.message },
      'media worker died',
    );
    this.emit('workerDied', { slot: slot.index, pid: worker.pid, error: error.message });
    if (this.closed) return;
    const base = this.options.respawnDelayMs ?? 500;
    const delay = Math.min(base * 2 ** Math.min(slot.deaths - 1, 6), 30_000);
    slot.respawnTimer = setTimeout(() => {
      slot.respawnTimer = undefined;
      if (this.closed) return;
      this.spawn(slot).catch((err: unknown) => {
        this.logger.error(
          { slot: slot.index, err: String(err) },
          'media worker respawn failed; retrying',
        );
        this.onDied(slot, worker, err instanceof Error ? err : new Error(String(err)));
      });
    }, delay);
    slot.respawnTimer.unref();
  }
}
