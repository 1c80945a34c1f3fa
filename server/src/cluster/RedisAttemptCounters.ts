import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  localAttemptCounters,
  type AttemptCounter,
  type AttemptCounters,
  type AttemptRule,
} from '../auth/AttemptLimiter';
import { withTimeout } from './withTimeout';

/**
 * Both scripts start the same way: KEYS[1] is the limit's key; ARGV: now, windowMs, max; the
 * failures out of the window are dropped.
 */
const IN_WINDOW = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
`;

/**
 * A failure at `now` (ARGV[4]: a unique member): adds it, keeps the last `max`, and lets the key
 * expire with its window.
 */
const RECORD = `${IN_WINDOW}
redis.call('ZADD', key, now, ARGV[4])
local n = redis.call('ZCARD', key)
if n > max then redis.call('ZREMRANGEBYRANK', key, 0, n - max - 1) end
redis.call('PEXPIRE', key, window)
return n
`;

/**
 * The wait before the next attempt, in ms (0: it may go ahead): once `max` failures fall inside
 * the window, until the oldest of the last `max` leaves it.
 */
const WAIT = `${IN_WINDOW}
local n = redis.call('ZCARD', key)
if n < max then return 0 end
local oldest = redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** A Redis that does not answer within this is not waited for: this node counts alone. */
const ANSWER_WITHIN_MS = 500;
const WARN_EVERY_MS = 10_000;

type Scripted = Redis & {
  visioAttemptRecord(
    key: string,
    now: number,
    window: number,
    max: number,
    member: string,
  ): Promise<number>;
  visioAttemptWait(key: string, now: number, window: number, max: number): Promise<number>;
};

/**
 * Attempt counters in the Redis the nodes share: a sorted set of failure times per limit and key,
 * each change one Lua script (atomic, whichever node runs it), keys expiring with their window.
 * The same sliding window as the in-memory limiter. Keys are hashed: no login or address is
 * stored in Redis in clear. When Redis does not answer in time, the node falls back to counting
 * in its own memory (a node alone still limits) and says so in its log.
 */
export function redisAttemptCounters(redis: Redis, logger: Logger): AttemptCounters {
  const scripted = redis as Scripted;
  if (typeof scripted.visioAttemptRecord !== 'function') {
    redis.defineCommand('visioAttemptRecord', { numberOfKeys: 1, lua: RECORD });
    redis.defineCommand('visioAttemptWait', { numberOfKeys: 1, lua: WAIT });
  }
  let lastWarnAt = 0;
  const warn = (err: unknown) => {
    if (Date.now() - lastWarnAt < WARN_EVERY_MS) return;
    lastWarnAt = Date.now();
    logger.warn({ err: String(err) }, 'Redis did not answer for attempt limits: counting locally');
  };
  return (name: string, rule: AttemptRule, now: () => number): AttemptCounter => {
    const local = localAttemptCounters(name, rule, now);
    const keyOf = (key: string) =>
      `visio:attempts:${name}:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
    const orLocal = async <T>(shared: () => Promise<T>, alone: () => Promise<T>): Promise<T> => {
      try {
        return await withTimeout(
          shared(),
          ANSWER_WITHIN_MS,
          () => `no answer within ${ANSWER_WITHIN_MS} ms`,
        );
      } catch (err) {
        warn(err);
        return alone();
      }
    };
    return {
      rule,
      // Failures counted locally while Redis was away count too, until their window ends.
      retryAfterSeconds: async (key) =>
        Math.max(
          await orLocal(
            async () => {
              const ms = await scripted.visioAttemptWait(
                keyOf(key),
                now(),
                rule.windowMs,
                rule.max,
              );
              return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
            },
            () => Promise.resolve(0),
          ),
          await local.retryAfterSeconds(key),
        ),
      recordFailure: (key) =>
        orLocal(
          async () => {
            const at = now();
            const member = `${at}:${randomBytes(6).toString('hex')}`;
            await scripted.visioAttemptRecord(keyOf(key), at, rule.windowMs, rule.max, member);
          },
          () => local.recordFailure(key),
        ),
      reset: async (key) => {
        await local.reset(key);
        await orLocal(
          async () => {
            await redis.del(keyOf(key));
          },
          () => Promise.resolve(),
        );
      },
    };
  };
}
