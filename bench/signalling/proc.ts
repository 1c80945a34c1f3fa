import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeRequest } from './probe';

// Child processes measured from the outside: /proc gives their own RSS and CPU time, so nothing of
// the benchmark's clients is counted in them.

const CLK_TCK = 100; // USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`).

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last ~64 KB the child wrote to stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the child has exited. */
  exited: Promise<string>;
  /** Asks the preloaded probe (probe.ts) something over IPC; answers come in order. */
  ask<T>(request: ProbeRequest): Promise<T>;
}

export function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  onLine?: (line: string) => void,
): Child {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start`);
  let out = '';
  let partial = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out = (out + text).slice(-65_536);
    if (!onLine) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  proc.stdout?.on('data', take);
  proc.stderr?.on('data', take);
  const exited = new Promise<string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
  );
  const waiting: ((answer: unknown) => void)[] = [];
  proc.on('message', (answer) => waiting.shift()?.(answer));
  const ask = <T>(request: ProbeRequest) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: no answer to ${request.cmd}`)),
        30_000,
      );
      waiting.push((answer) => {
        clearTimeout(timer);
        const error = (answer as { error?: string }).error;
        if (error) reject(new Error(`${name}: ${error}`));
        else resolve(answer as T);
      });
      proc.send(request);
    });
  return { name, proc, pid: proc.pid, output: () => out, exited, ask };
}

/** Asks the child to stop (SIGTERM), then kills it if it has not exited after `graceMs`. */
export async function stopChild(child: Child, graceMs = 20_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.error(`${child.name} still running ${graceMs} ms after SIGTERM: killing it`);
    child.proc.kill('SIGKILL');
  }, graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** A port free right now on 127.0.0.1 (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, or fails after `timeoutMs` (or when the child exits). */
export async function waitReady(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited: string | undefined;
  void child.exited.then((how) => (exited = how));
  for (;;) {
    if (exited)
      throw new Error(`${child.name} exited (${exited}) before ready:\n${child.output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline)
      throw new Error(`${child.name} not ready after ${timeoutMs} ms:\n${child.output()}`);
    await sleep(100);
  }
}

/** Resident set size of a process, in KB (VmRSS). */
export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) — utime and stime are fields 14, 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

/** Median of `samples` RSS readings taken `intervalMs` apart. */
export async function medianRssKb(pid: number, samples = 5, intervalMs = 1_000): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(intervalMs);
    values.push(rssKb(pid));
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
