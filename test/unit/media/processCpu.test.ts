import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { busyWhileUnanswered, processCpuMs } from '../../../server/src/media/processCpu';

// How the health probe tells a saturated worker (CPU time going on) from a hung one (none): on
// real processes, a child spinning on a core, then the same child stopped.

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the probe does: CPU time before and after waiting `ms`. */
async function judged(pid: number, ms: number): Promise<boolean> {
  const before = processCpuMs(pid);
  const at = performance.now();
  await sleep(ms);
  return busyWhileUnanswered(before, processCpuMs(pid), performance.now() - at);
}

describe('processCpuMs and busyWhileUnanswered', () => {
  it('finds a spinning process busy, and the same process stopped not busy', async () => {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    children.push(child);
    await sleep(200);
    expect(await judged(child.pid!, 600)).toBe(true);
    child.kill('SIGSTOP');
    await sleep(50);
    expect(await judged(child.pid!, 600)).toBe(false);
    child.kill('SIGCONT');
  });

  it('says nothing of a process that is gone, and nothing without readings', () => {
    expect(processCpuMs(2 ** 22 + 12_345)).toBeNull();
    expect(busyWhileUnanswered(null, 500, 500)).toBe(false);
    expect(busyWhileUnanswered(100, null, 500)).toBe(false);
    expect(busyWhileUnanswered(100, 400, 500)).toBe(true);
    expect(busyWhileUnanswered(100, 300, 500)).toBe(false);
  });
});
