/**
 * Where a benchmark server's CPU time goes, from a profile written by a run with BENCH_CPU_PROF:
 *
 *   BENCH_CPU_PROF=/tmp/prof npm run bench:signalling
 *   node --import tsx bench/signalling/profile.ts /tmp/prof/server-checkins.cpuprofile [top]
 *
 * Prints the busy time, the top functions by self time, and the project's own functions
 * (server/src, shared/src) by inclusive time.
 */
import fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx bench/signalling/profile.ts <file.cpuprofile> [top]');
  process.exit(1);
}
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (f: CallFrame) => {
  const where = f.url.includes('/node_modules/')
    ? f.url.slice(f.url.lastIndexOf('/node_modules/') + 14)
    : f.url.replace(/^file:\/\/.*?\/(server|shared)\/src\//, '$1/src/');
  return `${f.functionName || '(anonymous)'} ${where ? `${where}:${f.lineNumber + 1}` : ''}`.trim();
};
const isProject = (f: CallFrame) => /\/(server|shared)\/src\//.test(f.url);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i]! / 1000;
  const leaf = nodes.get(profile.samples[i]!)!;
  total += dt;
  if (leaf.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  const key = label(leaf.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const frame = nodes.get(id)!.callFrame;
    if (!isProject(frame)) continue;
    const k = label(frame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
}
const busy = total - idle;
console.log(
  `${file}: ${(total / 1000).toFixed(1)} s sampled, busy ${(busy / 1000).toFixed(2)} s (${((busy / total) * 100).toFixed(0)} % of a core)`,
);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `  ${ms.toFixed(0).padStart(7)} ms ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${k}`,
    );
};
print('self time (top functions), % of busy time:', self);
print('inclusive time of server/src and shared/src functions, % of busy time:', inclusive);
