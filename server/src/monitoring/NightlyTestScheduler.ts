import type { Logger } from 'pino';
import type { RunOncePerPeriod } from '../cluster/RedisLeases';
import type { NightlyWindow } from './NightlyWindow';

/** A kiosk the scheduler may ask: its site's zone and opening hours. */
export interface NightlyCandidate {
  kioskId: string;
  timeZone: string;
  isOpenAt(instant: Date): boolean;
}

export interface NightlySchedulerDeps {
  window: NightlyWindow;
  maxConcurrent: number;
  /** Kiosks online on this node, idle (welcome screen, no call, no citizen), in service. */
  idleKiosks(): Promise<NightlyCandidate[]>;
  /** When each kiosk last finished a nightly test (any node: the store's word). */
  lastTestedAt(): Promise<Map<string, string>>;
  /** Tests asked for and not yet over, on this node. */
  inProgress(): number;
  /** Asks the kiosk (it may decline). */
  ask(kioskId: string): void;
  /** Several nodes: one asks a given kiosk at a time. */
  oncePerPeriod?: RunOncePerPeriod | undefined;
  /** A kiosk that declined or did not answer is asked again after this. */
  retryAfterMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Once per night per kiosk, within the window and outside its site's opening hours, asks each
 * idle kiosk to run the nightly test call, at most `maxConcurrent` at once on this node. Each node
 * asks the kiosks connected to it (the test runs where the kiosk is connected); whether a kiosk
 * was tested this night is read from the store, so a restart or another node does not test it
 * twice, and a per-kiosk lease keeps two nodes from asking it at the same moment.
 */
export class NightlyTestScheduler {
  private readonly lastAsked = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly now: () => number;

  constructor(private readonly deps: NightlySchedulerDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(tickMs: number): void {
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass: answers the kiosks asked. */
  async tick(): Promise<string[]> {
    if (this.ticking) return [];
    this.ticking = true;
    const asked: string[] = [];
    try {
      const { window, maxConcurrent, retryAfterMs } = this.deps;
      const now = new Date(this.now());
      let free = maxConcurrent - this.deps.inProgress();
      if (free <= 0) return asked;
      const candidates = await this.deps.idleKiosks();
      if (candidates.length === 0) return asked;
      const last = await this.deps.lastTestedAt();
      for (const kiosk of candidates) {
        if (free <= 0) break;
        const night = window.nightOf(now, kiosk.timeZone);
        if (night === null || kiosk.isOpenAt(now)) continue;
        const tested = last.get(kiosk.kioskId);
        if (tested !== undefined && window.nightOf(new Date(tested), kiosk.timeZone) === night)
          continue;
        const askedAt = this.lastAsked.get(kiosk.kioskId);
        if (askedAt !== undefined && now.getTime() - askedAt < retryAfterMs) continue;
        this.lastAsked.set(kiosk.kioskId, now.getTime());
        const ask = async () => {
          this.deps.ask(kiosk.kioskId);
          asked.push(kiosk.kioskId);
        };
        const took = this.deps.oncePerPeriod
          ? await this.deps.oncePerPeriod(`nightly-test:${kiosk.kioskId}`, retryAfterMs, ask)
          : (await ask(), true);
        if (took) free -= 1;
      }
      if (asked.length > 0) this.deps.logger.info({ kiosks: asked.length }, 'nightly tests asked');
    } catch (err) {
      this.deps.logger.warn({ err }, 'nightly test pass failed');
    } finally {
      this.ticking = false;
    }
    return asked;
  }
}
