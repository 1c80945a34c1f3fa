import { describe, expect, it } from 'vitest';
import { readSessionCookie, SESSION_COOKIE } from '../../../server/src/auth/AuthModule';
import { normalizeEnrolmentCode } from '../../../server/src/auth/KioskEnrolment';
import { normalizeLogin } from '../../../server/src/auth/StaffAccounts';

describe('normalizeEnrolmentCode', () => {
  it.each([
    ['as issued', 'ABCD2345', 'ABCD2345'],
    ['lower case', 'abcd2345', 'ABCD2345'],
    ['with a dash and spaces', ' abcd-2345 ', 'ABCD2345'],
    ['too short', 'ABCD234', undefined],
    ['too long', 'ABCD23456', undefined],
    ['with an ambiguous 0', 'ABCD2340', undefined],
    ['with an ambiguous O', 'ABCD234O', undefined],
    ['with an ambiguous 1', 'ABCD2341', undefined],
    ['with an ambiguous I', 'ABCD234I', undefined],
    ['with other symbols', 'ABCD23$5', undefined],
    ['empty', '', undefined],
  ])('%s', (_case, input, expected) => {
    expect(normalizeEnrolmentCode(input)).toBe(expected);
  });
});

describe('normalizeLogin', () => {
  it.each([
    ['c.martin', 'c.martin'],
    ['  C.Martin ', 'c.martin'],
    ['CAMILLE', 'camille'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeLogin(input)).toBe(expected);
  });
});

describe('readSessionCookie', () => {
  const token = 'a'.repeat(43);
  it.each([
    ['no header', undefined, undefined],
    ['only the session', `${SESSION_COOKIE}=${token}`, token],
    ['among others', `theme=dark; ${SESSION_COOKIE}=${token}; lang=fr`, token],
    ['a cookie whose name ends alike', `x${SESSION_COOKIE}=${token}`, undefined],
    ['an empty value', `${SESSION_COOKIE}=`, undefined],
    ['a pair without a value', `${SESSION_COOKIE}`, undefined],
  ])('%s', (_case, header, expected) => {
    expect(readSessionCookie(header)).toBe(expected);
  });
});
