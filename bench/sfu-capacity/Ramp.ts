import type { CapacityPath } from './CapacityPath';
import type { Loadgen, LoadgenStats } from './Loadgen';
import { cpuJiffies, cpuMs, rssMb } from './procStat';

export interface StepRecord {
  calls: number;
  /** Seconds the calls of this step took to set up (server side + ICE/DTLS). */
  setup_s: number;
  window_s: number;
  /** The worker's CPU over the window, % of one core. */
  worker_cpu_pct: number;
  /**
   * How busy the worker's CPU was over the window, all processes, %. Far above worker_cpu_pct:
   * something else (on a shared machine, another session) took the worker's core.
   */
  worker_core_busy_pct: number;
  /** RTP packets per second the receive endpoints got from the worker (consumer SSRCs only). */
  forwarded_pps: number;
  /** µs of worker CPU per forwarded packet. */
  us_per_packet: number;
  /** 1 − received / expected over the window, by sequence numbers, all consumer SSRCs. */
  loss_pct: number;
  /** The worst call's loss, %. */
  worst_call_loss_pct: number;
  generator_cpu_pct: number;
  /** This Node process (the driver; on the app path also the whole server), % of one core. */
  node_cpu_pct: number;
  node_rss_mb: number;
  worker_rss_mb: number;
  endpoints_not_in_media: number;
}

export interface RampOptions {
  steps: number[];
  settleMs: number;
  windowMs: number;
  log: (line: string) => void;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a step is within capacity: the definition of the knee. */
export function withinCapacity(s: StepRecord): boolean {
  return (
    s.loss_pct < 1 &&
    // A call that received nothing in the window is not in loss_pct (no sequence numbers to
    // count): its worst-call figure is 100 %.
    s.worst_call_loss_pct < 5 &&
    s.worker_cpu_pct >= 0 &&
    s.worker_cpu_pct < 90 &&
    s.endpoints_not_in_media === 0
  );
}

/**
 * Adds calls in steps; after each step, lets it settle, then measures one window. Stops at the
 * first step with ≥ 5 % loss, or after two steps in a row with ≥ 1 % loss or ≥ 97 % worker CPU
 * (past the knee the worker collapses; no need to push it further). knee = the step with the
 * most calls within capacity (< 1 % loss, worker CPU < 90 %, every endpoint connected).
 */
export async function ramp(
  path: CapacityPath,
  gen: Loadgen,
  o: RampOptions & { workerCpu: number },
) {
  const records: StepRecord[] = [];
  const callSsrcs: number[][] = [];
  let nextId = 1;
  let saturated = 0;
  let stopped: string | null = null;
  for (const target of o.steps) {
    const t0 = Date.now();
    const ids: number[] = [];
    try {
      while (callSsrcs.length < target) {
        const call = await path.addCall(callSsrcs.length, gen.fingerprint);
        for (const e of call.endpoints) {
          const id = nextId++;
          gen.add({ id, ...e });
          ids.push(id);
        }
        callSsrcs.push(call.consumerSsrcs);
      }
      for (const id of ids) await gen.connected(id, 30_000);
    } catch (error) {
      // Past the knee a new call may not set up at all: that ends the ramp, it is a result.
      stopped = `call ${callSsrcs.length + 1} did not set up: ${String(error)}`;
      o.log(`${path.name}: ${stopped}`);
      break;
    }
    const setupS = (Date.now() - t0) / 1000;
    await sleep(o.settleMs);
    const record = await measureWindow(path, gen, callSsrcs, o.windowMs, o.workerCpu, setupS);
    records.push(record);
    o.log(
      `${path.name} ${String(record.calls).padStart(4)} calls: worker ${record.worker_cpu_pct}% ` +
        `(core ${record.worker_core_busy_pct}%) ` +
        `${record.us_per_packet} µs/pkt ${record.forwarded_pps} pkt/s loss ${record.loss_pct}% ` +
        `(worst call ${record.worst_call_loss_pct}%) gen ${record.generator_cpu_pct}% node ${record.node_cpu_pct}% ` +
        `rss ${record.node_rss_mb} MB, setup ${record.setup_s} s`,
    );
    if (record.worker_cpu_pct < 0) {
      // Its CPU time went back: the worker was replaced (killed or dead) during the window.
      stopped = `the worker was replaced at ${record.calls} calls`;
      o.log(`${path.name}: ${stopped}`);
      break;
    }
    saturated = record.loss_pct >= 1 || record.worker_cpu_pct >= 97 ? saturated + 1 : 0;
    if (saturated >= 2 || record.loss_pct >= 5) break;
  }
  let knee: StepRecord | null = null;
  for (const r of records) if (withinCapacity(r) && (!knee || r.calls > knee.calls)) knee = r;
  return { steps: records, knee, stopped };
}

/**
 * One measurement window over the calls whose consumer SSRCs are `callSsrcs` (per call): the
 * worker's CPU, µs per forwarded packet, loss (overall and the worst call's), and the rest.
 */
export async function measureWindow(
  path: CapacityPath,
  gen: Loadgen,
  callSsrcs: number[][],
  windowMs: number,
  workerCpu: number,
  setupS = 0,
): Promise<StepRecord> {
  const before = await snapshot(path, gen, workerCpu);
  await sleep(windowMs);
  const after = await snapshot(path, gen, workerCpu);
  const windowS = (after.at - before.at) / 1000;
  let received = 0;
  let expected = 0;
  let worst = 0;
  for (const ssrcs of callSsrcs) {
    let r = 0;
    let e = 0;
    for (const ssrc of ssrcs) {
      r += (after.rx.get(ssrc)?.received ?? 0) - (before.rx.get(ssrc)?.received ?? 0);
      e += (after.rx.get(ssrc)?.expected ?? 0) - (before.rx.get(ssrc)?.expected ?? 0);
    }
    received += r;
    expected += e;
    worst = Math.max(worst, e > 0 ? (1 - r / e) * 100 : 100);
  }
  const workerMs = after.workerMs - before.workerMs;
  const record: StepRecord = {
    calls: callSsrcs.length,
    setup_s: round(setupS, 2),
    window_s: round(windowS, 2),
    worker_cpu_pct: round((workerMs / (windowS * 1000)) * 100),
    worker_core_busy_pct: round(
      ((after.core.busy - before.core.busy) / (after.core.total - before.core.total)) * 100,
    ),
    forwarded_pps: Math.round(received / windowS),
    us_per_packet: received > 0 ? round((workerMs * 1000) / received, 2) : 0,
    loss_pct: expected > 0 ? round(Math.max(0, 1 - received / expected) * 100, 3) : 100,
    worst_call_loss_pct: round(Math.max(0, worst), 2),
    generator_cpu_pct: round(((after.genMs - before.genMs) / (windowS * 1000)) * 100),
    node_cpu_pct: round(((after.nodeMs - before.nodeMs) / (windowS * 1000)) * 100),
    node_rss_mb: round(rssMb(process.pid)),
    worker_rss_mb: round(sum(path.workerPids.map(rssMb))),
    endpoints_not_in_media: after.stats.endpoints.filter((e) => e.state !== 'media').length,
  };
  return record;
}

async function snapshot(path: CapacityPath, gen: Loadgen, workerCpu: number) {
  const stats: LoadgenStats = await gen.stats();
  const rx = new Map<number, { received: number; expected: number }>();
  for (const e of stats.endpoints) for (const r of e.rx) rx.set(r.ssrc, r);
  const cpu = process.cpuUsage();
  return {
    at: Date.now(),
    stats,
    rx,
    workerMs: sum(path.workerPids.map(cpuMs)),
    core: cpuJiffies(workerCpu),
    genMs: stats.cpu_ms,
    nodeMs: (cpu.user + cpu.system) / 1000,
  };
}
