/**
 * Monitoring-overhead benchmark: the CPU a server spends on monitoring (quality sampling, health,
 * fleet) while it forwards RTP for 20 calls. Two real servers run side by side, each in its own
 * child process with one mediasoup worker: monitoring ON (as in production) and OFF (the
 * MonitoringModule stopped right after start). Both get identical RTP from ffmpeg, and both are
 * measured in the same time windows from /proc (Node process + its worker). See bench/README.md.
 *
 *   npm run bench:monitoring-overhead
 *   bash scripts/with-env.sh node --import tsx bench/monitoring-overhead/run.ts
 *
 * Env: BENCH_CALLS (20), BENCH_SAMPLE_INTERVAL_MS (1000: QUALITY_SAMPLE_INTERVAL_MS of both
 * servers, 5x the default, to be conservative), BENCH_WINDOWS (6), BENCH_WINDOW_S (20),
 * BENCH_WARMUP_S (10). Extra looks, not part of the result's definition: BENCH_WATCHED=1 (the ON
 * server acts as if a technician had the console open), BENCH_CPU_PROF_DIR (each server writes a
 * V8 CPU profile of the measured period there; the profiler's own cost skews the ratio).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuMs, sleep, startChild, stopChild, type Child } from '../signalling/proc';
import {
  AUDIO_PT,
  VIDEO_PT,
  type ChildReady,
  type ChildStats,
  type ParentRequest,
  type SideFeed,
} from './protocol';

const CALLS = positiveInt(process.env.BENCH_CALLS, 20);
const SAMPLE_INTERVAL_MS = positiveInt(process.env.BENCH_SAMPLE_INTERVAL_MS, 1000);
const UNWATCHED_INTERVAL_MS = positiveInt(process.env.QUALITY_UNWATCHED_INTERVAL_MS, 30_000);
const WINDOWS = positiveInt(process.env.BENCH_WINDOWS, 6);
const WINDOW_S = positiveInt(process.env.BENCH_WINDOW_S, 20);
const WARMUP_S = positiveInt(process.env.BENCH_WARMUP_S, 10);
const TARGET_CPU_RATIO = 1.05;
const RESULTS = path.resolve('bench/results/monitoring-overhead.json');
/** When set, both servers write a V8 CPU profile there (for finding costs; skews the ratio). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
/** The ON server behaves as with a technician console open (full-rate live sampling). */
const WATCHED = process.env.BENCH_WATCHED === '1';
const MODES = ['on', 'off'] as const;
type Mode = (typeof MODES)[number];

interface Side {
  mode: Mode;
  child: Child;
  workerPid: number;
  feeds: SideFeed[];
  sink: dgram.Socket;
  sinkPackets: number;
  ffmpeg?: ChildProcess;
}

interface WindowCpu {
  node: number;
  worker: number;
  ffmpeg: number;
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  ensureFfmpeg();
  const cores = os.availableParallelism();
  console.log(
    `monitoring-overhead: ${CALLS} calls per server, monitoring ON vs OFF side by side; ` +
      `quality sampling every ${SAMPLE_INTERVAL_MS} ms ` +
      (WATCHED
        ? '(console open); '
        : `(no console open: server stats every ${UNWATCHED_INTERVAL_MS} ms); `) +
      `${WINDOWS} windows of ${WINDOW_S} s ` +
      `after ${WARMUP_S} s warm-up; ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-monbench-media-'));
  const sides: Side[] = [];
  const cleanup = async () => {
    for (const side of sides) {
      if (side.ffmpeg && side.ffmpeg.exitCode === null) side.ffmpeg.kill('SIGTERM');
    }
    await Promise.all(
      sides.map(async (side) => {
        if (side.child.proc.exitCode === null && side.child.proc.connected) {
          const stopped = once(side.child, 'stopped', 30_000).catch(() => undefined);
          request(side.child, { cmd: 'stop' });
          await stopped;
        }
        await stopChild(side.child, 10_000);
        side.sink.close();
      }),
    );
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const { video, audio } = preEncode(tmp);
    // Children start one after the other (their setup is CPU-bound; side by side it would be slow).
    for (const mode of MODES) {
      const sink = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
      const child = startChild(
        `server-${mode}`,
        ['--import', 'tsx', path.resolve('bench/monitoring-overhead/server.ts')],
        {
          BENCH_MODE: mode,
          BENCH_WATCHED: WATCHED ? '1' : '0',
          BENCH_CALLS: String(CALLS),
          BENCH_SINK_PORT: String(sink.address().port),
          ...(CPU_PROF_DIR
            ? { BENCH_CPU_PROF: path.resolve(CPU_PROF_DIR, `${mode}.cpuprofile`) }
            : {}),
          QUALITY_SAMPLE_INTERVAL_MS: String(SAMPLE_INTERVAL_MS),
          // Separate port ranges: the two workers never compete for a port.
          RTC_MIN_PORT: mode === 'on' ? '40000' : '45000',
          RTC_MAX_PORT: mode === 'on' ? '44999' : '49999',
        },
      );
      const side: Side = { mode, child, workerPid: 0, feeds: [], sink, sinkPackets: 0 };
      sides.push(side);
      sink.on('message', () => (side.sinkPackets += 1));
      const started = performance.now();
      const ready = await once<ChildReady>(child, 'ready', 120_000);
      side.workerPid = ready.workerPid;
      side.feeds = ready.feeds;
      console.log(
        `  ${mode}: server pid ${child.pid}, worker pid ${ready.workerPid}, ${CALLS} calls set up ` +
          `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    for (const side of sides) side.ffmpeg = startFfmpeg(side, video, audio);
    console.log(
      `  ffmpeg: ${sides.length} processes, ${sides[0]!.feeds.length * 2} RTP streams each`,
    );
    await sleep(WARMUP_S * 1000);
    for (const side of sides) {
      if (side.ffmpeg?.exitCode !== null) throw new Error(`ffmpeg for ${side.mode} exited early`);
    }
    const before = await Promise.all(sides.map((s) => stats(s.child)));
    const sinkBefore = sides.map((s) => s.sinkPackets);
    const statsAt = performance.now();

    const windows: Record<Mode, WindowCpu[]> = { on: [], off: [] };
    for (let w = 0; w < WINDOWS; w++) {
      const t0 = performance.now();
      const c0 = sides.map(readCpu);
      await sleep(WINDOW_S * 1000);
      const c1 = sides.map(readCpu);
      const seconds = (performance.now() - t0) / 1000;
      const line: string[] = [];
      sides.forEach((side, i) => {
        const pct = (a: number, b: number) => (b - a) / 10 / seconds; // ms of CPU → % of a core
        const cpu = {
          node: pct(c0[i]!.node, c1[i]!.node),
          worker: pct(c0[i]!.worker, c1[i]!.worker),
          ffmpeg: pct(c0[i]!.ffmpeg, c1[i]!.ffmpeg),
        };
        windows[side.mode].push(cpu);
        line.push(
          `${side.mode}: node ${cpu.node.toFixed(1)}% + worker ${cpu.worker.toFixed(1)}% = ${(cpu.node + cpu.worker).toFixed(1)}%`,
        );
      });
      console.log(`  window ${w + 1}/${WINDOWS}: ${line.join('  |  ')}`);
    }

    const after = await Promise.all(sides.map((s) => stats(s.child)));
    const statsSeconds = (performance.now() - statsAt) / 1000;
    const summary = Object.fromEntries(
      MODES.map((mode) => {
        const ws = windows[mode];
        const i = sides.findIndex((s) => s.mode === mode);
        return [
          mode,
          {
            node_cpu_pct: round(median(ws.map((w) => w.node))),
            worker_cpu_pct: round(median(ws.map((w) => w.worker))),
            total: round(median(ws.map((w) => w.node + w.worker))),
            total_p95: round(
              percentile(
                ws.map((w) => w.node + w.worker),
                95,
              ),
            ),
            ffmpeg_cpu_pct: round(median(ws.map((w) => w.ffmpeg))),
            packets_in_per_s: Math.round(
              (after[i]!.packetsIn - before[i]!.packetsIn) / statsSeconds,
            ),
            packets_forwarded_per_s: Math.round(
              (after[i]!.packetsOut - before[i]!.packetsOut) / statsSeconds,
            ),
            sink_packets_per_s: Math.round((sides[i]!.sinkPackets - sinkBefore[i]!) / statsSeconds),
            transport_mbit_in_per_s: round(
              ((after[i]!.transportBytesIn - before[i]!.transportBytesIn) * 8) / statsSeconds / 1e6,
            ),
            quality_samples: after[i]!.sampledCalls,
            worker_requests_per_s: requestRates(before[i]!, after[i]!, statsSeconds),
          },
        ];
      }),
    ) as Record<Mode, ModeSummary>;
    const perWindowRatio = windows.on.map(
      (on, w) => (on.node + on.worker) / (windows.off[w]!.node + windows.off[w]!.worker),
    );
    const cpuRatio = summary.on.total / summary.off.total;
    const meets = cpuRatio <= TARGET_CPU_RATIO;

    console.log('');
    table(
      [
        'mode',
        'node CPU %',
        'worker CPU %',
        'total %',
        'total p95 %',
        'pkts in/s',
        'pkts fwd/s',
        'samples',
      ],
      MODES.map((m) => [
        m.toUpperCase(),
        summary[m].node_cpu_pct,
        summary[m].worker_cpu_pct,
        summary[m].total,
        summary[m].total_p95,
        summary[m].packets_in_per_s,
        summary[m].packets_forwarded_per_s,
        summary[m].quality_samples,
      ]),
    );
    console.log(
      `\ncpu_ratio (ON/OFF, medians of ${WINDOWS} windows) = ${cpuRatio.toFixed(3)}; ` +
        `per-window ratios p50 ${median(perWindowRatio).toFixed(3)}, ` +
        `max ${Math.max(...perWindowRatio).toFixed(3)}; target ≤ ${TARGET_CPU_RATIO}: ` +
        `${meets ? 'MET' : 'MISSED'}`,
    );
    for (const m of MODES)
      console.log(
        `worker requests/s ${m.toUpperCase()}: ${JSON.stringify(summary[m].worker_requests_per_s)}`,
      );
    console.log(
      `monitoring ON sampled ${summary.on.quality_samples}/${CALLS} calls; one sample: ` +
        JSON.stringify(after[0]!.exampleSample).slice(0, 400),
    );

    const result = {
      name: 'monitoring-overhead',
      date: new Date().toISOString(),
      cores,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      calls: CALLS,
      sample_interval_ms: SAMPLE_INTERVAL_MS,
      unwatched_interval_ms: UNWATCHED_INTERVAL_MS,
      console_open: WATCHED,
      health_interval_ms: 5000,
      windows: WINDOWS,
      window_s: WINDOW_S,
      on: summary.on,
      off: summary.off,
      cpu_ratio: round(cpuRatio, 3),
      per_window_ratio: perWindowRatio.map((r) => round(r, 3)),
      target_cpu_ratio: TARGET_CPU_RATIO,
      meets_target: meets,
      packets_forwarded_per_s: summary.on.packets_forwarded_per_s,
      run_seconds: Math.round((performance.now() - wallStart) / 1000),
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${path.relative(process.cwd(), RESULTS)} (${result.run_seconds} s)`);
  } finally {
    await cleanup();
  }
}

interface ModeSummary {
  node_cpu_pct: number;
  worker_cpu_pct: number;
  total: number;
  total_p95: number;
  ffmpeg_cpu_pct: number;
  packets_in_per_s: number;
  packets_forwarded_per_s: number;
  sink_packets_per_s: number;
  transport_mbit_in_per_s: number;
  quality_samples: number;
  worker_requests_per_s: Record<string, number>;
}

/** Worker requests per second between two stats answers, by method (busiest first). */
function requestRates(before: ChildStats, after: ChildStats, seconds: number) {
  return Object.fromEntries(
    Object.entries(after.workerRequests)
      .map(([method, n]): [string, number] => [
        method,
        round((n - (before.workerRequests[method] ?? 0)) / seconds, 2),
      ])
      .filter(([, rate]) => rate > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

function readCpu(side: Side): WindowCpu {
  return {
    node: cpuMs(side.child.pid),
    worker: cpuMs(side.workerPid),
    ffmpeg: side.ffmpeg?.pid ? cpuMs(side.ffmpeg.pid) : 0,
  };
}

function request(child: Child, req: ParentRequest): void {
  child.proc.send(req);
}

function once<T>(child: Child, type: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.proc.off('message', onMessage);
      reject(new Error(`${child.name}: no '${type}' after ${timeoutMs} ms:\n${child.output()}`));
    }, timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      resolve(message as T);
    };
    child.proc.on('message', onMessage);
    void child.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (${how}):\n${child.output()}`));
    });
  });
}

async function stats(child: Child): Promise<ChildStats> {
  const answer = once<ChildStats>(child, 'stats', 30_000);
  request(child, { cmd: 'stats' });
  return answer;
}

/** ffmpeg from Debian; installed here when missing and we are root (as tests do for servers). */
function ensureFfmpeg(): void {
  if (spawnSync('ffmpeg', ['-version']).status === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error('ffmpeg is missing: sudo apt-get install -y ffmpeg');
  console.log('installing ffmpeg (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'ffmpeg'], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error('apt-get install ffmpeg failed');
}

/** One 10 s VP8 clip (~900 kbit/s, 640x480@20) and one Opus clip, replayed in a loop. */
function preEncode(dir: string): { video: string; audio: string } {
  const video = path.join(dir, 'video.webm');
  const audio = path.join(dir, 'audio.ogg');
  const run = (args: string[]) => {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr.toString()}`);
  };
  run([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x480:rate=20,noise=alls=10:allf=t',
    '-t',
    '10',
    '-c:v',
    'libvpx',
    '-b:v',
    '900k',
    '-minrate',
    '800k',
    '-maxrate',
    '1000k',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    '40',
    video,
  ]);
  run([
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '10',
    '-ac',
    '2',
    '-c:a',
    'libopus',
    '-b:a',
    '48k',
    audio,
  ]);
  return { video, audio };
}

/** One ffmpeg per server replays the clips (stream copy) to every producer transport. */
function startFfmpeg(side: Side, video: string, audio: string): ChildProcess {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  args.push('-re', '-stream_loop', '-1', '-i', video, '-re', '-stream_loop', '-1', '-i', audio);
  const url = (port: number, rtcp: number) =>
    `rtp://127.0.0.1:${port}?rtcpport=${rtcp}&pkt_size=1200`;
  for (const feed of side.feeds) {
    args.push('-map', '0:v', '-c', 'copy', '-ssrc', String(feed.videoSsrc));
    args.push(
      '-payload_type',
      String(VIDEO_PT),
      '-f',
      'rtp',
      url(feed.videoPort, feed.videoRtcpPort),
    );
    args.push('-map', '1:a', '-c', 'copy', '-ssrc', String(feed.audioSsrc));
    args.push(
      '-payload_type',
      String(AUDIO_PT),
      '-f',
      'rtp',
      url(feed.audioPort, feed.audioRtcpPort),
    );
  }
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
  proc.once('exit', (code, signal) => {
    if (signal !== 'SIGTERM' && code !== 255)
      console.error(`ffmpeg (${side.mode}) exited ${code ?? signal}: ${err}`);
  });
  return proc;
}

function table(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  for (const [i, row] of cells.entries()) {
    console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function positiveInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${raw}`);
  return n;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
