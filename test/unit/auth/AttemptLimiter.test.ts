import { describe, expect, it } from 'vitest';
import { AttemptLimiter, clientNetwork } from '../../../server/src/auth/AttemptLimiter';

const MINUTE = 60_000;

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

type Step = ['fail', number] | ['wait', number] | ['expect', number] | ['reset'];

describe('AttemptLimiter (5 failures per 15 minutes)', () => {
  // Each scenario: a series of steps on one key, checking `retryAfterSeconds` along the way.
  const scenarios: [string, Step[]][] = [
    [
      'allows the first attempts',
      [
        ['expect', 0],
        ['fail', 4],
        ['expect', 0],
      ],
    ],
    [
      'refuses after the fifth failure, for the whole window',
      [
        ['fail', 5],
        ['expect', 900],
      ],
    ],
    [
      'counts down the wait',
      [
        ['fail', 5],
        ['wait', 10 * MINUTE],
        ['expect', 300],
        ['wait', 5 * MINUTE - 1000],
        ['expect', 1],
      ],
    ],
    [
      'allows again once the window has passed',
      [
        ['fail', 5],
        ['wait', 15 * MINUTE],
        ['expect', 0],
      ],
    ],
    [
      'slides: old failures leave the window one by one',
      [
        ['fail', 3],
        ['wait', 10 * MINUTE],
        ['fail', 2],
        ['expect', 300], // the first three leave in 5 minutes
        ['wait', 5 * MINUTE],
        ['expect', 0], // only the last two remain
        ['fail', 3],
        ['expect', 600], // oldest remaining failure is 5 minutes old
      ],
    ],
    [
      'forgets everything on reset',
      [['fail', 5], ['reset'], ['expect', 0], ['fail', 4], ['expect', 0]],
    ],
    [
      'never answers less than one second',
      [
        ['fail', 5],
        ['wait', 15 * MINUTE - 1],
        ['expect', 1],
      ],
    ],
  ];

  it.each(scenarios)('%s', (_name, steps) => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({ max: 5, windowMs: 15 * MINUTE }, clock.now);
    for (const step of steps) {
      if (step[0] === 'fail') for (let i = 0; i < step[1]; i++) limiter.recordFailure('k');
      else if (step[0] === 'wait') clock.advance(step[1]);
      else if (step[0] === 'reset') limiter.reset('k');
      else expect(limiter.retryAfterSeconds('k')).toBe(step[1]);
    }
  });

  it('keeps keys apart', () => {
    const limiter = new AttemptLimiter({ max: 2, windowMs: MINUTE }, fakeClock().now);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
  });

  it('bounds its memory, dropping the least recently failing keys first', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({ max: 1, windowMs: MINUTE }, clock.now, 3);
    for (const key of ['a', 'b', 'c', 'd']) {
      limiter.recordFailure(key);
      clock.advance(1);
    }
    expect(limiter.trackedKeys).toBe(3);
    expect(limiter.retryAfterSeconds('a')).toBe(0); // dropped
    expect(limiter.retryAfterSeconds('d')).toBe(60);
  });

  it('forgets keys whose failures left the window', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter({ max: 3, windowMs: MINUTE }, clock.now);
    limiter.recordFailure('a');
    clock.advance(MINUTE);
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    expect(limiter.trackedKeys).toBe(0);
  });

  it.each([
    { max: 0, windowMs: MINUTE },
    { max: 5, windowMs: 0 },
  ])('refuses a rule that cannot work (%o)', (rule) => {
    expect(() => new AttemptLimiter(rule)).toThrow(/Invalid attempt rule/);
  });
});

describe('clientNetwork', () => {
  it.each([
    ['an IPv4 address as is', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address as IPv4', '::ffff:203.0.113.7', '203.0.113.7'],
    ['a full IPv6 address as its /64', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['a compressed IPv6 address as its /64', '2001:db8::1', '2001:db8:0:0::/64'],
    ['IPv6 with leading zeros', '2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['loopback IPv6', '::1', '0:0:0:0::/64'],
    ['a scoped link-local address', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['no address', undefined, 'unknown'],
  ])('keys %s', (_case, ip, expected) => {
    expect(clientNetwork(ip)).toBe(expected);
  });

  it('puts two addresses of one /64 under one key, and of two /64s under two', () => {
    expect(clientNetwork('2001:db8:1:2::a')).toBe(clientNetwork('2001:db8:1:2:ffff::b'));
    expect(clientNetwork('2001:db8:1:2::a')).not.toBe(clientNetwork('2001:db8:1:3::a'));
  });
});
