import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withTimeout } from './withTimeout';

/** A Redis that does not answer within this is not waited for: this node acts alone. */
const ANSWER_WITHIN_MS = 500;

/**
 * Runs `task` on one node per period: the node that takes the lease `visio:lease:<name>`
 * (`SET NX PX periodMs`) runs it; the others, asking within the period, skip it. The lease is not
 * released after the run: it lapses by itself at the end of the period, so a holder that dies
 * costs at most one period, after which any live node takes it. For tasks that are safe to run
 * twice (a sweep whose writes are conditional), which is what happens when Redis does not answer:
 * every node then runs it, rather than none.
 */
export type RunOncePerPeriod = (
  name: string,
  periodMs: number,
  task: () => Promise<void>,
) => Promise<boolean>;

export function redisLeases(redis: Redis, nodeId: string, logger: Logger): RunOncePerPeriod {
  return async (name, periodMs, task) => {
    let taken: boolean;
    try {
      const token = `${nodeId}:${randomBytes(6).toString('hex')}`;
      const answer = await withTimeout(
        redis.set(`visio:lease:${name}`, token, 'PX', Math.max(1, Math.round(periodMs)), 'NX'),
        ANSWER_WITHIN_MS,
        () => `no answer within ${ANSWER_WITHIN_MS} ms`,
      );
      taken = answer === 'OK';
    } catch (err) {
      logger.warn(
        { err: String(err), lease: name },
        'Redis did not answer for a lease: acting alone',
      );
      taken = true;
    }
    if (taken) await task();
    return taken;
  };
}
