/**
 * Cluster benchmark (issue 12), first part: check-in → advisor notified, on 2 server nodes
 * sharing PostgreSQL and Redis (kiosks and advisors spread over both, every other one on each)
 * against 1 node on PostgreSQL, in the same run, the same clients and the same check-ins.
 * Nodes run in this process (one media worker each); PostgreSQL and Redis are Debian's, started
 * for the run in temp dirs (test/support). Writes bench/results/cluster.json.
 *
 *   npm run bench:cluster
 *
 * Then, on the last 2-node fleet, 1,000 concurrent takes of 100 waiting citizens through both
 * nodes (claim races); then BENCH_FAILOVERS node kills (./failover.ts): two node processes
 * behind a load balancer, a call in Chromium, SIGKILL to the node carrying it, time until video
 * and audio flow both ways again, and the store's records of each trial.
 *
 * Env: BENCH_KIOSKS (2000), BENCH_ADVISORS (100), BENCH_CHECKINS (400), BENCH_RATE (50 per s),
 * BENCH_FAILOVERS (10).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SignallingClient } from '@visio/shared/client';
import { kioskSchedulingRequests, staffSchedulingEvents } from '@visio/shared/protocol';
import { PostgresCluster, createTestDatabase } from '../../test/support/PostgresCluster';
import { RedisServer } from '../../test/support/RedisServer';
import { insertAppointment } from '../../test/support/appointments';
import { connectClient } from '../../test/support/socketClient';
import { enrolKiosk, startTestServer, type TestServer } from '../../test/support/testServer';
import { packageVersion } from '../packageVersion';
import { claimRaces, measureFailover } from './failover';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const KIOSKS = env('BENCH_KIOSKS', 2000);
const ADVISORS = env('BENCH_ADVISORS', 100);
const CHECKINS = env('BENCH_CHECKINS', 400);
const RATE = env('BENCH_RATE', 50);
const FAILOVERS = env('BENCH_FAILOVERS', 10);
/** Claim races: this many waiting citizens, each taken by ten advisors at once. */
const RACE_CITIZENS = 100;
const TARGET = { p99_ms: 50, ratio: 1.5, failover_p95_ms: 10_000 };
/** One key for every node: codes made on one are checked on another. */
const SECRET = randomBytes(32).toString('hex');

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fleet {
  nodes: TestServer[];
  kiosks: { id: string; client: SignallingClient }[];
  advisors: { id: string; client: SignallingClient }[];
  close(): Promise<void>;
}

/** `count` nodes on one fresh database (and Redis when several), with the clients spread. */
async function fleet(count: number, adminUrl: string, redisUrl: string): Promise<Fleet> {
  const databaseUrl = await createTestDatabase(adminUrl);
  const base = {
    DATABASE_URL: databaseUrl,
    CHECKIN_BEFORE_MIN: '60',
    SERVER_SECRET: SECRET,
    ...(count > 1 ? { REDIS_URL: redisUrl } : {}),
  };
  const first = await startTestServer({ ...base, NODE_ID: 'node-0' });
  const nodes = [first];
  const dirs: string[] = [];
  for (let i = 1; i < count; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `visio-bench-node-${i}-`));
    dirs.push(dir);
    nodes.push(
      await startTestServer({ ...base, NODE_ID: `node-${i}` }, { dataDir: dir, fixtures: first }),
    );
  }
  const server = first.server;
  const kiosks: Fleet['kiosks'] = [];
  for (let i = 0; i < KIOSKS; i++) {
    const party = await enrolKiosk(server, `Bench kiosk ${i}`, first.site);
    const client = await connectClient(nodes[i % count]!.url, '/kiosk', party.token);
    kiosks.push({ id: party.id, client });
  }
  const advisors: Fleet['advisors'] = [];
  for (let i = 0; i < ADVISORS; i++) {
    const login = `bench-${i}-${randomUUID().slice(0, 6)}`;
    const account = await server.auth.accounts.create({
      name: `Bench advisor ${i}`,
      login,
      password: 'bench-password',
      roles: ['advisor'],
      serviceIds: [first.serviceA],
    });
    const session = await server.auth.sessions.login({
      login,
      password: 'bench-password',
      client: login,
    });
    // Advisor i on the node after kiosk i's: most check-ins cross nodes.
    const client = await connectClient(nodes[(i + 1) % count]!.url, '/staff', session.token);
    advisors.push({ id: account.staffId, client });
  }
  return {
    nodes,
    kiosks,
    advisors,
    close: async () => {
      for (const c of [...kiosks, ...advisors]) c.client.socket.close();
      for (const node of nodes.slice(1).reverse()) await node.stop({ keepData: true });
      await first.stop({ keepData: true });
      for (const dir of [first.dataDir, ...dirs]) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Check-ins at RATE per second; each timed from the kiosk's request to its advisor's event. */
async function measure(f: Fleet): Promise<number[]> {
  const t = f.nodes[0]!;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < CHECKINS; i++) {
    const kiosk = f.kiosks[i % f.kiosks.length]!;
    const advisor = f.advisors[i % f.advisors.length]!;
    const { id, code } = await insertAppointment(t, {
      startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      kioskId: kiosk.id,
      advisorId: advisor.id,
    });
    const started = performance.now();
    const heard = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no agenda:citizenArrived for check-in ${i} within 10 s`));
      }, 10_000);
      const off = advisor.client.on(staffSchedulingEvents.citizenArrived, (view) => {
        if (view.id !== id) return;
        clearTimeout(timer);
        off();
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    pending.push(heard);
    await kiosk.client.request(kioskSchedulingRequests.checkIn, { code });
    await sleep(1000 / RATE);
  }
  await Promise.all(pending);
  return latencies;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50_ms: quantile(sorted, 0.5),
    p95_ms: quantile(sorted, 0.95),
    p99_ms: quantile(sorted, 0.99),
    max_ms: quantile(sorted, 1),
  };
}

const started = Date.now();
const loadBefore = os.loadavg()[0]!;
const pg = await PostgresCluster.start();
const redis = await RedisServer.start();
const samples: Record<1 | 2, number[]> = { 1: [], 2: [] };
let races: Awaited<ReturnType<typeof claimRaces>> | undefined;
if (CHECKINS > KIOSKS)
  throw new Error('BENCH_CHECKINS cannot exceed BENCH_KIOSKS (one check-in per kiosk)');
try {
  // Alternating modes, twice each: a drift of the machine falls on both.
  for (const [round, count] of ([1, 2, 1, 2] as const).entries()) {
    log(`${count} node(s): ${KIOSKS} kiosks, ${ADVISORS} advisors connecting`);
    const f = await fleet(count, pg.adminUrl, redis.url);
    try {
      await sleep(1_000);
      const latencies = await measure(f);
      samples[count].push(...latencies);
      log(`${count} node(s): ${JSON.stringify(summary(latencies))}`);
      if (round === 3) {
        // Kiosks that did not check in above, and 20 advisors of the service.
        const kioskIds = f.kiosks.slice(CHECKINS, CHECKINS + RACE_CITIZENS).map((k) => k.id);
        const advisorIds = f.advisors.slice(0, 20).map((a) => a.id);
        races = await claimRaces([f.nodes[0]!, f.nodes[1]!], kioskIds, advisorIds);
        log(`claim races: ${JSON.stringify(races)}`);
      }
    } finally {
      await f.close();
    }
  }
} finally {
  await redis.stop();
  await pg.stop();
}

log(`${FAILOVERS} node kills`);
const failover = FAILOVERS > 0 ? await measureFailover(FAILOVERS, log) : undefined;

const one = summary(samples[1]);
const two = summary(samples[2]);
const result = {
  name: 'cluster',
  date: new Date().toISOString(),
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  load_avg_1m: {
    before: Math.round(loadBefore * 100) / 100,
    after: Math.round(os.loadavg()[0]! * 100) / 100,
  },
  node: process.version,
  mediasoup: packageVersion('mediasoup'),
  kiosks: KIOSKS,
  advisors: ADVISORS,
  checkins_per_mode: 2 * CHECKINS,
  rate_per_s: RATE,
  method:
    "every node in this process on one PostgreSQL database; 2 nodes share Redis (socket.io streams adapter). Kiosk i on node i % n, advisor j on node (j + 1) % n: with 2 nodes most check-ins are announced across nodes. Latency: the kiosk's check:in request sent → agenda:citizenArrived received by the appointment's advisor. Modes alternate 1, 2, 1, 2.",
  notify_p50_ms_1node: one.p50_ms,
  notify_p99_ms_1node: one.p99_ms,
  notify_p50_ms_2nodes: two.p50_ms,
  notify_p99_ms_2nodes: two.p99_ms,
  notify_max_ms_1node: one.max_ms,
  notify_max_ms_2nodes: two.max_ms,
  ratio_p99: Math.round((two.p99_ms / one.p99_ms) * 100) / 100,
  targets: {
    notify_p99_ms_2nodes: `<= ${TARGET.p99_ms}`,
    ratio_p99: `<= ${TARGET.ratio}`,
    failover_p95_ms: `<= ${TARGET.failover_p95_ms}`,
    failover_recovered: 'all trials',
    double_claims: '0',
    lost_records: '0',
    duplicated_records: '0',
  },
  meets_targets: two.p99_ms <= TARGET.p99_ms && two.p99_ms / one.p99_ms <= TARGET.ratio,
  meets_failover_targets:
    failover !== undefined &&
    failover.recovered === failover.trials.length &&
    (failover.p95_ms ?? Infinity) <= TARGET.failover_p95_ms &&
    failover.lost === 0 &&
    failover.duplicated === 0 &&
    races?.double_claims === 0,
  failover_trials: failover?.trials.length ?? 0,
  failover_recovered: failover?.recovered ?? 0,
  failover_p50_ms: failover?.p50_ms ?? null,
  failover_p95_ms: failover?.p95_ms ?? null,
  failover_ms: failover?.trials.map((t) => t.ms) ?? [],
  failover_killed: failover?.trials.map((t) => t.killed) ?? [],
  failover_method:
    'two node processes (one media worker each) on one PostgreSQL and one Redis, behind a TCP load balancer that is their PUBLIC_URL; a call through the real UI in two Chromiums, kiosk and advisor on different nodes (alternating); SIGKILL to the node carrying the call; time from the kill until both pages have decoded 30 more video frames and received 50 more audio packets; the killed node then starts again.',
  claim_races: races ? { takes: 10 * RACE_CITIZENS, citizens: RACE_CITIZENS, ...races } : null,
  double_claims: races?.double_claims ?? null,
  lost_records: failover?.lost ?? null,
  duplicated_records: failover?.duplicated ?? null,
  duration_s: Math.round((Date.now() - started) / 1000),
};
const out = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  'cluster.json',
);
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(
  `notify p99: 1 node ${one.p99_ms} ms, 2 nodes ${two.p99_ms} ms (ratio ${result.ratio_p99}); failover ${result.failover_recovered}/${result.failover_trials} p95 ${result.failover_p95_ms} ms; ${out}`,
);
process.exit(0);
