import fs from 'node:fs';
import { processCpuMs } from '../../server/src/media/processCpu';

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const ms = processCpuMs(pid);
  if (ms === null) throw new Error(`no CPU time for process ${pid} in /proc`);
  return ms;
}

/** Resident set size in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Busy and total jiffies of one CPU so far, from /proc/stat (everything but idle and iowait). */
export function cpuJiffies(cpu: number): { busy: number; total: number } {
  const line = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) throw new Error(`no cpu${cpu} in /proc/stat`);
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - v[3]! - v[4]!, total };
}

/** Pins a running process (all its threads) to one CPU. */
export function pinnedArgs(pid: number, cpu: number): string[] {
  return ['-a', '-p', '-c', String(cpu), String(pid)];
}
