import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CheckInCodes } from '../../../server/src/scheduling/CheckInCodes';

describe('CheckInCodes', () => {
  const codes = new CheckInCodes(randomBytes(32));

  it('generates six-digit codes, leading zeros kept, spread over the whole range', () => {
    const many = Array.from({ length: 2000 }, () => codes.generate());
    for (const code of many) expect(code).toMatch(/^\d{6}$/);
    // 2000 draws from a million: collisions are rare, and low and high codes both occur.
    expect(new Set(many).size).toBeGreaterThan(1990);
    expect(many.some((c) => c.startsWith('0'))).toBe(true);
    expect(many.some((c) => c >= '500000')).toBe(true);
  });

  it('accepts the code of its own appointment', () => {
    const id = randomUUID();
    const hash = codes.hash(id, '042137');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('042137');
    expect(codes.matches(id, '042137', hash)).toBe(true);
  });

  it('refuses a wrong code, including a near miss', () => {
    const id = randomUUID();
    const hash = codes.hash(id, '042137');
    for (const wrong of ['042138', '42137', '0421370', '000000', ''])
      expect(codes.matches(id, wrong, hash), wrong).toBe(false);
  });

  it('binds the hash to the appointment: the same code does not open another appointment', () => {
    const a = randomUUID();
    const b = randomUUID();
    expect(codes.hash(a, '123456')).not.toBe(codes.hash(b, '123456'));
    expect(codes.matches(b, '123456', codes.hash(a, '123456'))).toBe(false);
  });

  it('depends on the server secret: a copied database is no use with another secret', () => {
    const id = randomUUID();
    const other = new CheckInCodes(randomBytes(32));
    expect(other.matches(id, '123456', codes.hash(id, '123456'))).toBe(false);
  });

  it('refuses malformed stored hashes without throwing', () => {
    const id = randomUUID();
    for (const stored of ['', 'abc', 'zz'.repeat(32), codes.hash(id, '123456').slice(0, 62)])
      expect(codes.matches(id, '123456', stored)).toBe(false);
  });
});
