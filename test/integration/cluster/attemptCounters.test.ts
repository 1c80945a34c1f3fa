import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localAttemptCounters,
  type AttemptCounters,
} from '../../../server/src/auth/AttemptLimiter';
import { LOGIN_LIMITS } from '../../../server/src/auth/SessionService';
import { redisAttemptCounters } from '../../../server/src/cluster/RedisAttemptCounters';
import { redisForFile } from '../../support/redisForFile';
import { api } from '../../support/appointments';
import { startTestServer, type TestServer } from '../../support/testServer';

// Attempt limits (failed sign-ins, enrolment codes) counted in this process or in the Redis the
// nodes share (Debian's redis-server, started for the file): the same sliding window either way,
// and with Redis, failures on one node count on the others.

const RULE = { max: 3, windowMs: 60_000 };
const silent = pino({ level: 'silent' });

const redis = redisForFile();
const connection = () => redis.connection();

const implementations: [string, () => AttemptCounters][] = [
  ['in memory', () => localAttemptCounters],
  ['in Redis', () => redisAttemptCounters(connection(), silent)],
];

describe.each(implementations)('attempt counters %s', (_name, make) => {
  it('refuses once max failures fall in the window, says how long to wait, and lets the window slide', async () => {
    let now = 1_000_000;
    const counter = make()(`test-${Math.random()}`, RULE, () => now);
    for (let i = 0; i < RULE.max; i++) {
      expect(await counter.retryAfterSeconds('203.0.113.7')).toBe(0);
      await counter.recordFailure('203.0.113.7');
      now += 10_000;
    }
    // Failures at 0, 10 and 20 s; now 30 s: the first leaves the window at 60 s.
    expect(await counter.retryAfterSeconds('203.0.113.7')).toBe(30);
    expect(await counter.retryAfterSeconds('198.51.100.1')).toBe(0);
    now += 29_500;
    expect(await counter.retryAfterSeconds('203.0.113.7')).toBe(1);
    now += 500;
    expect(await counter.retryAfterSeconds('203.0.113.7')).toBe(0);
    // One more failure: the last three (10, 20, 60 s) are in the window again.
    await counter.recordFailure('203.0.113.7');
    expect(await counter.retryAfterSeconds('203.0.113.7')).toBe(10);
  });

  it('forgets a key on reset, and keeps the limits of two names apart', async () => {
    const now = () => 5_000_000;
    const name = `test-${Math.random()}`;
    const counter = make()(name, RULE, now);
    const other = make()(`${name}-other`, RULE, now);
    for (let i = 0; i < RULE.max; i++) await counter.recordFailure('k');
    expect(await counter.retryAfterSeconds('k')).toBeGreaterThan(0);
    expect(await other.retryAfterSeconds('k')).toBe(0);
    await counter.reset('k');
    expect(await counter.retryAfterSeconds('k')).toBe(0);
  });
});

describe('attempt counters in Redis', () => {
  it('count the failures of every node, under hashed keys that expire with their window', async () => {
    const now = () => Date.now();
    const name = `login-${Math.random()}`;
    const nodeA = redisAttemptCounters(connection(), silent)(name, RULE, now);
    const nodeB = redisAttemptCounters(connection(), silent)(name, RULE, now);
    await nodeA.recordFailure('one@192.0.2.1');
    await nodeB.recordFailure('one@192.0.2.1');
    expect(await nodeB.retryAfterSeconds('one@192.0.2.1')).toBe(0);
    await nodeA.recordFailure('one@192.0.2.1');
    expect(await nodeB.retryAfterSeconds('one@192.0.2.1')).toBeGreaterThan(55);
    const keys = await connection().keys(`visio:attempts:${name}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('192.0.2.1');
    const ttl = await connection().pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RULE.windowMs);
  });

  it('counts in the node’s own memory, without failing, while Redis does not answer', async () => {
    const down = redis.unreachable();
    const counter = redisAttemptCounters(down, silent)('login', RULE, Date.now);
    const started = Date.now();
    for (let i = 0; i < RULE.max; i++) await counter.recordFailure('k');
    expect(await counter.retryAfterSeconds('k')).toBeGreaterThan(55);
    // Each answer waited at most its bound (0.5 s), not for Redis.
    expect(Date.now() - started).toBeLessThan(5 * 1_000);
  });
});

describe('two nodes sharing Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const shared = { REDIS_URL: redis.url, SERVER_SECRET: randomBytes(32).toString('hex') };
    a = await startTestServer({ ...shared, NODE_ID: 'node-a' });
    b = await startTestServer({ ...shared, NODE_ID: 'node-b' });
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('lock a login on node B after the wrong passwords tried on node A', async () => {
    const login = (t: TestServer, password: string) =>
      api(t, 'POST', '/api/auth/login', { body: { login: 'one', password } });
    for (let i = 0; i < LOGIN_LIMITS.perLogin.max; i++)
      expect((await login(a, `wrong-${i}`)).status).toBe(401);
    const onB = await login(b, 'test-password');
    expect(onB.status).toBe(429);
    expect(onB.body).toMatchObject({
      error: { code: 'RATE_LIMITED', reason: 'too_many_attempts' },
    });
  });
});
