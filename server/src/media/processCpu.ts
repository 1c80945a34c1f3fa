import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/**
 * CPU time (user + system, ms) process `pid` has used so far, from /proc/<pid>/stat; null where
 * there is no /proc (not Linux) or the process is gone. Read without asking the process: it
 * answers for a worker too busy, or too stopped, to answer anything.
 */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm may hold spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / CLK_TCK : null;
}

/**
 * Whether a worker that left a probe unanswered was busy rather than hung: its CPU time went on
 * while the probe waited, at least half of one core's worth (a stopped or deadlocked process
 * uses none). Null readings (no /proc) say nothing: not busy.
 */
export function busyWhileUnanswered(
  cpuBeforeMs: number | null,
  cpuAfterMs: number | null,
  waitedMs: number,
): boolean {
  if (cpuBeforeMs === null || cpuAfterMs === null || waitedMs <= 0) return false;
  return cpuAfterMs - cpuBeforeMs >= 0.5 * waitedMs;
}
