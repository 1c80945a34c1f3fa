/**
 * Impairment benchmark (issue 11 "Every kiosk connects", item 6): one real call, the kiosk's
 * Chromium in a network namespace behind a capped and lossy line, and what each side then gets:
 * frame rate and height of the kiosk's video at the advisor, concealed audio, freezes, the app's
 * audio + text mode, real-time text latency; then how the call recovers once the line is good
 * again. See bench/network/README.md.
 *
 *   npm run bench:network                (setup, then this script)
 *   bash scripts/with-env.sh node --import tsx bench/network/run.ts
 *
 * Env: NETWORK_SETTLE_S (10), NETWORK_MEASURE_S (20), NETWORK_CASES=500/2,120/5 (default: all 15),
 * NETWORK_OUTPUT (bench/results/network.json), NETWORK_CAPTURE=<dir> (also writes one full
 * getStats() reading of each page there, for test fixtures). Needs root (namespace, tc, iptables).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CallRig } from '../../test/faults/CallRig';
import { LineImpairment } from '../../test/support/LineImpairment';
import { round, table } from '../call-setup/stats';
import { machineRecord } from '../machineRecord';
import { packageVersion } from '../packageVersion';
import { seconds, selectedCases } from './cases';
import {
  ImpairedCall,
  SAMPLE_MS,
  VIDEO_BACK,
  type CaseResult,
  type Recovery,
} from './ImpairedCall';

const SETTLE_S = seconds(process.env.NETWORK_SETTLE_S, 10);
const MEASURE_S = seconds(process.env.NETWORK_MEASURE_S, 20);
const CASES = selectedCases(process.env.NETWORK_CASES);
const OUTPUT = path.resolve(process.env.NETWORK_OUTPUT ?? 'bench/results/network.json');
const CAPTURE_DIR = process.env.NETWORK_CAPTURE;
/**
 * The fake camera gives 20 fps unless told otherwise; the app asks for 25 (LocalMedia), as a
 * kiosk's webcam gives. At 20 fps the 20 fps floor of the targets could not be told from a drop.
 */
const CAMERA_FPS = 30;

let stopping: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const wallStart = performance.now();
  const loadBefore = os.loadavg()[0]!;
  console.log(
    `network: ${CASES.length} cases, settle ${SETTLE_S} s, measure ${MEASURE_S} s; ` +
      `${os.availableParallelism()} cores, load ${loadBefore.toFixed(1)}`,
  );
  const rig = await CallRig.open({
    browserArgs: [`--use-fake-device-for-media-stream=fps=${CAMERA_FPS}`],
  });
  stopping = () => rig.close();
  const windows = { settleMs: SETTLE_S * 1000, measureMs: MEASURE_S * 1000 };
  const results: CaseResult[] = [];
  let recovery: Recovery | null = null;
  const write = () =>
    writeResults({ results, recovery, chromium: rig.chromiumVersion, loadBefore, wallStart });
  try {
    const line = new LineImpairment(rig.network);
    let call = await ImpairedCall.open(rig, line);
    if (CAPTURE_DIR) await call.capture(CAPTURE_DIR);
    for (const condition of CASES) {
      const result = await call.runCase(condition, windows);
      results.push(result);
      printCase(result);
      // Written after every case, so that a run stopped midway keeps what it measured.
      write();
      if (result.call_lost) {
        await call.close();
        call = await ImpairedCall.open(rig, line);
      }
    }
    recovery = await call.recover(CASES.at(-1) ?? null, windows);
    console.log(
      `recovery: video back in ${recovery.video_back_ms ?? '-'} ms, ${recovery.flaps} flaps` +
        (recovery.notes.length > 0 ? `\n  ${recovery.notes.join('\n  ')}` : ''),
    );
    await call.close();
  } finally {
    await rig.close();
    stopping = undefined;
  }
  const runSeconds = write();
  console.log(`\n${summaryTable(results)}`);
  console.log(`\n${runSeconds} s; written ${path.relative(process.cwd(), OUTPUT)}`);
}

function writeResults(run: {
  results: CaseResult[];
  recovery: Recovery | null;
  chromium: string;
  loadBefore: number;
  wallStart: number;
}): number {
  const runSeconds = round((performance.now() - run.wallStart) / 1000, 1);
  const result = {
    cases: run.results,
    recovery: run.recovery,
    name: 'network',
    date: new Date().toISOString(),
    commit: gitCommit(),
    ...machineRecord(run),
    mediasoup_client: packageVersion('mediasoup-client'),
    run_seconds: runSeconds,
    settle_s: SETTLE_S,
    measure_s: MEASURE_S,
    sample_interval_ms: SAMPLE_MS,
    camera_fps: CAMERA_FPS,
    video_back_when: VIDEO_BACK,
  };
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
  return runSeconds;
}

function printCase(r: CaseResult): void {
  console.log(
    `${r.kbps} kbit/s ${r.loss_pct} %: ${r.fps ?? '-'} fps, ${r.height ?? '-'} lines, ` +
      `concealed ${r.audio_concealed_pct ?? '-'} %, ${r.freezes_per_min ?? '-'} freezes/min, ` +
      `text ${r.rtt_text_ms ?? '-'} ms, mode ${r.audio_text_mode ? `${r.mode_engaged_ms} ms` : 'no'}; ` +
      `kiosk sends ${r.kiosk_send.height ?? '-'} lines at ${r.kiosk_send.fps ?? '-'} fps, ` +
      `${r.kiosk_send.kbps ?? '-'} kbit/s (estimate ${r.kiosk_send.bwe_kbps ?? '-'}, ` +
      `limited by ${r.kiosk_send.quality_limitation ?? '-'})` +
      (r.notes.length > 0 ? `\n  ${r.notes.join('\n  ')}` : ''),
  );
}

function summaryTable(results: readonly CaseResult[]): string {
  return table(
    ['kbit/s', 'loss %', 'fps', 'height', 'concealed %', 'freezes/min', 'a+t mode', 'text ms'],
    results.map((r) => [
      r.kbps,
      r.loss_pct,
      r.fps ?? '-',
      r.height ?? '-',
      r.audio_concealed_pct ?? '-',
      r.freezes_per_min ?? '-',
      r.audio_text_mode ? `${r.mode_engaged_ms} ms` : 'no',
      r.rtt_text_ms ?? '-',
    ]),
  );
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

// Ctrl-C or a kill: close the browsers and the server; the namespace, its tc and iptables rules
// go with NetworkNamespace's exit handler (and a run killed outright is cleaned at the next start).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void (stopping?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
