import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  AppError,
  gradeLink,
  type IceServer,
  isWorseGrade,
  type LinkGrade,
  type LinkPath,
  type LinkTestPlan,
  type LinkTestResult,
  type RequestOf,
  type ResponseOf,
  type kioskLinkTestRequests,
} from '@visio/shared/protocol';
import { LinkProbe, type TransportListenOptions, type WorkerPool } from '../media';
import type { LinkTestRepository } from './LinkTestRepository';

/**
 * What the kiosk sends, fixed here so the server can hold it to it. 50 loss messages of 160 bytes
 * every 20 ms are an Opus-like 64 kbit/s for a second; the throughput phase sends for 3 s paced
 * to 2 Mbit/s at most (enough to tell `good` from `fair`, and a bound on what one test costs).
 */
export const LINK_TEST_PLAN: LinkTestPlan = {
  connectTimeoutMs: 4_000,
  lossMessages: 50,
  lossIntervalMs: 20,
  lossMessageBytes: 160,
  throughputMs: 3_000,
  maxKbps: 2_000,
  throughputMessageBytes: 1_000,
  deadlineMs: 15_000,
};

/** A path may bring in half again what the plan allows (pacing is coarse); past that it closes. */
const BYTE_BUDGET_FACTOR = 1.5;
/** Runs a new run is compared with, to tell a degraded line ("UDP blocked since Tuesday"). */
const BASELINE_RUNS = 20;
const PATH_ORDER: readonly LinkPath[] = ['udp', 'tcp', 'turn'];

export interface LinkTestOptions {
  minIntervalMs: number;
  maxConcurrent: number;
  listen: TransportListenOptions;
  plan?: LinkTestPlan;
}

export interface LinkTestDeps {
  pool: WorkerPool;
  repository: LinkTestRepository;
  isInCall: (kioskId: string) => boolean;
  /** The TURN relay a kiosk may use (ICE servers, relay-only); undefined: no relay configured. */
  relayFor?: ((kioskId: string) => IceServer[]) | undefined;
  logger: Logger;
  now?: () => number;
}

export interface LinkTestServiceEvents {
  /** A kiosk's test was graded and stored; `degraded` against its previous runs. */
  result: [{ result: LinkTestResult; degraded: boolean }];
}

interface RunningTest {
  id: string;
  kioskId: string;
  probe: LinkProbe;
  offered: readonly LinkPath[];
  deadline: NodeJS.Timeout;
}

type StartAnswer = ResponseOf<typeof kioskLinkTestRequests.start>;
type FinishRequest = RequestOf<typeof kioskLinkTestRequests.finish>;

/**
 * The kiosks' pre-call link tests: one at a time per kiosk, never during its call, a bounded
 * number at once on the server, at most one start per kiosk per interval; each closes itself at
 * its deadline. Grades from the server's own counts (see LinkProbe), stores the result, and tells
 * whether the kiosk's line got worse than in its previous runs.
 */
export class LinkTestService extends EventEmitter<LinkTestServiceEvents> {
  private readonly running = new Map<string, RunningTest>();
  private readonly lastStartAt = new Map<string, number>();
  private readonly plan: LinkTestPlan;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly options: LinkTestOptions,
    private readonly deps: LinkTestDeps,
  ) {
    super();
    this.plan = options.plan ?? LINK_TEST_PLAN;
    this.now = deps.now ?? Date.now;
  }

  /** Tests running now (for tests and health). */
  get runningCount(): number {
    return this.running.size;
  }

  async start(kioskId: string): Promise<StartAnswer> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'The server is shutting down');
    if (this.deps.isInCall(kioskId))
      throw AppError.withReason('BAD_STATE', 'in_call', 'No link test during a call');
    const now = this.now();
    const last = this.lastStartAt.get(kioskId);
    if (last !== undefined && now - last < this.options.minIntervalMs) {
      const wait = Math.ceil((this.options.minIntervalMs - (now - last)) / 1000);
      throw AppError.withReason(
        'RATE_LIMITED',
        'link_test_too_soon',
        'A link test ran a moment ago',
        wait,
      );
    }
    // A kiosk starting again (page reload) replaces its own test: it does not count twice.
    this.stop(kioskId);
    if (this.running.size >= this.options.maxConcurrent)
      throw AppError.withReason('UNAVAILABLE', 'link_test_busy', 'Too many link tests right now');
    this.lastStartAt.set(kioskId, now);

    const relay = this.deps.relayFor?.(kioskId);
    const { enableUdp, enableTcp } = this.options.listen;
    const offered = PATH_ORDER.filter((p) =>
      p === 'udp' ? enableUdp : p === 'tcp' ? enableTcp : relay !== undefined,
    );
    const maxBytes = ((this.plan.maxKbps * this.plan.throughputMs) / 8) * BYTE_BUDGET_FACTOR;
    const probe = await LinkProbe.create(
      this.deps.pool,
      this.options.listen,
      offered,
      maxBytes,
      this.deps.logger.child({ kioskId, part: 'linkProbe' }),
    );
    // Checked again: a call may have started, or the server stopped, while the probe was made.
    if (this.closed || this.deps.isInCall(kioskId)) {
      probe.close();
      throw AppError.withReason('BAD_STATE', 'in_call', 'No link test during a call');
    }
    const test: RunningTest = {
      id: randomUUID(),
      kioskId,
      probe,
      offered,
      deadline: setTimeout(() => {
        this.deps.logger.info({ kioskId, testId: test.id }, 'link test closed at its deadline');
        this.stop(kioskId);
      }, this.plan.deadlineMs),
    };
    test.deadline.unref();
    probe.once('closed', () => {
      clearTimeout(test.deadline);
      if (this.running.get(kioskId) === test) this.running.delete(kioskId);
    });
    this.running.set(kioskId, test);
    return {
      testId: test.id,
      rtpCapabilities: probe.rtpCapabilities,
      paths: probe
        .parameters()
        .map((p) => ({ ...p, iceServers: p.path === 'turn' ? (relay ?? null) : null })),
      plan: this.plan,
    };
  }

  async connect(
    kioskId: string,
    testId: string,
    path: LinkPath,
    dtlsParameters: Parameters<LinkProbe['connect']>[1],
  ): Promise<void> {
    await this.test(kioskId, testId).probe.connect(path, dtlsParameters);
  }

  produceData(
    kioskId: string,
    testId: string,
    path: LinkPath,
    sctpStreamParameters: Parameters<LinkProbe['produceData']>[1],
  ): Promise<{ dataProducerId: string }> {
    return this.test(kioskId, testId).probe.produceData(path, sctpStreamParameters);
  }

  /** Grades the test from the server's counts, stores it and closes the probe. */
  async finish(kioskId: string, report: FinishRequest): Promise<LinkTestResult> {
    const test = this.test(kioskId, report.testId);
    const result = this.grade(test, report);
    this.stop(kioskId);
    const previous = await this.deps.repository.history(kioskId, BASELINE_RUNS);
    await this.deps.repository.save(result);
    const degraded = isDegraded(result, previous);
    this.deps.logger.info(
      { kioskId, grade: result.grade, reachable: result.reachable, degraded },
      'link test graded',
    );
    this.emit('result', { result, degraded });
    return result;
  }

  /** The kiosk's call starts: its link test (if any) stops at once, it would compete with it. */
  stop(kioskId: string): void {
    const test = this.running.get(kioskId);
    if (!test) return;
    this.running.delete(kioskId);
    clearTimeout(test.deadline);
    test.probe.close();
  }

  close(): void {
    this.closed = true;
    for (const kioskId of [...this.running.keys()]) this.stop(kioskId);
  }

  private test(kioskId: string, testId: string): RunningTest {
    const test = this.running.get(kioskId);
    if (!test || test.id !== testId || test.probe.closed)
      throw AppError.withReason('NOT_FOUND', 'link_test_closed', 'This link test is closed');
    return test;
  }

  private grade(test: RunningTest, report: FinishRequest): LinkTestResult {
    const { probe, offered } = test;
    const reached = (path: LinkPath) => probe.tally(path)?.connected ?? false;
    const reachable = {
      udp: reached('udp'),
      tcp: reached('tcp'),
      turn: offered.includes('turn') ? reached('turn') : null,
    };
    // The path that carried the phases is the one the server counted them on, whatever is claimed.
    const carried = PATH_ORDER.filter(reached).sort((a, b) => sent(probe, b) - sent(probe, a))[0];
    const measuredPath = carried ?? null;
    const tally = carried ? probe.tally(carried) : undefined;

    let lossPct: number | null = null;
    if (tally) {
      const lossSent = Math.min(
        this.plan.lossMessages,
        Math.max(report.lossSent, tally.loss.maxSeq + 1, tally.loss.received),
      );
      if (lossSent > 0)
        lossPct = round1((100 * (lossSent - Math.min(tally.loss.received, lossSent))) / lossSent);
    }
    let throughputKbps: number | null = null;
    if (tally && tally.throughput.bytes > 0) {
      const { bytes, firstAt, lastAt } = tally.throughput;
      // Never over less than the plan's time: a kiosk that stops early is not credited for it.
      const spanMs = Math.max(lastAt! - firstAt!, this.plan.throughputMs);
      throughputKbps = Math.round((bytes * 8) / spanMs);
    }
    const rtts = PATH_ORDER.filter(reached)
      .map((p) => report.rttMs[p])
      .filter((r): r is number => r !== null);
    const rttMs = measuredPath
      ? (report.rttMs[measuredPath] ?? (rtts.length ? Math.min(...rtts) : null))
      : null;
    const verdict = gradeLink({ reachable, rttMs, lossPct, throughputKbps });
    return {
      id: randomUUID(),
      kioskId: test.kioskId,
      at: new Date(this.now()).toISOString(),
      grade: verdict.grade,
      limits: verdict.limits,
      reachable,
      measuredPath,
      rttMs: rttMs === null ? null : Math.round(rttMs),
      lossPct,
      throughputKbps,
    };
  }
}

/** Probe messages the server counted on a path (both phases). */
function sent(probe: LinkProbe, path: LinkPath): number {
  const t = probe.tally(path);
  return t ? t.loss.received + t.throughput.bytes : 0;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Worse than the kiosk's usual: `impossible`; or a path reached in any of its previous runs is
 * not reached now; or a grade below the median of its previous runs (one bad run among good ones
 * alerts, a line that has always been `fair` does not). After BASELINE_RUNS runs the new state is
 * the usual one and the alert clears, while the history still shows when it changed.
 */
export function isDegraded(result: LinkTestResult, previous: readonly LinkTestResult[]): boolean {
  if (result.grade === 'impossible') return true;
  if (previous.length === 0) return false;
  const lostPath = (['udp', 'tcp', 'turn'] as const).some(
    (p) => result.reachable[p] === false && previous.some((r) => r.reachable[p] === true),
  );
  if (lostPath) return true;
  return isWorseGrade(result.grade, medianGrade(previous.map((r) => r.grade)));
}

const GRADES_BEST_FIRST: readonly LinkGrade[] = ['good', 'fair', 'audio_only', 'impossible'];

function medianGrade(grades: readonly LinkGrade[]): LinkGrade {
  const sorted = [...grades].sort(
    (a, b) => GRADES_BEST_FIRST.indexOf(a) - GRADES_BEST_FIRST.indexOf(b),
  );
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
