import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost: N (CPU/memory, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * 32 MiB and ~0.15 s per hash on a small two-core server: costly for an attacker with a stolen
 * table, affordable for logins (which are rate limited before any hashing). Raise it here; stored hashes made
 * with a lower cost are upgraded at the next successful login (`needsRehash`).
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on a stored cost: a corrupted or hostile row must not make one check eat the machine. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

/**
 * Password hashes in the self-describing form `scrypt$N$r$p$salt$hash` (base64url salt and hash),
 * so the cost can be raised without invalidating existing passwords.
 */
export class PasswordHasher {
  constructor(readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {
    if (!isValidCost(cost)) throw new Error('Invalid scrypt cost');
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, KEY_BYTES, this.cost);
    const { N, r, p } = this.cost;
    return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Whether `password` matches `stored`; false (never a throw) for a malformed stored hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.key.length, parsed.cost);
    return timingSafeEqual(key, parsed.key);
  }

  /** True when `stored` was made with another cost (or is unreadable): hash again after login. */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (!parsed) return true;
    const { N, r, p } = parsed.cost;
    return N !== this.cost.N || r !== this.cost.r || p !== this.cost.p;
  }
}

function derive(password: string, salt: Buffer, keyLength: number, cost: ScryptCost) {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128·N·r bytes; Node refuses above `maxmem` (32 MiB by default).
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  };
  // NFKC: the same password typed on two keyboards (composed or decomposed accents) matches.
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function parse(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((n) => (/^\d{1,8}$/.test(n) ? Number(n) : NaN)) as [
    number,
    number,
    number,
  ];
  const cost = { N, r, p };
  if (!isValidCost(cost)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { cost, salt, key };
}

function isValidCost({ N, r, p }: ScryptCost): boolean {
  const isPowerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  return (
    isPowerOfTwo &&
    N <= MAX_N &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= MAX_R &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= MAX_P
  );
}
