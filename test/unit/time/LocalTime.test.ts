import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayOf,
  fromLocal,
  isValidTimeZone,
  localDay,
  localInstant,
  localParts,
  parseClock,
  startOfDay,
  timeOf,
} from '@visio/shared/time';

// Europe/Paris: UTC+1 in winter, UTC+2 in summer. In 2026 clocks go forward on Sunday 29 March
// (02:00 → 03:00) and back on Sunday 25 October (03:00 → 02:00).
const PARIS = 'Europe/Paris';
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('localParts', () => {
  it.each<[string, string, { weekday: number; hhmm: string; ymd: string }]>([
    ['winter', '2026-01-15T08:30:00Z', { weekday: 4, hhmm: '09:30', ymd: '2026-01-15' }],
    ['summer', '2026-07-15T08:30:00Z', { weekday: 3, hhmm: '10:30', ymd: '2026-07-15' }],
    [
      'UTC evening is already tomorrow',
      '2026-01-04T23:30:00Z',
      { weekday: 1, hhmm: '00:30', ymd: '2026-01-05' },
    ],
    [
      'just before the spring change',
      '2026-03-29T00:59:00Z',
      { weekday: 7, hhmm: '01:59', ymd: '2026-03-29' },
    ],
    [
      'just after the spring change',
      '2026-03-29T01:00:00Z',
      { weekday: 7, hhmm: '03:00', ymd: '2026-03-29' },
    ],
    [
      'first 02:30 of the autumn change',
      '2026-10-25T00:30:00Z',
      { weekday: 7, hhmm: '02:30', ymd: '2026-10-25' },
    ],
    [
      'second 02:30 of the autumn change',
      '2026-10-25T01:30:00Z',
      { weekday: 7, hhmm: '02:30', ymd: '2026-10-25' },
    ],
  ])('%s', (_what, iso, expected) => {
    const p = localParts(at(iso), PARIS);
    const hhmm = `${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
    const ymd = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    expect({ weekday: p.weekday, hhmm, ymd }).toEqual(expected);
  });

  it('says midnight is 0 minutes, not 24:00', () => {
    expect(localParts(at('2026-01-14T23:00:00Z'), PARIS).minutes).toBe(0);
  });
});

describe('fromLocal', () => {
  it.each<[string, [number, number, number, number], string]>([
    ['a winter morning', [2026, 1, 15, 9 * 60 + 30], '2026-01-15T08:30:00.000Z'],
    ['a summer morning', [2026, 7, 15, 9 * 60 + 30], '2026-07-15T07:30:00.000Z'],
    ['the spring-change day, after the change', [2026, 3, 29, 9 * 60], '2026-03-29T07:00:00.000Z'],
    ['the spring-change day, before the change', [2026, 3, 29, 60], '2026-03-29T00:00:00.000Z'],
    // 02:30 does not exist that night: it lands one hour later, at 03:30 summer time.
    ['a time skipped by the spring change', [2026, 3, 29, 150], '2026-03-29T01:30:00.000Z'],
    // 02:30 happens twice that night: the earlier one (still summer time) is meant.
    ['a time repeated by the autumn change', [2026, 10, 25, 150], '2026-10-25T00:30:00.000Z'],
  ])('%s', (_what, [y, m, d, minutes], iso) => {
    expect(fromLocal(y, m, d, minutes, PARIS).toISOString()).toBe(iso);
  });

  it('round-trips every quarter hour of an ordinary day', () => {
    for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
      const p = localParts(fromLocal(2026, 2, 10, minutes, PARIS), PARIS);
      expect([p.day, p.minutes]).toEqual([10, minutes]);
    }
  });
});

describe('localDay', () => {
  it.each<[string, string, string, string, number]>([
    [
      'an ordinary winter day',
      '2026-01-15T12:00:00Z',
      '2026-01-14T23:00:00.000Z',
      '2026-01-15T23:00:00.000Z',
      24,
    ],
    [
      'late evening UTC, already the next local day',
      '2026-07-15T22:30:00Z',
      '2026-07-15T22:00:00.000Z',
      '2026-07-16T22:00:00.000Z',
      24,
    ],
    [
      'the spring-change day is 23 hours long',
      '2026-03-29T12:00:00Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      23,
    ],
    [
      'the autumn-change day is 25 hours long',
      '2026-10-25T12:00:00Z',
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      25,
    ],
    [
      'the last day of a year',
      '2026-12-31T12:00:00Z',
      '2026-12-30T23:00:00.000Z',
      '2026-12-31T23:00:00.000Z',
      24,
    ],
  ])('%s', (_what, instant, start, end, hours) => {
    const day = localDay(at(instant), PARIS);
    expect([day.start.toISOString(), day.end.toISOString()]).toEqual([start, end]);
    expect((day.end.getTime() - day.start.getTime()) / HOUR).toBe(hours);
  });
});

describe('parseClock and time zones', () => {
  it.each<[string, number]>([
    ['00:00', 0],
    ['09:05', 545],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('reads %s as %i minutes', (text, minutes) => {
    expect(parseClock(text)).toBe(minutes);
  });

  it.each(['9:00', '24:01', '24:30', '25:00', '12:60', '12h00', '', ' 09:00'])(
    'refuses %j',
    (text) => {
      expect(parseClock(text)).toBeNaN();
    },
  );

  it('knows real time zones from made-up ones', () => {
    expect(isValidTimeZone(PARIS)).toBe(true);
    expect(isValidTimeZone('America/Cayenne')).toBe(true);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
  });
});

// What the scheduler's browser types and shows: days and times in the zone of the kiosk's site.
describe('days and times as typed in a form', () => {
  const CAYENNE = 'America/Cayenne'; // UTC−3 all year

  it.each<[string, string, string, string, string]>([
    ['a winter morning in Paris', '2026-01-15T08:30:00Z', PARIS, '2026-01-15', '09:30'],
    ['a summer morning in Paris', '2026-07-15T08:30:00Z', PARIS, '2026-07-15', '10:30'],
    [
      'UTC evening, already tomorrow in Paris',
      '2026-01-04T23:30:00Z',
      PARIS,
      '2026-01-05',
      '00:30',
    ],
    [
      'the same instant, still today in Cayenne',
      '2026-01-04T23:30:00Z',
      CAYENNE,
      '2026-01-04',
      '20:30',
    ],
  ])('shows %s', (_what, iso, zone, day, time) => {
    expect([dayOf(at(iso), zone), timeOf(at(iso), zone)]).toEqual([day, time]);
  });

  it.each<[string, string, string, string, string]>([
    ['a winter morning in Paris', '2026-01-15', '09:30', PARIS, '2026-01-15T08:30:00.000Z'],
    ['a summer morning in Paris', '2026-07-15', '09:30', PARIS, '2026-07-15T07:30:00.000Z'],
    ['a morning in Cayenne', '2026-01-15', '09:30', CAYENNE, '2026-01-15T12:30:00.000Z'],
    // The same answers as the server's for times a DST change skips or repeats.
    [
      'a time skipped by the spring change',
      '2026-03-29',
      '02:30',
      PARIS,
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'a time repeated by the autumn change',
      '2026-10-25',
      '02:30',
      PARIS,
      '2026-10-25T00:30:00.000Z',
    ],
    ['a time with seconds', '2026-01-15', '09:30:00', PARIS, '2026-01-15T08:30:00.000Z'],
  ])('reads %s', (_what, day, time, zone, iso) => {
    expect(localInstant(day, time, zone).toISOString()).toBe(iso);
  });

  it.each<[string, string]>([
    ['2026-02-30', '09:00'],
    ['15/01/2026', '09:00'],
    ['2026-01-15', ''],
    ['2026-01-15', '25:00'],
    ['2026-01-15', '9h30'],
  ])('gives an invalid date for %j %j', (day, time) => {
    expect(localInstant(day, time, PARIS).getTime()).toBeNaN();
  });

  it.each<[string, string, string, string]>([
    ['an ordinary day', '2026-01-15', PARIS, '2026-01-14T23:00:00.000Z'],
    ['the spring-change day', '2026-03-29', PARIS, '2026-03-28T23:00:00.000Z'],
    ['the autumn-change day', '2026-10-25', PARIS, '2026-10-24T22:00:00.000Z'],
    // Chile moves its clocks at midnight: 6 September 2026 starts at 01:00 (UTC−3).
    [
      'a day whose midnight is skipped',
      '2026-09-06',
      'America/Santiago',
      '2026-09-06T04:00:00.000Z',
    ],
  ])('starts %s at its first instant', (_what, day, zone, iso) => {
    expect(startOfDay(day, zone).toISOString()).toBe(iso);
  });

  it.each<[string, number, string]>([
    ['2026-03-31', 1, '2026-04-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-28', 2, '2026-03-30'],
    ['not a day', 1, 'not a day'],
  ])('counts %s %+i day(s) as %s', (day, days, expected) => {
    expect(addDays(day, days)).toBe(expected);
  });
});
