import { describe, expect, it } from 'vitest';
import { PasswordHasher, type ScryptCost } from '../../../server/src/auth/PasswordHasher';

// A low cost keeps the suite fast; the format and the checks do not depend on it.
const LOW: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
const hasher = new PasswordHasher(LOW);

describe('PasswordHasher', () => {
  it('writes scrypt$N$r$p$salt$hash and verifies the same password only', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    const [scheme, N, r, p, salt, key, ...rest] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '1024', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(rest).toEqual([]);
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', stored)).toBe(false);
    expect(await hasher.verify('Correct horse battery staple', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('salts every hash: the same password twice gives two different hashes', async () => {
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(a).not.toBe(b);
    expect(await hasher.verify('same', a)).toBe(true);
    expect(await hasher.verify('same', b)).toBe(true);
  });

  it('matches a password typed with composed or decomposed accents', async () => {
    const composed = 'mot de passe épée'; // é as one code point
    const decomposed = 'mot de passe e\u0301pe\u0301e'; // e + combining acute accent
    expect(composed).not.toBe(decomposed);
    expect(await hasher.verify(decomposed, await hasher.hash(composed))).toBe(true);
  });

  it('verifies a hash made with another cost, and asks for it to be rehashed', async () => {
    const older = new PasswordHasher({ N: 2 ** 9, r: 8, p: 1 });
    const stored = await older.hash('pw');
    expect(await hasher.verify('pw', stored)).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
  });

  const salt = Buffer.alloc(16, 1).toString('base64url');
  const key = Buffer.alloc(32, 2).toString('base64url');
  it.each([
    ['empty', ''],
    ['another scheme', `bcrypt$1024$8$1$${salt}$${key}`],
    ['too few parts', `scrypt$1024$8$1$${salt}`],
    ['too many parts', `scrypt$1024$8$1$${salt}$${key}$x`],
    ['N not a power of two', `scrypt$1000$8$1$${salt}$${key}`],
    ['N absurdly large', `scrypt$${2 ** 24}$8$1$${salt}$${key}`],
    ['r zero', `scrypt$1024$0$1$${salt}$${key}`],
    ['p huge', `scrypt$1024$8$99$${salt}$${key}`],
    ['a non-numeric cost', `scrypt$abc$8$1$${salt}$${key}`],
    ['a negative cost', `scrypt$-1024$8$1$${salt}$${key}`],
    ['an empty salt', `scrypt$1024$8$1$$${key}`],
    ['a short key', `scrypt$1024$8$1$${salt}$AAAA`],
  ])('refuses a malformed stored hash (%s) without throwing', async (_case, stored) => {
    expect(await hasher.verify('anything', stored)).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(true);
  });

  it.each([
    ['N not a power of two', { N: 1000, r: 8, p: 1 }],
    ['r zero', { N: 1024, r: 0, p: 1 }],
    ['p fractional', { N: 1024, r: 8, p: 1.5 }],
  ])('refuses to be built with an invalid cost (%s)', (_case, cost) => {
    expect(() => new PasswordHasher(cost)).toThrow(/Invalid scrypt cost/);
  });
});
