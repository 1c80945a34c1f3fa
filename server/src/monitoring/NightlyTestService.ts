import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  AppError,
  unreachedPath,
  type IceServer,
  type LinkPath,
  type NightlyTestPlan,
  type NightlyTestResult,
  type NightlyTestView,
  type NightlyTrigger,
  type RequestOf,
  type ResponseOf,
  type kioskNightlyTestRequests,
} from '@visio/shared/protocol';
import { MediaLoop, type TransportListenOptions, type WorkerPool } from '../media';
import { BASELINE_RESULTS, degradation, siteBaseline } from './nightlyBaseline';
import type { NightlyTestRepository } from './NightlyTestRepository';

/**
 * What the kiosk runs: up to 8 s for the first looped frame on a path, then 4 s of loop before the
 * figures are read; the pattern is capped at 600 kbit/s (a call's QVGA–VGA video). Paths run one
 * after the other, so one test lasts about 30 s at most over three paths.
 */
export const NIGHTLY_TEST_PLAN: NightlyTestPlan = {
  firstFrameTimeoutMs: 8_000,
  measureMs: 4_000,
  maxVideoKbps: 600,
  deadlineMs: 60_000,
};
/** A kiosk asked to run a test has this long to start it (or decline). */
export const ASK_TIMEOUT_MS = 60_000;
const PATH_ORDER: readonly LinkPath[] = ['udp', 'tcp', 'turn'];
/** The server's cap on what a path brings in: the pattern, the tone and some headroom. */
const INCOMING_HEADROOM_KBPS = 200;

export interface NightlyTestOptions {
  maxConcurrent: number;
  listen: TransportListenOptions;
  plan?: NightlyTestPlan;
}

export interface NightlyTestDeps {
  pool: WorkerPool;
  repository: NightlyTestRepository;
  isInCall: (kioskId: string) => boolean;
  siteOf: (kioskId: string) => Promise<string | undefined>;
  relayFor?: ((kioskId: string) => IceServer[]) | undefined;
  logger: Logger;
  now?: () => number;
}

export interface NightlyTestServiceEvents {
  /** Deliver to the kiosk: run the test now if idle. */
  asked: [{ kioskId: string; trigger: NightlyTrigger }];
  /** A test was stored; `view.reasons` empty when as usual. */
  result: [{ kioskId: string; view: NightlyTestView }];
}

interface Asked {
  trigger: NightlyTrigger;
  timer: NodeJS.Timeout;
}

interface RunningTest {
  id: string;
  kioskId: string;
  trigger: NightlyTrigger;
  loop: MediaLoop;
  offered: readonly LinkPath[];
  deadline: NodeJS.Timeout;
}

type StartAnswer = ResponseOf<typeof kioskNightlyTestRequests.start>;
type FinishRequest = RequestOf<typeof kioskNightlyTestRequests.finish>;

/**
 * The nightly test calls: the server asks a kiosk (the scheduler, or a technician), the kiosk
 * starts its test on a media loop of its own, one per kiosk, a bounded number at once, never
 * during its call, each closed at its deadline. A kiosk runs only a test it was asked for. The
 * result is stored and compared with its site's baseline.
 */
export class NightlyTestService extends EventEmitter<NightlyTestServiceEvents> {
  private readonly asked = new Map<string, Asked>();
  private readonly running = new Map<string, RunningTest>();
  private readonly plan: NightlyTestPlan;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly options: NightlyTestOptions,
    private readonly deps: NightlyTestDeps,
  ) {
    super();
    this.plan = options.plan ?? NIGHTLY_TEST_PLAN;
    this.now = deps.now ?? Date.now;
  }

  /** Tests asked for and not over (the scheduler's concurrency). */
  get inProgress(): number {
    return this.asked.size + this.running.size;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Asks the kiosk to run a test (it answers with start or decline, or the ask lapses). */
  ask(kioskId: string, trigger: NightlyTrigger): void {
    if (this.closed) return;
    if (this.deps.isInCall(kioskId))
      throw AppError.withReason('BAD_STATE', 'in_call', 'No nightly test during a call');
    this.forget(kioskId);
    const timer = setTimeout(() => this.forget(kioskId), ASK_TIMEOUT_MS);
    timer.unref();
    this.asked.set(kioskId, { trigger, timer });
    this.emit('asked', { kioskId, trigger });
  }

  decline(kioskId: string, reason: string): void {
    if (!this.asked.has(kioskId)) return;
    this.forget(kioskId);
    this.deps.logger.info({ kioskId, reason }, 'nightly test declined by the kiosk');
  }

  async start(kioskId: string): Promise<StartAnswer> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'The server is shutting down');
    const asked = this.asked.get(kioskId);
    if (!asked)
      throw AppError.withReason('BAD_STATE', 'not_asked', 'This kiosk was not asked for a test');
    if (this.deps.isInCall(kioskId))
      throw AppError.withReason('BAD_STATE', 'in_call', 'No nightly test during a call');
    this.forget(kioskId);
    this.stop(kioskId);
    if (this.running.size >= this.options.maxConcurrent)
      throw AppError.withReason('UNAVAILABLE', 'nightly_test_busy', 'Too many tests right now');
    const relay = this.deps.relayFor?.(kioskId);
    const { enableUdp, enableTcp } = this.options.listen;
    const offered = PATH_ORDER.filter((p) =>
      p === 'udp' ? enableUdp : p === 'tcp' ? enableTcp : relay !== undefined,
    );
    const loop = await MediaLoop.create(
      this.deps.pool,
      this.options.listen,
      offered,
      this.plan.maxVideoKbps + INCOMING_HEADROOM_KBPS,
    );
    if (this.closed || this.deps.isInCall(kioskId)) {
      loop.close();
      throw AppError.withReason('BAD_STATE', 'in_call', 'No nightly test during a call');
    }
    const test: RunningTest = {
      id: randomUUID(),
      kioskId,
      trigger: asked.trigger,
      loop,
      offered,
      deadline: setTimeout(() => {
        this.deps.logger.info({ kioskId, testId: test.id }, 'nightly test closed at its deadline');
        this.stop(kioskId);
      }, this.plan.deadlineMs),
    };
    test.deadline.unref();
    loop.once('closed', () => {
      clearTimeout(test.deadline);
      if (this.running.get(kioskId) === test) this.running.delete(kioskId);
    });
    this.running.set(kioskId, test);
    return {
      testId: test.id,
      rtpCapabilities: loop.rtpCapabilities,
      paths: loop
        .parameters()
        .map((p) => ({ ...p, iceServers: p.path === 'turn' ? (relay ?? null) : null })),
      plan: this.plan,
    };
  }

  /** The kiosk's test, for connect/produce/consume. */
  loopOf(kioskId: string, testId: string): MediaLoop {
    const test = this.running.get(kioskId);
    if (!test || test.id !== testId || test.loop.closed)
      throw AppError.withReason('NOT_FOUND', 'nightly_test_closed', 'This nightly test is closed');
    return test.loop;
  }

  /** Stores the figures (a path counts as reached only if the server saw it connect). */
  async finish(kioskId: string, report: FinishRequest): Promise<NightlyTestResult> {
    const loop = this.loopOf(kioskId, report.testId);
    const test = this.running.get(kioskId)!;
    const paths = test.offered.map((path) => {
      const claimed = report.paths.find((p) => p.path === path);
      return claimed && claimed.reached && loop.connected(path) ? claimed : unreachedPath(path);
    });
    this.stop(kioskId);
    const siteId = await this.deps.siteOf(kioskId);
    if (!siteId) throw new AppError('NOT_FOUND', 'No such kiosk');
    const result: NightlyTestResult = {
      id: randomUUID(),
      kioskId,
      siteId,
      at: new Date(this.now()).toISOString(),
      trigger: test.trigger,
      paths,
    };
    const [usual, previous] = await Promise.all([
      this.deps.repository.siteHistory(siteId, BASELINE_RESULTS),
      this.deps.repository.history(kioskId, BASELINE_RESULTS),
    ]);
    await this.deps.repository.save(result);
    const baseline = siteBaseline(siteId, usual);
    const view = { result, baseline, reasons: degradation(result, baseline, previous) };
    this.deps.logger.info(
      {
        kioskId,
        reached: paths.filter((p) => p.reached).map((p) => p.path),
        reasons: view.reasons.map((r) => r.code),
      },
      'nightly test stored',
    );
    this.emit('result', { kioskId, view });
    return result;
  }

  /** The kiosk's call starts (or it asked again): its test stops at once. */
  stop(kioskId: string): void {
    const test = this.running.get(kioskId);
    if (!test) return;
    this.running.delete(kioskId);
    clearTimeout(test.deadline);
    test.loop.close();
  }

  close(): void {
    this.closed = true;
    for (const kioskId of [...this.asked.keys()]) this.forget(kioskId);
    for (const kioskId of [...this.running.keys()]) this.stop(kioskId);
  }

  private forget(kioskId: string): void {
    const asked = this.asked.get(kioskId);
    if (!asked) return;
    clearTimeout(asked.timer);
    this.asked.delete(kioskId);
  }
}
