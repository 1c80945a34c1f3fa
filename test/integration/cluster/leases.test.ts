import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { redisLeases } from '../../../server/src/cluster/RedisLeases';
import { redisForFile } from '../../support/redisForFile';

// A periodic task run by one node per period (the no-show sweep), on a real redis-server: of the
// nodes asking within a period one runs it; once the period lapses (its holder gone or not) the
// next asker runs it; without Redis every node runs it rather than none.

const silent = pino({ level: 'silent' });
const redis = redisForFile();
const node = (id: string) => redisLeases(redis.connection(), id, silent);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one node per period', () => {
  it('runs the task on exactly one of the nodes asking within a period, then on whoever asks next', async () => {
    const nodes = ['a', 'b', 'c', 'd'].map(node);
    const ran: number[] = [];
    const name = `sweep-${Math.random()}`;
    const round = () =>
      Promise.all(nodes.map((run, i) => run(name, 400, async () => void ran.push(i))));
    expect((await round()).filter(Boolean)).toHaveLength(1);
    expect(ran).toHaveLength(1);
    // Still within the period: nobody runs it again.
    expect((await round()).filter(Boolean)).toHaveLength(0);
    await sleep(500);
    // The period lapsed (whatever became of its holder): one node runs it again.
    expect((await round()).filter(Boolean)).toHaveLength(1);
    expect(ran).toHaveLength(2);
  });

  it('runs the task on the asking node when Redis does not answer, rather than on none', async () => {
    const down = redis.unreachable();
    let ran = 0;
    const started = Date.now();
    expect(await redisLeases(down, 'x', silent)('sweep', 10_000, async () => void ran++)).toBe(
      true,
    );
    expect(ran).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
