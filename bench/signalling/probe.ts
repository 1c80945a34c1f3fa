/**
 * Preloaded into both benchmark servers (`node --expose-gc --import tsx --import <this file>`),
 * and answering the benchmark over the IPC channel only: a full GC and the memory after it, the
 * event-loop delay and GC pauses since the last mark, and a CPU profile of a phase (in-process
 * inspector session, only when asked). Nothing else of the server changes.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'node:perf_hooks';

export type ProbeRequest =
  | { cmd: 'gc' }
  | { cmd: 'mark' }
  | { cmd: 'stats' }
  | { cmd: 'profileStart' }
  | { cmd: 'profileStop'; file: string };

export interface ProbeMemory {
  rssKb: number;
  heapUsedKb: number;
  externalKb: number;
  arrayBuffersKb: number;
}

export interface ProbeStats {
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMs: number };
}

if (process.send && process.channel) {
  const RESOLUTION_MS = 5;
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  // The histogram holds intervals between ticks: the delay is what exceeds the tick.
  const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  loop.enable();
  let pauses: PerformanceEntry[] = [];
  new PerformanceObserver((list) => pauses.push(...list.getEntries())).observe({
    entryTypes: ['gc'],
  });
  const kb = (bytes: number) => Math.round(bytes / 1024);
  const reply = (message: unknown) => process.send?.(message);
  let session: Session | undefined;

  process.on('message', (message: ProbeRequest) => {
    switch (message?.cmd) {
      case 'gc': {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (!gc) return reply({ error: 'run with --expose-gc' });
        gc();
        gc();
        const m = process.memoryUsage();
        return reply({
          rssKb: kb(m.rss),
          heapUsedKb: kb(m.heapUsed),
          externalKb: kb(m.external),
          arrayBuffersKb: kb(m.arrayBuffers),
        } satisfies ProbeMemory);
      }
      case 'mark':
        loop.reset();
        pauses = [];
        return reply({ ok: true });
      case 'profileStart':
        session ??= new Session();
        session.connect();
        void session
          .post('Profiler.enable')
          .then(() => session!.post('Profiler.setSamplingInterval', { interval: 500 }))
          .then(() => session!.post('Profiler.start'))
          .then(() => reply({ ok: true }))
          .catch((err: unknown) => reply({ error: String(err) }));
        return;
      case 'profileStop':
        void session
          ?.post('Profiler.stop')
          .then(({ profile }) => {
            fs.writeFileSync(message.file, JSON.stringify(profile));
            session!.disconnect();
            reply({ ok: true });
          })
          .catch((err: unknown) => reply({ error: String(err) }));
        return;
      case 'stats': {
        const major = pauses.filter(
          (p) =>
            (p as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
            constants.NODE_PERFORMANCE_GC_MAJOR,
        );
        return reply({
          loopDelayMs: {
            p50: delay(loop.percentile(50)),
            p99: delay(loop.percentile(99)),
            max: delay(loop.max),
          },
          gc: {
            count: pauses.length,
            totalMs: pauses.reduce((sum, p) => sum + p.duration, 0),
            maxMs: Math.max(0, ...pauses.map((p) => p.duration)),
            majorCount: major.length,
            majorMs: major.reduce((sum, p) => sum + p.duration, 0),
          },
        } satisfies ProbeStats);
      }
    }
  });
  // The channel must not keep a process alive that would otherwise exit.
  process.channel.unref();
}
