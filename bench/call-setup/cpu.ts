import fs from 'node:fs';

/** CPU time (ms) used so far by this process and its descendants, by kind (Linux /proc). */
export interface CpuSnapshot {
  /** Chromium and its helper processes (renderers, GPU, capture, audio, network). */
  browser: number;
  /** mediasoup-worker processes. */
  worker: number;
  /** This Node process: the server and the benchmark driver. */
  node: number;
}

const CLK_TCK = 100; // USER_HZ on Linux

/** null where /proc is not available; then CPU columns are left out. */
export function cpuSnapshot(): CpuSnapshot | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const procs = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid … utime(14) stime(15): comm may contain spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      procs.set(Number(entry), {
        ppid: Number(fields[1]),
        comm,
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended while we were reading.
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(pid);
    children.set(p.ppid, list);
  }
  const usage = process.cpuUsage();
  const out: CpuSnapshot = { browser: 0, worker: 0, node: (usage.user + usage.system) / 1000 };
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    const p = procs.get(pid)!;
    stack.push(...(children.get(pid) ?? []));
    const ms = (p.ticks * 1000) / CLK_TCK;
    if (p.comm.startsWith('mediasoup-work')) out.worker += ms;
    else if (p.comm.includes('chrom') || p.comm.includes('headless')) out.browser += ms;
  }
  return out;
}

export function cpuDelta(
  before: CpuSnapshot | null,
  after: CpuSnapshot | null,
): CpuSnapshot | null {
  if (!before || !after) return null;
  return {
    browser: after.browser - before.browser,
    worker: after.worker - before.worker,
    node: after.node - before.node,
  };
}
