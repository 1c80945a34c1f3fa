import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../packageVersion';
import { AppPath } from './AppPath';
import { BarePath, loadPreviousMediasoup } from './BarePath';
import type { CapacityPath, PathName } from './CapacityPath';
import { Loadgen, type SrtpOffer } from './Loadgen';
import { pastKnee } from './PastKnee';
import { pinnedArgs } from './procStat';
import { ramp, type StepRecord } from './Ramp';

// How many 1:1 calls (VP8 ~1.5 Mbit/s + Opus, both ways) one mediasoup worker core carries, bare
// and through the application, with the same worker binary, load generator and media. See
// README.md in this directory.

const WORKER_CPU = 0;
const GENERATOR_CPU = 1;
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const steps = env('BENCH_STEPS', '10,20,40,60,80,90,100,110,120,130,140,150,160,180,200')
  .split(',')
  .map(Number);
const windowMs = Number(env('BENCH_WINDOW_S', '10')) * 1000;
const settleMs = Number(env('BENCH_SETTLE_S', '3')) * 1000;
const kbps = Number(env('BENCH_KBPS', '1500'));
const paths = env('BENCH_PATHS', 'bare,app,past-knee').split(',');
/** Admission control's limit in the past-knee phase: the server's default unless set. */
const maxCpu = env('BENCH_MAX_CPU', '0.85');
const offers = Number(env('BENCH_OFFERS', '10'));
/** The SRTP profiles the generator offers: a browser's (AES-256-GCM chosen) or AES-CM alone. */
const srtp = env('BENCH_SRTP', 'browser') as SrtpOffer;
/**
 * Rounds of the two ramps, bare and app back to back (which goes first alternates): a shared
 * machine moves one ramp's knee by ±30 % (README), so each figure is the median of the rounds'.
 */
const rounds = Number(env('BENCH_ROUNDS', '3'));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('BENCH_ROUNDS is a whole number >= 1');
if (srtp !== 'browser' && srtp !== 'cm') throw new Error('BENCH_SRTP is browser or cm');
const negotiated = new Set<string>();
/** The port of the `app-webrtcserver` variant's WebRtcServer (UDP and TCP). */
const webRtcServerPort = env('BENCH_WEBRTC_SERVER_PORT', '44400');
/** The `bare-previous` variant: an earlier mediasoup package and its worker, built elsewhere. */
const previous = paths.includes('bare-previous')
  ? loadPreviousMediasoup(
      required('BENCH_PREVIOUS_MEDIASOUP', 'the directory of an earlier mediasoup package'),
      required('BENCH_PREVIOUS_WORKER_BIN', "that version's worker binary"),
    )
  : undefined;

function required(name: string, what: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bare-previous needs ${name}: ${what}`);
  return value;
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Runs `run` on a path whose worker has a core of its own, the generator on the other. */
async function pinned<P extends CapacityPath, T>(
  make: () => Promise<P>,
  run: (p: P, gen: Loadgen) => Promise<T>,
): Promise<T> {
  const p = await make();
  for (const pid of p.workerPids)
    execFileSync('taskset', pinnedArgs(pid, WORKER_CPU), { stdio: 'ignore' });
  const gen = await Loadgen.start({ cpu: GENERATOR_CPU, srtp });
  try {
    return await run(p, gen);
  } finally {
    for (const profile of gen.srtpProfiles) negotiated.add(profile);
    await gen.close();
    await p.close();
  }
}

const measure = (make: () => Promise<CapacityPath>) =>
  pinned(make, (p, gen) => ramp(p, gen, { steps, settleMs, windowMs, log, workerCpu: WORKER_CPU }));

function summary(r: { steps: StepRecord[]; knee: StepRecord | null; stopped: string | null }) {
  return {
    calls_per_core: r.knee?.calls ?? 0,
    us_per_packet: r.knee?.us_per_packet ?? null,
    knee: r.knee,
    /** Why the ramp ended early (a call that did not set up), or null. */
    stopped: r.stopped,
    steps: r.steps,
  };
}

const loadBefore = os.loadavg()[0]!;
// The driver (and on the app path the whole Node server) shares the generator's core, so that
// the worker has its core to itself.
execFileSync('taskset', pinnedArgs(process.pid, GENERATOR_CPU), { stdio: 'ignore' });
const started = Date.now();
type Summary = ReturnType<typeof summary>;
type Round = Partial<Record<PathName, Summary>>;
const starters: Record<PathName, () => Promise<CapacityPath>> = {
  bare: () => BarePath.start(kbps),
  app: () => AppPath.start(kbps),
  'bare-previous': () => BarePath.start(kbps, previous),
  'app-webrtcserver': () => AppPath.start(kbps, { WEBRTC_SERVER_PORT: webRtcServerPort }),
  'app-2workers': () => AppPath.start(kbps, { MEDIA_WORKERS: '2' }),
};
const ramped = (Object.keys(starters) as PathName[]).filter((name) => paths.includes(name));
const measured: Round[] = [];
for (let round = 0; round < rounds; round++) {
  // Which path goes first turns from one round to the next.
  const order = ramped.map((_, i) => ramped[(i + round) % ramped.length]!);
  const r: Round = {};
  for (const which of order) {
    log(`round ${round + 1}/${rounds}: ${which}`);
    r[which] = summary(await measure(starters[which]));
  }
  measured.push(r);
}
/** The round whose knee is the median of the rounds' (the lower middle one of an even count). */
const medianOf = (which: PathName): Summary | null => {
  const all = measured.map((r) => r[which]).filter((s): s is Summary => s !== undefined);
  all.sort((a, b) => a.calls_per_core - b.calls_per_core);
  return all[Math.floor((all.length - 1) / 2)] ?? null;
};
const bare = medianOf('bare');
const app = medianOf('app');
// Past the knee with admission control on: new calls refused, running calls kept whole.
const past = paths.includes('past-knee')
  ? await pinned(
      () => AppPath.start(kbps, { MEDIA_WORKER_MAX_CPU: maxCpu }),
      (p, gen) =>
        pastKnee(p, gen, {
          steps,
          settleMs,
          windowMs,
          offers,
          betweenCallsMs: 250,
          workerCpu: WORKER_CPU,
          log,
        }),
    )
  : null;

const result = {
  name: 'sfu-capacity',
  date: new Date().toISOString(),
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  load_avg_1m_before: Math.round(loadBefore * 100) / 100,
  load_avg_1m_after: Math.round(os.loadavg()[0]! * 100) / 100,
  node: process.version,
  mediasoup: packageVersion('mediasoup'),
  worker_bin: process.env.MEDIASOUP_WORKER_BIN ?? null,
  media: {
    video: `VP8 ${kbps} kbit/s, 30 fps, <=1200-byte packets`,
    audio: 'Opus 20 ms, ~40 kbit/s',
  },
  srtp: { offered: srtp, negotiated: [...negotiated] },
  window_s: windowMs / 1000,
  duration_s: Math.round((Date.now() - started) / 1000),
  app_calls_per_core: app?.calls_per_core ?? null,
  bare_calls_per_core: bare?.calls_per_core ?? null,
  ratio:
    app && bare && bare.calls_per_core > 0
      ? Math.round((app.calls_per_core / bare.calls_per_core) * 100) / 100
      : null,
  us_per_packet: { app: app?.us_per_packet ?? null, bare: bare?.us_per_packet ?? null },
  /** Each round's knees; the figures above are their medians (`bare` and `app`: those rounds). */
  rounds: measured.map((r) => ({
    bare_calls_per_core: r.bare?.calls_per_core ?? null,
    app_calls_per_core: r.app?.calls_per_core ?? null,
    ratio:
      r.app && r.bare && r.bare.calls_per_core > 0
        ? Math.round((r.app.calls_per_core / r.bare.calls_per_core) * 100) / 100
        : null,
    us_per_packet: { app: r.app?.us_per_packet ?? null, bare: r.bare?.us_per_packet ?? null },
  })),
  // The Node server's CPU per call at the app's knee, % of one core (the driver's own share is
  // in the bare path's node_cpu_pct, near zero).
  node_cpu_per_call: app?.knee
    ? Math.round((app.knee.node_cpu_pct / app.knee.calls) * 1000) / 1000
    : null,
  past_knee: past && {
    max_cpu: Number(maxCpu),
    ...past,
    refused_code: past.refusal && `${past.refusal.code}/${past.refusal.reason}`,
    running_loss_pct: past.running?.loss_pct ?? null,
  },
  /** Measured beside the two paths on request (BENCH_PATHS); absent otherwise. */
  variants: variants(),
  bare,
  app,
};

/** Each variant's median knee, its rounds' knees and its steps, like `bare` and `app`. */
function variants() {
  const out: Record<string, unknown> = {};
  for (const name of ['bare-previous', 'app-webrtcserver', 'app-2workers'] as const) {
    const median = medianOf(name);
    if (!median) continue;
    out[name] = {
      ...(name === 'bare-previous'
        ? { mediasoup: previous?.version, worker_bin: process.env.BENCH_PREVIOUS_WORKER_BIN }
        : name === 'app-webrtcserver'
          ? {
              webrtc_server_port: Number(webRtcServerPort),
              // The server's default unless the environment sets it (0: the system's default).
              webrtc_server_buffer_bytes: Number(
                process.env.WEBRTC_SERVER_BUFFER_BYTES ?? 4 * 1024 * 1024,
              ),
            }
          : { workers_on_the_core: 2 }),
      calls_per_core: median.calls_per_core,
      us_per_packet: median.us_per_packet,
      rounds: measured.map((r) => ({
        calls_per_core: r[name]?.calls_per_core ?? null,
        us_per_packet: r[name]?.us_per_packet ?? null,
      })),
      median_round: median,
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
// A run with variants goes to a file of its own: sfu-capacity.json, which other tools read, only
// ever holds the benchmark's own runs.
const out = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  result.variants ? 'sfu-capacity-variants.json' : 'sfu-capacity.json',
);
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(
  `bare ${result.bare_calls_per_core} calls/core, app ${result.app_calls_per_core}, ratio ${result.ratio} (medians of ${rounds} rounds: ${result.rounds.map((r) => `${r.bare_calls_per_core}/${r.app_calls_per_core}`).join(', ')}); ${out}`,
);
for (const [name, v] of Object.entries(result.variants ?? {}))
  log(`${name}: ${(v as { calls_per_core: number }).calls_per_core} calls/core`);
