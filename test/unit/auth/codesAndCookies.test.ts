import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE_NAME as SESSION_COOKIE } from '@visio/shared/protocol';
import { normalizeEnrolmentCode } from '../../../server/src/auth/KioskEnrolment';
import { normalizeLogin } from '../../../server/src/auth/StaffAccounts';
import { sessionTokenInCookie } from '../../../server/src/signalling/authenticateSocket';

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

describe('sessionTokenInCookie (a socket handshake’s Cookie header)', () => {
  const token = 'a'.repeat(43);
  it.each([
    ['no header', undefined, undefined],
    ['only the session', `${SESSION_COOKIE}=${token}`, token],
    ['among others', `theme=dark; ${SESSION_COOKIE}=${token}; lang=fr`, token],
    ['a cookie whose name ends alike', `x${SESSION_COOKIE}=${token}`, undefined],
    ['an empty value', `${SESSION_COOKIE}=`, undefined],
    ['a pair without a value', `${SESSION_COOKIE}`, undefined],
    ['twice: the first one counts', `${SESSION_COOKIE}=${token}; ${SESSION_COOKIE}=other`, token],
  ])('%s', (_case, header, expected) => {
    expect(sessionTokenInCookie(header)).toBe(expected);
  });
});
