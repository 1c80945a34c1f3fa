import { isIPv6 } from 'node:net';

export interface AttemptRule {
  /** Failures allowed inside the window; the next attempt is refused. */
  max: number;
  windowMs: number;
}

/** Keys tracked at most, so that a flood of distinct keys cannot grow memory without bound. */
const DEFAULT_MAX_KEYS = 100_000;

/**
 * Counts failures per key (an address, an address and a login…) in a sliding window and refuses
 * further attempts once `max` failures fall inside it, saying how long to wait. In memory: one
 * server node; a restart forgives everyone, which costs an attacker a restart they cannot cause.
 */
export class AttemptLimiter {
  /** key → times of the most recent failures, oldest first, at most `max` of them. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly rule: AttemptRule,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!(rule.max >= 1 && rule.windowMs > 0)) throw new Error('Invalid attempt rule');
  }

  /** 0 when an attempt under `key` may go ahead, else the whole seconds to wait. */
  retryAfterSeconds(key: string): number {
    const times = this.recent(key);
    if (times.length < this.rule.max) return 0;
    const oldest = times[times.length - this.rule.max] as number;
    return Math.max(1, Math.ceil((oldest + this.rule.windowMs - this.now()) / 1000));
  }

  recordFailure(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    if (times.length > this.rule.max) times.splice(0, times.length - this.rule.max);
    this.failures.delete(key); // re-insert: the map's order is then least recently failed first
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) this.shed();
  }

  /** Forgets `key`'s failures (e.g. after a successful login from that address and login). */
  reset(key: string): void {
    this.failures.delete(key);
  }

  get trackedKeys(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const since = this.now() - this.rule.windowMs;
    const firstRecent = times.findIndex((t) => t > since);
    if (firstRecent === -1) {
      this.failures.delete(key);
      return [];
    }
    if (firstRecent > 0) times.splice(0, firstRecent);
    return times;
  }

  /**
   * Drops the least recently failing keys (the map keeps that order): O(1) per failure, and the
   * keys dropped are the likeliest to have left their window anyway.
   */
  private shed(): void {
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}

/**
 * Failures counted per key for one named limit, wherever they are kept: in this process
 * (`localAttemptCounters`, one node) or in the Redis shared by the nodes (the cluster module's),
 * so that failures on one node count on every other. Same sliding window either way.
 */
export interface AttemptCounter {
  readonly rule: AttemptRule;
  /** 0 when an attempt under `key` may go ahead, else the whole seconds to wait. */
  retryAfterSeconds(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/** Makes the counter of the limit `name` (e.g. `login`), with the server's clock. */
export type AttemptCounters = (
  name: string,
  rule: AttemptRule,
  now: () => number,
) => AttemptCounter;

/** Counters in this process's memory (an AttemptLimiter each): one node. */
export const localAttemptCounters: AttemptCounters = (_name, rule, now) => {
  const limiter = new AttemptLimiter(rule, now);
  return {
    rule,
    retryAfterSeconds: (key) => Promise.resolve(limiter.retryAfterSeconds(key)),
    recordFailure: (key) => Promise.resolve(limiter.recordFailure(key)),
    reset: (key) => Promise.resolve(limiter.reset(key)),
  };
};

/**
 * The part of a client address that one party controls: the whole IPv4 address, but an IPv6 /64,
 * since one household or server gets a /64 and could otherwise rotate through 2^64 addresses.
 */
export function clientNetwork(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mappedV4) return mappedV4[1] as string;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::') as [string, string?];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
