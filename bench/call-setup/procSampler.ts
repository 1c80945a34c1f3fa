import fs from 'node:fs';

/**
 * Diagnostic only (BENCH_MEDIA_PROBE=1): CPU time per Chromium process (by its --type and
 * sub-type), the mediasoup worker and this Node process, between start() and stop().
 */
export class ProcSampler {
  private before = new Map<number, number>();

  start(): void {
    this.before = ticks();
  }

  stop(): Record<string, number> {
    const after = ticks();
    const out: Record<string, number> = {};
    for (const [pid, t] of after) {
      const d = ((t - (this.before.get(pid) ?? t)) * 1000) / 100;
      if (d <= 0) continue;
      const label = labelOf(pid);
      out[label] = (out[label] ?? 0) + d;
    }
    return out;
  }
}

function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = [process.pid];
  for (let i = 0; i < out.length; i++)
    for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

function ticks(): Map<number, number> {
  const m = new Map<number, number>();
  for (const pid of descendants()) {
    try {
      const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      m.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      /* gone */
    }
  }
  return m;
}

const labels = new Map<number, string>();
function labelOf(pid: number): string {
  let l = labels.get(pid);
  if (l) return l;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    if (pid === process.pid) l = 'node';
    else if (cmd[0]?.includes('mediasoup')) l = 'mediasoup-worker';
    else {
      const type = cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
      const sub = cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
      l = sub
        ? `${type}:${sub.split('.').slice(-1)[0]}`
        : type === 'renderer'
          ? `renderer ${pid}`
          : type;
    }
  } catch {
    l = `pid ${pid}`;
  }
  labels.set(pid, l);
  return l;
}
