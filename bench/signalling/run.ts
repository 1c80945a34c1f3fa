/**
 * Signalling benchmark: 2,000 connected kiosks and 100 advisors (socket.io-client, one WebSocket
 * each) against the real server in a child process, side by side with a plain socket.io server.
 * Measures check-in → advisor-notified latency (p50/p99), RSS per idle kiosk connection and CPU.
 * See bench/README.md ("signalling").
 *
 *   npm run bench:signalling
 *   bash scripts/with-env.sh node --import tsx bench/signalling/run.ts
 *
 * Env: BENCH_KIOSKS (2000), BENCH_ADVISORS (100), BENCH_CHECKINS (500), BENCH_RATE (50 per second),
 * BENCH_WARMUP (20 check-ins), BENCH_SETTLE_MS (5000), BENCH_CPU_PROF (a directory: CPU profiles of
 * both servers while kiosks connect and during the check-ins are written there; read them with
 * `node --import tsx bench/signalling/profile.ts <file>`), BENCH_SERVER_NODE_ARGS (extra node
 * options for the server child), BENCH_CHILD_OUTPUT=1 (echo the server's output), BENCH_SQL_TIMES
 * (a file: time per SQL statement, with `--import ./bench/signalling/sqlTimes.ts` as server option).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Harness, baselineTarget, fireCheckIns, visioTarget, type CheckInTally } from './clients';
import {
  cpuMs,
  freePort,
  medianRssKb,
  sleep,
  startChild,
  stopChild,
  waitReady,
  type Child,
} from './proc';
import type { ProbeMemory, ProbeStats } from './probe';
import { seed } from './seed';

const KIOSKS = positiveInt('BENCH_KIOSKS', 2000);
const ADVISORS = positiveInt('BENCH_ADVISORS', 100);
const CHECKINS = positiveInt('BENCH_CHECKINS', 500);
const RATE = positiveInt('BENCH_RATE', 50);
const WARMUP = positiveInt('BENCH_WARMUP', 20, true);
const SETTLE_MS = positiveInt('BENCH_SETTLE_MS', 5000, true);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : '';
const CONNECT_BATCH = 100;
const RSS_SAMPLES = 5;
const TARGETS = { notify_p99_ms: 50, ratio_p99: 2, rss_per_kiosk_kb: 100 };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = path.join(repoRoot, 'bench/results/signalling.json');
const PROBE = path.join(repoRoot, 'bench/signalling/probe.ts');

interface Memory {
  /** Median of RSS_SAMPLES readings of VmRSS, 1 s apart, without forcing a GC. */
  rssMedianKb: number;
  /** Right after two full GCs (asked of the probe). */
  gc: ProbeMemory;
}

interface Side {
  name: 'server' | 'baseline';
  child: Child;
  harness: Harness;
  before?: Memory;
  after?: Memory;
  connectKiosksMs: number;
  idleCpuPercent: number;
  cpuPercent: number;
  probe?: ProbeStats;
  tally?: CheckInTally;
}

/** What to undo, always: servers first (stopped while their clients are still connected, so they
 * shut down as a deployment would), then the clients, then the data directory. */
const owned = { children: [] as Child[], harnesses: [] as Harness[], dataDir: '' };
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all(
      owned.children.map((c) => stopChild(c).catch((err: unknown) => console.error(err))),
    );
    for (const h of owned.harnesses) h.close();
    if (owned.dataDir) fs.rmSync(owned.dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the servers and removing the data directory`);
    void cleanup().then(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  if (!process.env.MEDIASOUP_WORKER_BIN)
    throw new Error('MEDIASOUP_WORKER_BIN is not set: run through scripts/with-env.sh');
  if (CHECKINS > KIOSKS) throw new Error('BENCH_CHECKINS cannot exceed BENCH_KIOSKS');
  // This process holds every client socket of both servers. Node raises its soft descriptor
  // limit to the hard one at start; only the hard limit can be too low.
  const needFds = 2 * (KIOSKS + WARMUP + ADVISORS) + 256;
  const fdLimit = openFilesLimit();
  if (fdLimit < needFds)
    throw new Error(
      `${needFds} file descriptors needed, the limit is ${fdLimit}: raise it (ulimit -n ${needFds}) or lower BENCH_KIOSKS`,
    );
  const cores = os.availableParallelism();
  const loadBefore = os.loadavg()[0]!;
  console.log(
    `signalling: ${KIOSKS} kiosks + ${ADVISORS} advisors per server, ${CHECKINS} check-ins at ${RATE}/s per server (interleaved), +${WARMUP} warm-up; ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
  );

  // 1. Seed a fresh data directory (measured kiosks 0..KIOSKS-1, warm-up kiosks after them).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-bench-signalling-'));
  owned.dataDir = dataDir;
  let t = performance.now();
  const seeded = await seed(dataDir, {
    kiosks: KIOSKS + WARMUP,
    advisors: ADVISORS,
    hasAppointment: (i) => i < CHECKINS || i >= KIOSKS,
  });
  console.log(`  seeded in ${secs(t)}: ${seeded.kiosks.length} kiosks, ${ADVISORS} advisors`);

  // 2. Both servers as child processes, so their RSS and CPU are their own. Both preload the
  // probe (IPC only: forced GC, memory, event-loop delay, GC pauses).
  const probe = ['--expose-gc', '--import', 'tsx', '--import', pathToFileURL(PROBE).href];
  const [visioPort, basePort] = [await freePort(), await freePort()];
  const visioChild = startChild(
    'server',
    [
      ...probe,
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      path.join(repoRoot, 'server/src/main.ts'),
    ],
    {
      NODE_ENV: 'production',
      PORT: String(visioPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      MEDIA_WORKERS: '1',
      // One check-in per kiosk: the budget is never the limit, but must not be the cause either.
      SIGNALLING_RATE_BURST: '100000',
    },
    process.env.BENCH_CHILD_OUTPUT ? (line) => console.log(`  [server] ${line}`) : undefined,
  );
  owned.children.push(visioChild);
  const baseChild = startChild(
    'baseline',
    [...probe, path.join(repoRoot, 'bench/signalling/baselineServer.ts')],
    { PORT: String(basePort) },
  );
  owned.children.push(baseChild);
  await Promise.all([
    waitReady(visioChild, `http://127.0.0.1:${visioPort}/readyz`),
    waitReady(baseChild, `http://127.0.0.1:${basePort}/readyz`),
  ]);

  const newSide = (name: Side['name'], child: Child, harness: Harness): Side => ({
    name,
    child,
    harness,
    connectKiosksMs: NaN,
    idleCpuPercent: NaN,
    cpuPercent: NaN,
  });
  const sides = [
    newSide(
      'server',
      visioChild,
      new Harness(visioTarget(`http://127.0.0.1:${visioPort}`), seeded.kiosks, seeded.advisors),
    ),
    newSide(
      'baseline',
      baseChild,
      new Harness(baselineTarget(`http://127.0.0.1:${basePort}`), seeded.kiosks, seeded.advisors),
    ),
  ] as const;
  owned.harnesses.push(...sides.map((s) => s.harness));
  const profiles: string[] = [];
  /** Runs `work`, CPU-profiling the given servers meanwhile if BENCH_CPU_PROF is set. */
  const profiled = async (phase: string, of: readonly Side[], work: () => Promise<void>) => {
    if (!CPU_PROF_DIR) return work();
    fs.mkdirSync(CPU_PROF_DIR, { recursive: true });
    await Promise.all(of.map((s) => s.child.ask({ cmd: 'profileStart' })));
    await work();
    for (const s of of) {
      const file = path.join(CPU_PROF_DIR, `${s.name}-${phase}.cpuprofile`);
      await s.child.ask({ cmd: 'profileStop', file });
      profiles.push(file);
    }
  };

  // Advisors, then a warm-up (its kiosks stay connected: part of the "before" memory, not the delta).
  t = performance.now();
  for (const s of sides) await s.harness.connectAdvisors(CONNECT_BATCH);
  if (WARMUP > 0) {
    const warmKiosks = range(KIOSKS, KIOSKS + WARMUP);
    for (const s of sides) await s.harness.connectKiosks(KIOSKS, KIOSKS + WARMUP, CONNECT_BATCH);
    await fireCheckIns(
      sides.map((s) => ({ harness: s.harness, kiosks: warmKiosks })),
      RATE,
    );
    for (const s of sides) {
      await s.harness.settle(15_000);
      const warm = s.harness.tally();
      if (warm.errors.length > 0)
        throw new Error(`${s.name} warm-up failed:\n  ${warm.errors.slice(0, 10).join('\n  ')}`);
      s.harness.reset();
    }
  }
  console.log(`  advisors connected and warm-up done in ${secs(t)}`);
  await sleep(SETTLE_MS);
  await Promise.all(sides.map(async (s) => (s.before = await memory(s.child))));

  // Idle kiosks: each server in turn gets its connections.
  for (const s of sides) {
    t = performance.now();
    await profiled('connect', [s], () => s.harness.connectKiosks(0, KIOSKS, CONNECT_BATCH));
    s.connectKiosksMs = performance.now() - t;
    console.log(`  ${KIOSKS} kiosks connected to the ${s.name} in ${secs(t)}`);
  }
  await sleep(SETTLE_MS);
  // CPU while idle is read over the (GC-free) RSS sampling window.
  const idleCpu0 = sides.map((s) => cpuMs(s.child.pid));
  const idle0 = performance.now();
  const rssAfter = await Promise.all(sides.map((s) => medianRssKb(s.child.pid, RSS_SAMPLES)));
  const idleWall = performance.now() - idle0;
  for (const [i, s] of sides.entries()) {
    s.idleCpuPercent = ((cpuMs(s.child.pid) - idleCpu0[i]!) / idleWall) * 100;
    s.after = { rssMedianKb: rssAfter[i]!, gc: await s.child.ask<ProbeMemory>({ cmd: 'gc' }) };
  }
  await sleep(1_000);

  // 3. Check-ins, interleaved between the two servers, each at RATE per second.
  const measured = range(0, CHECKINS);
  let wall = 0;
  let clientCpu = { user: 0, system: 0 };
  await profiled('checkins', sides, async () => {
    await Promise.all(sides.map((s) => s.child.ask({ cmd: 'mark' })));
    const cpu0 = sides.map((s) => cpuMs(s.child.pid));
    const client0 = process.cpuUsage();
    const wall0 = performance.now();
    await fireCheckIns(
      sides.map((s) => ({ harness: s.harness, kiosks: measured })),
      RATE,
    );
    for (const s of sides) await s.harness.settle(15_000);
    wall = performance.now() - wall0;
    clientCpu = process.cpuUsage(client0);
    for (const [i, s] of sides.entries()) {
      s.cpuPercent = ((cpuMs(s.child.pid) - cpu0[i]!) / wall) * 100;
      s.probe = await s.child.ask<ProbeStats>({ cmd: 'stats' });
    }
  });
  for (const s of sides) s.tally = s.harness.tally();
  const clientCpuPercent = ((clientCpu.user + clientCpu.system) / 1000 / wall) * 100;
  report(sides[0], sides[1], {
    cores,
    loadBefore,
    wallMs: wall,
    clientCpuPercent,
  });
  if (profiles.length > 0) console.log(`CPU profiles: ${profiles.join(', ')}`);
}

async function memory(child: Child): Promise<Memory> {
  const rssMedianKb = await medianRssKb(child.pid, RSS_SAMPLES);
  return { rssMedianKb, gc: await child.ask<ProbeMemory>({ cmd: 'gc' }) };
}

function report(
  server: Side,
  baseline: Side,
  run: {
    cores: number;
    loadBefore: number;
    wallMs: number;
    clientCpuPercent: number;
  },
): void {
  const s = server.tally!;
  const b = baseline.tally!;
  const notify = stats(s.latenciesMs);
  const base = stats(b.latenciesMs);
  const ack = stats(s.ackMs);
  const baseAck = stats(b.ackMs);
  const perKiosk = (side: Side, of: (m: Memory) => number) =>
    (of(side.after!) - of(side.before!)) / KIOSKS;
  const rss = (side: Side) => perKiosk(side, (m) => m.gc.rssKb);
  const rssNoGc = (side: Side) => perKiosk(side, (m) => m.rssMedianKb);
  const heap = (side: Side) => perKiosk(side, (m) => m.gc.heapUsedKb + m.gc.externalKb);
  const ratio = notify.p99 / base.p99;
  // Citizens are never admitted here, so the waiting room grows by one per check-in.
  const fifth = Math.max(1, Math.floor(s.latenciesMs.length / 5));
  const firstFifth = stats(s.latenciesMs.slice(0, fifth));
  const lastFifth = stats(s.latenciesMs.slice(-fifth));
  const rssPerKiosk = rss(server);
  const meets = {
    notify_p99_ms: notify.p99 <= TARGETS.notify_p99_ms,
    ratio_p99: ratio <= TARGETS.ratio_p99,
    rss_per_kiosk_kb: rssPerKiosk <= TARGETS.rss_per_kiosk_kb,
  };
  const all = meets.notify_p99_ms && meets.ratio_p99 && meets.rss_per_kiosk_kb;
  const both = (f: (side: Side) => string): [string, string] => [f(server), f(baseline)];
  const rows: [string, string, string][] = [
    [
      'check-ins acked ok / notified',
      ...both(
        (x) => `${x.tally!.acked - x.tally!.ackFailures}/${x.tally!.sent} / ${x.tally!.arrived}`,
      ),
    ],
    [
      'misrouted / duplicate / unexpected',
      ...both((x) => `${x.tally!.misrouted} / ${x.tally!.duplicates} / ${x.tally!.unexpected}`),
    ],
    ['queue:changed heard per check-in', fmt(s.queueChanged / Math.max(1, s.sent)), '-'],
    ['notify p50 ms', fmt(notify.p50), fmt(base.p50)],
    ['notify p95 ms', fmt(notify.p95), fmt(base.p95)],
    ['notify p99 ms', fmt(notify.p99), fmt(base.p99)],
    ['notify max ms', fmt(notify.max), fmt(base.max)],
    [
      'notify p50, first / last fifth sent',
      `${fmt(firstFifth.p50)} / ${fmt(lastFifth.p50)}`,
      `${fmt(stats(b.latenciesMs.slice(0, fifth)).p50)} / ${fmt(stats(b.latenciesMs.slice(-fifth)).p50)}`,
    ],
    [
      'ack p50 / p99 ms',
      `${fmt(ack.p50)} / ${fmt(ack.p99)}`,
      `${fmt(baseAck.p50)} / ${fmt(baseAck.p99)}`,
    ],
    ['CPU during check-ins (% core)', ...both((x) => fmt(x.cpuPercent))],
    [
      'event-loop delay p99 / max ms',
      ...both((x) => `${fmt(x.probe!.loopDelayMs.p99)} / ${fmt(x.probe!.loopDelayMs.max)}`),
    ],
    [
      'GC pauses: count / total / max ms',
      ...both(
        (x) => `${x.probe!.gc.count} / ${fmt(x.probe!.gc.totalMs)} / ${fmt(x.probe!.gc.maxMs)}`,
      ),
    ],
    ['RSS after GC, advisors only (MB)', ...both((x) => mb(x.before!.gc.rssKb))],
    [`RSS after GC, + ${KIOSKS} kiosks (MB)`, ...both((x) => mb(x.after!.gc.rssKb))],
    ['RSS per idle kiosk, after GC (KB)', ...both((x) => fmt(rss(x)))],
    ['RSS per idle kiosk, no GC (KB)', ...both((x) => fmt(rssNoGc(x)))],
    ['JS heap + external per kiosk (KB)', ...both((x) => fmt(heap(x)))],
    [`connect ${KIOSKS} kiosks (s)`, ...both((x) => fmt(x.connectKiosksMs / 1000))],
    ['CPU idle, kiosks connected (% core)', ...both((x) => fmt(x.idleCpuPercent))],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(12, ...rows.map((r) => Math.max(r[1].length, r[2].length)));
  console.log(`\n${''.padEnd(w0)}  ${'server'.padStart(w1)}  ${'baseline'.padStart(w1)}`);
  for (const [label, a, c] of rows)
    console.log(`${label.padEnd(w0)}  ${a.padStart(w1)}  ${c.padStart(w1)}`);
  console.log(
    `\nclient process (all ${2 * (KIOSKS + WARMUP + ADVISORS)} sockets) CPU during check-ins: ${fmt(run.clientCpuPercent)} % of a core; phase ${fmt(run.wallMs / 1000)} s; load average before ${fmt(run.loadBefore)}`,
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'TARGET MISSED');
  console.log(
    `notify p99 ${fmt(notify.p99)} ms (target ≤ ${TARGETS.notify_p99_ms}): ${verdict(meets.notify_p99_ms)}`,
  );
  console.log(
    `ratio p99 ${fmt(ratio)} (target ≤ ${TARGETS.ratio_p99}): ${verdict(meets.ratio_p99)}`,
  );
  console.log(
    `RSS per idle kiosk ${fmt(rssPerKiosk)} KB (target ≤ ${TARGETS.rss_per_kiosk_kb}): ${verdict(meets.rss_per_kiosk_kb)}`,
  );

  const memoryJson = (x: Side) => ({
    before: x.before,
    after: x.after,
    rss_per_kiosk_kb: round(rss(x)),
    rss_per_kiosk_no_gc_kb: round(rssNoGc(x)),
    heap_per_kiosk_kb: round(heap(x)),
  });
  const correctness = (t: CheckInTally) => ({
    sent: t.sent,
    acked: t.acked,
    ack_failures: t.ackFailures,
    notified: t.arrived,
    misrouted: t.misrouted,
    duplicates: t.duplicates,
    unexpected: t.unexpected,
  });
  const json = {
    name: 'signalling',
    date: new Date().toISOString(),
    cores: run.cores,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    load_avg_1m: round(run.loadBefore),
    node: process.version,
    kiosks: KIOSKS,
    advisors: ADVISORS,
    checkins: CHECKINS,
    warmup_checkins: WARMUP,
    rate_per_s: RATE,
    order: 'interleaved: server and baseline check-ins alternate, each stream at rate_per_s',
    notify_p50_ms: round(notify.p50),
    notify_p95_ms: round(notify.p95),
    notify_p99_ms: round(notify.p99),
    notify_max_ms: round(notify.max),
    notify_p50_first_fifth_ms: round(firstFifth.p50),
    notify_p50_last_fifth_ms: round(lastFifth.p50),
    ack_p50_ms: round(ack.p50),
    ack_p99_ms: round(ack.p99),
    baseline_p50_ms: round(base.p50),
    baseline_p95_ms: round(base.p95),
    baseline_p99_ms: round(base.p99),
    baseline_max_ms: round(base.max),
    ratio_p99: round(ratio),
    queue_changed_per_checkin: round(s.queueChanged / Math.max(1, s.sent)),
    rss_per_kiosk_kb: round(rssPerKiosk),
    baseline_rss_per_kiosk_kb: round(rss(baseline)),
    memory: { server: memoryJson(server), baseline: memoryJson(baseline) },
    server_cpu_percent: round(server.cpuPercent),
    baseline_cpu_percent: round(baseline.cpuPercent),
    client_cpu_percent: round(run.clientCpuPercent),
    idle_cpu_percent: {
      server: round(server.idleCpuPercent),
      baseline: round(baseline.idleCpuPercent),
    },
    probe: { server: server.probe, baseline: baseline.probe },
    connect_kiosks_s: {
      server: round(server.connectKiosksMs / 1000),
      baseline: round(baseline.connectKiosksMs / 1000),
    },
    correctness: { server: correctness(s), baseline: correctness(b) },
    ...(CPU_PROF_DIR ? { cpu_profiled: true } : {}),
    targets: TARGETS,
    meets_targets: { ...meets, all },
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(repoRoot, RESULTS)}`);
  const errors = [...s.errors.map((e) => `server: ${e}`), ...b.errors.map((e) => `baseline: ${e}`)];
  if (errors.length > 0) {
    console.error(`\n${errors.length} errors:\n  ${errors.slice(0, 20).join('\n  ')}`);
    process.exitCode = 1;
  }
}

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

/** Linear interpolation between closest ranks. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** This process's soft limit on open files (after Node raised it to the hard limit). */
function openFilesLimit(): number {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : '—';
}

function mb(kb: number): string {
  return (kb / 1024).toFixed(1);
}

function secs(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function positiveInt(name: string, fallback: number, allowZero = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  return n;
}

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
} finally {
  await cleanup();
  process.exit(process.exitCode ?? 0);
}
