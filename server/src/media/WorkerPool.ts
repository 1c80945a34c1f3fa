import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { AppError } from '@visio/shared/protocol';
import { CpuLoadMeter, projectedLoad } from './CpuLoadMeter';
import { MEDIA_CODECS } from './mediaCodecs';
import { busyWhileUnanswered, processCpuMs } from './processCpu';
import { MediaRoomObserver, type MediaCounts } from './MediaRoomObserver';
import { cappedSocketBuffers } from './socketBuffers';

export interface WorkerPoolOptions {
  workers: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  /** When set, slot i serves its WebRTC transports on one port: webRtcServerPort + i (UDP and TCP). */
  webRtcServerPort: number | undefined;
  /**
   * The receive and send buffers of each WebRtcServer's UDP socket, bytes (0 or absent: the
   * system's default). Every packet of the worker goes through that one socket.
   */
  webRtcServerBufferBytes?: number;
  listenIp: string;
  announcedIp: string | undefined;
  logLevel: types.WorkerLogLevel;
  /** First delay before respawning a dead worker; doubles on each consecutive death, up to 30 s. */
  respawnDelayMs?: number;
  /**
   * The health probe: every `intervalMs` each worker is asked for its resource usage; a worker
   * that leaves `misses` probes in a row unanswered within `timeoutMs` (a missed probe is followed
   * at once by the next, so that takes `misses` × `timeoutMs`) is hung and is killed, so
   * that its death runs the usual path (respawn, its routers closed, their calls re-homed).
   * Absent: no probe.
   */
  probe?: { intervalMs: number; timeoutMs: number; misses: number };
  /**
   * Admission control: a new call's room goes only to a worker whose CPU load, measured from the
   * health probe's answers and projected for the rooms placed on it lately, is under `maxCpu`
   * (a share of one core). With every worker past it, new calls are refused as UNAVAILABLE,
   * reason `server_busy`, and the running calls keep their worker to themselves. Calls moving
   * after a fault are always placed. Needs the probe; absent: every call is placed.
   */
  admission?: { maxCpu: number };
}

/**
 * A worker whose CPU time goes on while it leaves probes unanswered is saturated, not hung: its
 * misses do not count, up to this long; a worker unanswering past it is killed as hung (a worker
 * spinning in a loop would otherwise never be).
 */
const BUSY_UNANSWERED_LIMIT_MS = 10_000;
/** How far back a worker's CPU load is measured (at least three probe beats). */
const LOAD_WINDOW_MS = 1_000;
/** A room this young may not carry its media yet: its cost is projected, not measured. */
const RECENT_ROOM_MS = 2_000;

/** Why a worker's routers closed under their rooms. */
export type WorkerLoss = 'worker_died' | 'worker_unresponsive';

/** One worker process and what it hosts. A slot outlives its worker: a dead worker is respawned in it. */
interface Slot {
  index: number;
  worker: types.Worker | undefined;
  webRtcServer: types.WebRtcServer | undefined;
  /** The routers of its worker, by their observers (which count what each hosts). */
  routers: Set<MediaRoomObserver>;
  /** Routers being created on it now. */
  placing: number;
  deaths: number;
  /** When its current worker started (a worker that lived long resets the respawn backoff). */
  spawnedAt: number;
  respawnTimer: NodeJS.Timeout | undefined;
  /** Probes in a row its worker left unanswered, and whether one is awaited now. */
  missedProbes: number;
  probing: boolean;
  /** Since when its worker has been too busy to answer (its CPU time going on), if it is. */
  busySince: number | undefined;
  /** Its worker's CPU load, from the probe's answers. */
  cpu: CpuLoadMeter;
  /** When its recent rooms were placed (monotonic ms), oldest first. */
  placedAt: number[];
}

export interface WorkerPoolEvents {
  workerDied: [{ slot: number; pid: number; error: string; cause: WorkerLoss }];
  /** A worker left its health probes unanswered and is being killed. */
  workerUnresponsive: [{ slot: number; pid: number; missedProbes: number }];
  workerSpawned: [{ slot: number; pid: number }];
  /** A new call was refused: every live worker was at its admission limit (their loads). */
  admissionRefused: [{ loads: (number | null)[] }];
}

export interface PlacedRouter {
  router: types.Router;
  /** Follows the router's objects from its creation on. */
  observer: MediaRoomObserver;
  workerPid: number;
  webRtcServer: types.WebRtcServer | undefined;
  /** Why the router's worker went, asked when the router hears `workerclose`. */
  lossCause: () => WorkerLoss;
}

/** One live worker, as plain figures. */
export interface WorkerUsage extends MediaCounts {
  slot: number;
  pid: number;
  /** CPU time (user + system) the worker process used so far; null if it could not answer. */
  cpuMs: number | null;
  /** Share of one core it used lately (measured by the health probe); null without a figure. */
  cpuLoad: number | null;
  routers: number;
}

/**
 * One mediasoup worker per core. Routers are placed on the least-loaded live worker; a worker
 * that dies is logged and respawned, and the process never exits because of it (the rooms it
 * hosted hear it through their routers' `workerclose`, and their calls move elsewhere). A worker
 * that hangs (alive but deaf) is found by the health probe and killed, which makes it a death.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private routerCapabilities: Promise<types.RtpCapabilities> | undefined;
  private readonly slots: Slot[];
  private closed = false;
  private probeTimer: NodeJS.Timeout | undefined;
  /** Pids killed for not answering: their routers' close is told as `worker_unresponsive`. */
  private readonly hungPids = new Set<number>();

  private constructor(
    private readonly options: WorkerPoolOptions,
    private readonly logger: Logger,
  ) {
    super();
    this.slots = Array.from({ length: options.workers }, (_, index) => ({
      index,
      worker: undefined,
      webRtcServer: undefined,
      routers: new Set(),
      placing: 0,
      deaths: 0,
      spawnedAt: 0,
      respawnTimer: undefined,
      missedProbes: 0,
      probing: false,
      busySince: undefined,
      cpu: new CpuLoadMeter(Math.max(LOAD_WINDOW_MS, 3 * (options.probe?.intervalMs ?? 0))),
      placedAt: [],
    }));
  }

  static async create(options: WorkerPoolOptions, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, logger.child({ module: 'WorkerPool' }));
    const bufferBytes = options.webRtcServerBufferBytes ?? 0;
    if (options.webRtcServerPort !== undefined && bufferBytes > 0) {
      const capped = cappedSocketBuffers(bufferBytes);
      if (capped.length > 0)
        pool.logger.warn(
          { wantedBytes: bufferBytes, capped },
          'the kernel caps the WebRtcServer socket buffers: raise these sysctls to ' +
            'WEBRTC_SERVER_BUFFER_BYTES, or a loaded worker drops packets (see README)',
        );
    }
    try {
      await Promise.all(pool.slots.map((slot) => pool.spawn(slot)));
    } catch (error) {
      pool.close();
      throw error;
    }
    pool.startProbe();
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * The live mediasoup workers themselves: for tests and benchmarks that check the workers' own
   * account or stop one. Code outside media/ reads `usage()` instead.
   */
  get liveWorkers(): types.Worker[] {
    return this.liveSlots().map((s) => s.worker!);
  }

  /**
   * Per live worker: the media objects it hosts and its CPU time so far (one request to each
   * worker). Counts are taken when asked, before the workers answer.
   */
  usage(): Promise<WorkerUsage[]> {
    return Promise.all(
      this.liveSlots().map(async (slot) => {
        const worker = slot.worker!;
        const counts: MediaCounts = { transports: 0, producers: 0, consumers: 0 };
        for (const router of slot.routers) {
          const c = router.counts();
          counts.transports += c.transports;
          counts.producers += c.producers;
          counts.consumers += c.consumers;
        }
        let cpuMs: number | null = null;
        try {
          const usage = await worker.getResourceUsage();
          cpuMs = usage.ru_utime + usage.ru_stime;
        } catch {
          // The worker died between listing and asking: no figure this time.
        }
        return {
          slot: slot.index,
          pid: worker.pid,
          cpuMs,
          cpuLoad: slot.cpu.load,
          routers: slot.routers.size,
          ...counts,
        };
      }),
    );
  }

  get isReady(): boolean {
    return !this.closed && this.liveWorkers.length > 0;
  }

  /**
   * The RTP capabilities of every router this pool makes (they follow from MEDIA_CODECS alone):
   * read once from a router made and closed at once on a live worker, then kept.
   */
  routerRtpCapabilities(): Promise<types.RtpCapabilities> {
    this.routerCapabilities ??= (async () => {
      const worker = this.liveWorkers[0];
      if (!worker) throw new AppError('UNAVAILABLE', 'No media worker is available');
      const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
      const { rtpCapabilities } = router;
      router.close();
      return rtpCapabilities;
    })();
    this.routerCapabilities.catch(() => (this.routerCapabilities = undefined));
    return this.routerCapabilities;
  }

  /**
   * Creates a router on the live worker hosting the fewest routers; for a new call (`newCall`),
   * among the workers that admit one (see `admission` in the options).
   */
  async createRouter(
    appData: Record<string, unknown>,
    { newCall = false }: { newCall?: boolean } = {},
  ): Promise<PlacedRouter> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'The media service is shutting down');
    const live = this.liveSlots();
    const candidates = newCall ? live.filter((s) => this.admits(s)) : live;
    const slot = candidates.reduce<Slot | undefined>(
      (best, s) => (!best || load(s) < load(best) ? s : best),
      undefined,
    );
    if (!slot?.worker) {
      if (live.length > 0) throw this.refuse(live);
      throw new AppError('UNAVAILABLE', 'No media worker is available');
    }
    const worker = slot.worker;
    // Counted before the worker answers, so that concurrent calls spread over the workers.
    slot.placing += 1;
    let router: types.Router;
    try {
      router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData });
    } finally {
      slot.placing -= 1;
    }
    slot.placedAt.push(performance.now());
    const observer = new MediaRoomObserver(router);
    // A respawned worker starts with a new set: the dead worker's routers are not counted.
    const routers = slot.routers;
    routers.add(observer);
    router.observer.once('close', () => routers.delete(observer));
    const pid = worker.pid;
    return {
      router,
      observer,
      workerPid: pid,
      webRtcServer: slot.webRtcServer,
      lossCause: () => (this.hungPids.has(pid) ? 'worker_unresponsive' : 'worker_died'),
    };
  }

  /**
   * Throws UNAVAILABLE (`server_busy`) when no live worker admits a new call now: asked before a
   * call is set up, so that a refused admission leaves the citizen waiting where they were.
   */
  assertAdmitsNewCall(): void {
    const live = this.liveSlots();
    if (live.length > 0 && !live.some((s) => this.admits(s))) throw this.refuse(live);
  }

  /**
   * For other nodes placing calls: the measured CPU share of the least-loaded live worker (null
   * before a figure), and whether a new call would be admitted here now.
   */
  loadSummary(): { cpu: number | null; admitting: boolean } {
    const live = this.liveSlots();
    const loads = live.flatMap((s) => (s.cpu.load === null ? [] : [s.cpu.load]));
    return {
      cpu: loads.length > 0 ? Math.min(...loads) : null,
      admitting: live.some((s) => this.admits(s)),
    };
  }

  private refuse(live: Slot[]): AppError {
    const loads = live.map((s) => s.cpu.load);
    this.logger.warn({ loads }, 'new call refused: every media worker is at capacity');
    this.emit('admissionRefused', { loads });
    return busy();
  }

  /**
   * Resolves true as soon as a worker is live (at once if one is), false after `timeoutMs`
   * without one or when the pool closes: a room lost with the only worker waits for its respawn.
   */
  async waitForLiveWorker(timeoutMs: number): Promise<boolean> {
    if (this.isReady) return true;
    if (this.closed) return false;
    return new Promise((resolve) => {
      const done = (live: boolean) => {
        clearTimeout(timer);
        this.off('workerSpawned', onSpawned);
        resolve(live);
      };
      const onSpawned = () => done(!this.closed);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.on('workerSpawned', onSpawned);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.probeTimer);
    for (const slot of this.slots) {
      clearTimeout(slot.respawnTimer);
      slot.worker?.close();
    }
  }

  /** Whether the slot's worker takes a new call: its projected load under the limit. */
  private admits(slot: Slot): boolean {
    const limit = this.options.admission?.maxCpu;
    const measured = slot.cpu.load;
    if (limit === undefined || measured === null) return true;
    const since = performance.now() - RECENT_ROOM_MS;
    while (slot.placedAt.length > 0 && slot.placedAt[0]! < since) slot.placedAt.shift();
    const recent = Math.min(slot.placedAt.length, slot.routers.size) + slot.placing;
    return projectedLoad(measured, slot.routers.size + slot.placing, recent) < limit;
  }

  private liveSlots(): Slot[] {
    return this.slots.filter((s) => s.worker && !s.worker.closed);
  }

  private portRange(index: number): { rtcMinPort: number; rtcMaxPort: number } {
    const { rtcMinPort, rtcMaxPort, workers } = this.options;
    const span = Math.floor((rtcMaxPort - rtcMinPort + 1) / workers);
    const min = rtcMinPort + index * span;
    return { rtcMinPort: min, rtcMaxPort: index === workers - 1 ? rtcMaxPort : min + span - 1 };
  }

  private async spawn(slot: Slot): Promise<void> {
    const worker = await withoutSignalClose(() =>
      mediasoup.createWorker({
        logLevel: this.options.logLevel,
        ...this.portRange(slot.index),
        appData: { slot: slot.index },
      }),
    );
    slot.worker = worker;
    slot.routers = new Set();
    slot.spawnedAt = Date.now();
    slot.missedProbes = 0;
    slot.cpu.reset();
    slot.placedAt = [];
    worker.on('died', (error) => this.onDied(slot, worker, error));
    if (this.options.webRtcServerPort !== undefined) {
      const port = this.options.webRtcServerPort + slot.index;
      const ip = this.options.listenIp;
      const announcedAddress = this.options.announcedIp;
      const bytes = this.options.webRtcServerBufferBytes ?? 0;
      const buffers = bytes > 0 ? { recvBufferSize: bytes, sendBufferSize: bytes } : {};
      slot.webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip, announcedAddress, port, ...buffers },
          { protocol: 'tcp', ip, announcedAddress, port },
        ],
      });
    }
    this.logger.info({ slot: slot.index, pid: worker.pid }, 'media worker started');
    this.emit('workerSpawned', { slot: slot.index, pid: worker.pid });
  }

  /** Probes every worker on a fixed beat; a hung one is killed (see `probe` in the options). */
  private startProbe(): void {
    const probe = this.options.probe;
    if (!probe) return;
    this.probeTimer = setInterval(() => {
      for (const slot of this.liveSlots()) this.probeSlot(slot, probe);
    }, probe.intervalMs);
    this.probeTimer.unref();
  }

  private probeSlot(slot: Slot, probe: NonNullable<WorkerPoolOptions['probe']>): void {
    // One probe at a time per worker: a hung worker counts one miss per timeout, not per beat.
    if (slot.probing) return;
    const worker = slot.worker!;
    slot.probing = true;
    const sentAt = performance.now();
    const cpuBefore = processCpuMs(worker.pid);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), probe.timeoutMs);
    });
    const answered = worker.getResourceUsage().then(
      (usage) => {
        if (slot.worker === worker)
          slot.cpu.record(performance.now(), usage.ru_utime + usage.ru_stime);
        return true;
      },
      // A worker that died meanwhile is handled by its `died` event, not as a miss.
      () => worker.closed,
    );
    void Promise.race([answered, timedOut]).then((ok) => {
      clearTimeout(timer);
      slot.probing = false;
      if (slot.worker !== worker || worker.closed) return;
      if (ok) {
        slot.missedProbes = 0;
        slot.busySince = undefined;
        return;
      }
      const now = performance.now();
      if (busyWhileUnanswered(cpuBefore, processCpuMs(worker.pid), now - sentAt)) {
        // Saturated (past the knee): killing it would drop every call it carries.
        if (slot.busySince === undefined) {
          slot.busySince = sentAt;
          this.logger.warn(
            { slot: slot.index, pid: worker.pid, cpuLoad: slot.cpu.load },
            'media worker too busy to answer its health probe: saturated, not hung',
          );
        }
        if (now - slot.busySince < BUSY_UNANSWERED_LIMIT_MS) return;
      }
      slot.missedProbes += 1;
      this.logger.warn(
        { slot: slot.index, pid: worker.pid, missedProbes: slot.missedProbes },
        'media worker did not answer its health probe',
      );
      // A miss is probed again at once rather than at the next beat: a hung worker is found
      // after `misses` timeouts in a row, not misses × (timeout + beat).
      if (slot.missedProbes < probe.misses) return this.probeSlot(slot, probe);
      this.emit('workerUnresponsive', {
        slot: slot.index,
        pid: worker.pid,
        missedProbes: slot.missedProbes,
      });
      this.hungPids.add(worker.pid);
      // SIGKILL works on a stopped process too; mediasoup then sees the child exit (`died`).
      try {
        process.kill(worker.pid, 'SIGKILL');
      } catch (err) {
        this.logger.error({ slot: slot.index, pid: worker.pid, err }, 'hung worker not killed');
      }
    });
  }

  private onDied(slot: Slot, worker: types.Worker, error: Error): void {
    // A worker that ran a good while before dying starts the respawn backoff over.
    if (slot.spawnedAt && Date.now() - slot.spawnedAt > STABLE_WORKER_MS) slot.deaths = 0;
    slot.deaths += 1;
    slot.worker = undefined;
    slot.webRtcServer = undefined;
    slot.routers = new Set();
    slot.spawnedAt = 0;
    const cause: WorkerLoss = this.hungPids.has(worker.pid) ? 'worker_unresponsive' : 'worker_died';
    this.logger.error(
      { slot: slot.index, pid: worker.pid, err: error.message, cause },
      'media worker died',
    );
    this.emit('workerDied', { slot: slot.index, pid: worker.pid, error: error.message, cause });
    if (this.closed) return;
    const base = this.options.respawnDelayMs ?? 500;
    const delay = Math.min(base * 2 ** Math.min(slot.deaths - 1, 6), 30_000);
    slot.respawnTimer = setTimeout(() => {
      slot.respawnTimer = undefined;
      // Its routers heard why (synchronously, after `died`): the pid is of no more use.
      this.hungPids.delete(worker.pid);
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

/** A worker that lived this long before dying was not crash-looping: its backoff starts over. */
const STABLE_WORKER_MS = 30_000;

/** What a slot hosts or is about to: routers are placed where this is lowest. */
function load(slot: Slot): number {
  return slot.routers.size + slot.placing;
}

/** Every worker is past its admission limit: the new call is refused, the running ones go on. */
function busy(): AppError {
  return AppError.withReason(
    'UNAVAILABLE',
    'server_busy',
    'The media servers are at capacity: try again in a moment',
  );
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Since 3.27 a mediasoup worker closes itself when this process gets SIGINT or SIGTERM (it
 * listens on `process` from its constructor). Our SIGTERM means "drain": calls go on until they
 * end, and the pool closes its workers when the server stops. So the listeners a worker adds while
 * it is created are taken off again.
 */
async function withoutSignalClose<T>(create: () => Promise<T>): Promise<T> {
  const before = new Map(STOP_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await create();
  } finally {
    for (const signal of STOP_SIGNALS)
      for (const listener of process.listeners(signal))
        if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
}
