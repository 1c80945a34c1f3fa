/**
 * Fault benchmark (issue "Calls that survive faults", item 5): each fault played on a running
 * call, 20 times, with what became of the calls: recovered or lost, and the p50/p95 time from the
 * fault to decoded video (and received audio) on both sides again. See bench/faults/README.md.
 *
 *   npm run bench:faults                 (setup, then this script)
 *   bash scripts/with-env.sh node --import tsx bench/faults/run.ts
 *
 * Env: FAULT_TRIALS (default 20); FAULTS=worker_kill,kiosk_reload (default: all seven).
 * Needs root (network namespace, iptables). Writes bench/results/faults.json; a run of some faults
 * replaces theirs there and keeps the others', each fault saying when and on which commit it was
 * measured.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CallRig } from '../../test/faults/CallRig';
import { CallSetupError } from '../../test/faults/CallSetupError';
import {
  FAULT_NAMES,
  FAULT_REFERENCE,
  DRAIN_GAP_LIMIT_MS,
  RECOVERY_BOUND_MS,
  runTrial,
  type FaultName,
  type TrialResult,
} from '../../test/faults/faults';
import { packageVersion } from '../packageVersion';
import { percentile, round, table } from '../call-setup/stats';

const TRIALS = positiveInt(process.env.FAULT_TRIALS, 20);
const SELECTED = selectedFaults(process.env.FAULTS);
const RESULTS = path.resolve('bench/results/faults.json');
/** A trial whose call cannot be set up is tried again, this many times in all. */
const ATTEMPTS = 3;

/** The issue's targets: every trial recovered, with p95 (drain: the longest media gap) within this. */
const TARGET_P95_MS: Record<FaultName, number> = {
  worker_kill: 3_000,
  worker_hang: 3_000,
  kiosk_reload: 4_000,
  advisor_reload: 4_000,
  kiosk_network_cut_10s: 3_000,
  server_sigkill: 10_000,
  server_sigterm_drain: DRAIN_GAP_LIMIT_MS,
};

interface FaultFigures {
  trials: number;
  recovered: number;
  lost: number;
  p50_ms: number | null;
  p95_ms: number | null;
  admitted_after_sigterm?: number;
  lost_by: { call_ended: number; no_media: number };
  /** Trials after which the kiosk, the advisor's screen and the server agreed on the appointment. */
  states_agree: number;
  /** Trials whose call could not be set up (tried again; not counted in `trials`). */
  setup_errors: number;
  time_from: string;
  target_p95_ms: number;
  meets_target: boolean;
  ms: number[];
  /** When, on what and beside how much other load this fault was measured. */
  measured: { date: string; commit: string; load_avg_1m: number; trials_per_fault: number };
}

/** The faults of an earlier run that this one does not measure again, with their trials. */
interface KeptResults {
  figures: Partial<Record<FaultName, FaultFigures>>;
  trials: unknown[];
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  const cores = os.availableParallelism();
  const loadBefore = os.loadavg()[0]!;
  console.log(
    `faults: ${SELECTED.join(', ')}; ${TRIALS} trials each; ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${loadBefore.toFixed(1)}`,
  );
  const kept = keptResults();
  const run: RunState = {
    figures: { ...kept.figures },
    kept: kept.trials,
    trials: [],
    setupErrors: [],
    chromium: 'unknown',
    cores,
    loadBefore,
    wallStart,
  };
  for (const fault of SELECTED) {
    // A fresh stage per fault: its own server, data, namespace and browsers.
    const rig = await CallRig.open();
    const results: TrialResult[] = [];
    let errors = 0;
    try {
      run.chromium = rig.chromiumVersion;
      for (let trial = 1; trial <= TRIALS; trial++) {
        const result = await attempt(rig, fault, trial, (error) => {
          errors += 1;
          run.setupErrors.push(`${fault} #${trial}: ${error}`);
        });
        results.push(result);
        run.trials.push({ trial, ...result });
        console.log(
          `${fault} #${trial}: ${result.outcome}${result.ms === null ? ` (${result.lostBy})` : ` ${result.ms} ms`}` +
            `, parties ${result.states.agree ? 'agree' : 'disagree'}\n  ${result.notes.join('\n  ')}`,
        );
      }
    } finally {
      await rig.close();
    }
    run.figures[fault] = {
      ...summarise(fault, results, errors),
      measured: {
        date: new Date().toISOString(),
        commit: commitMeasured(),
        load_avg_1m: round(os.loadavg()[0]!, 2),
        trials_per_fault: TRIALS,
      },
    };
    // Written after every fault, so that a run stopped midway keeps what it measured.
    writeResults(run);
  }

  const runSeconds = writeResults(run);
  const rows = FAULT_NAMES.filter((fault) => run.figures[fault]).map((fault) => {
    const f = run.figures[fault]!;
    return [
      fault,
      f.trials,
      f.recovered,
      f.lost,
      f.p50_ms ?? '-',
      f.p95_ms ?? '-',
      f.states_agree,
      f.admitted_after_sigterm ?? '-',
      `${f.meets_target ? 'met' : 'MISSED'} (p95 ≤ ${f.target_p95_ms})`,
      SELECTED.includes(fault) ? 'this run' : `kept (${f.measured?.commit ?? 'earlier'})`,
    ];
  });
  console.log(
    `\n${table(['fault', 'trials', 'recovered', 'lost', 'p50 ms', 'p95 ms', 'agree', 'admitted', 'target', 'measured'], rows)}`,
  );
  console.log(`\n${runSeconds} s; written ${path.relative(process.cwd(), RESULTS)}`);
}

interface RunState {
  figures: Partial<Record<FaultName, FaultFigures>>;
  /** Trials of the faults kept from an earlier run (see `keptResults`). */
  kept: unknown[];
  trials: (TrialResult & { trial: number })[];
  setupErrors: string[];
  chromium: string;
  cores: number;
  loadBefore: number;
  wallStart: number;
}

/** Writes the results so far to bench/results/faults.json; returns the run's seconds so far. */
function writeResults(run: RunState): number {
  const runSeconds = round((performance.now() - run.wallStart) / 1000, 1);
  const result = {
    name: 'faults',
    date: new Date().toISOString(),
    cores: run.cores,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    load_avg_1m_before: round(run.loadBefore, 2),
    load_avg_1m_after: round(os.loadavg()[0]!, 2),
    node: process.version,
    chromium: run.chromium,
    mediasoup: packageVersion('mediasoup'),
    run_seconds: runSeconds,
    trials_per_fault: TRIALS,
    recovery_bound_ms: RECOVERY_BOUND_MS,
    faults: Object.fromEntries(
      FAULT_NAMES.filter((fault) => run.figures[fault]).map((f) => [f, run.figures[f]]),
    ),
    setup_errors: run.setupErrors,
    trials: [
      ...run.kept,
      ...run.trials.map((t) => ({
        fault: t.fault,
        trial: t.trial,
        outcome: t.outcome,
        ms: t.ms,
        lost_by: t.lostBy,
        states: {
          kiosk: t.states.kiosk.shows,
          advisor: t.states.advisor.shows,
          server: t.states.server.shows,
          agree: t.states.agree,
        },
        ...(t.admittedAfterSigterm === undefined
          ? {}
          : { admitted_after_sigterm: t.admittedAfterSigterm }),
        notes: t.notes,
      })),
    ],
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  return runSeconds;
}

/**
 * One trial, tried again when its call cannot be set up (that is not the fault's doing). A fault
 * trial that throws after its call was up (the instrument failed, e.g. a cut that let media
 * through) stops the benchmark.
 */
async function attempt(
  rig: CallRig,
  fault: FaultName,
  trial: number,
  onSetupError: (error: string) => void,
): Promise<TrialResult> {
  for (let n = 1; ; n++) {
    try {
      return await runTrial(rig, fault);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      if (!(error instanceof CallSetupError) || n >= ATTEMPTS)
        throw new Error(`${fault} #${trial} (attempt ${n}): ${message}`, { cause: error });
      console.warn(`${fault} #${trial}: the call did not set up (${message}); again`);
      onSetupError(message);
    }
  }
}

function summarise(
  fault: FaultName,
  results: TrialResult[],
  setupErrors: number,
): Omit<FaultFigures, 'measured'> {
  const ms = results.flatMap((r) => (r.ms === null ? [] : [r.ms]));
  const recovered = results.filter((r) => r.outcome === 'recovered').length;
  const p95 = ms.length > 0 ? round(percentile(ms, 95)) : null;
  const admitted = results.filter((r) => r.admittedAfterSigterm).length;
  return {
    trials: results.length,
    recovered,
    lost: results.length - recovered,
    p50_ms: ms.length > 0 ? round(percentile(ms, 50)) : null,
    p95_ms: p95,
    ...(fault === 'server_sigterm_drain' ? { admitted_after_sigterm: admitted } : {}),
    lost_by: {
      call_ended: results.filter((r) => r.lostBy === 'call_ended').length,
      no_media: results.filter((r) => r.lostBy === 'no_media').length,
    },
    states_agree: results.filter((r) => r.states.agree).length,
    setup_errors: setupErrors,
    time_from: FAULT_REFERENCE[fault],
    target_p95_ms: TARGET_P95_MS[fault],
    meets_target:
      results.length > 0 &&
      recovered === results.length &&
      p95 !== null &&
      p95 <= TARGET_P95_MS[fault] &&
      results.every((r) => r.states.agree) &&
      admitted === 0,
    ms,
  };
}

/**
 * When only some faults run, the others' figures and trials in the results file stay, so that one
 * fault can be measured again (after a change that concerns it) without rerunning the seven.
 */
function keptResults(): KeptResults {
  if (SELECTED.length === FAULT_NAMES.length || !fs.existsSync(RESULTS))
    return { figures: {}, trials: [] };
  const earlier = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as {
    faults?: Partial<Record<FaultName, FaultFigures>>;
    trials?: { fault: FaultName }[];
  };
  const keep = (fault: FaultName) => !SELECTED.includes(fault);
  return {
    figures: Object.fromEntries(
      Object.entries(earlier.faults ?? {}).filter(([fault]) => keep(fault as FaultName)),
    ),
    trials: (earlier.trials ?? []).filter((t) => keep(t.fault)),
  };
}

/** The commit measured, marked when the working tree differs from it. */
function commitMeasured(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

function selectedFaults(value: string | undefined): FaultName[] {
  if (!value) return [...FAULT_NAMES];
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(FAULT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`FAULTS: unknown ${unknown.join(', ')} (known: ${FAULT_NAMES.join(', ')})`);
  return names as FaultName[];
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${value}`);
  return n;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
