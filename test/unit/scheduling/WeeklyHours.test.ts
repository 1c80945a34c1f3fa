import { describe, expect, it } from 'vitest';
import {
  fitsWithin,
  isOpenAt,
  parseWeeklyHours,
  WeeklyHoursSchema,
  type WeeklyHours,
} from '../../../server/src/scheduling/WeeklyHours';

// Europe/Paris: UTC+1 in winter, UTC+2 in summer. In 2026 clocks go forward on Sunday 29 March
// (02:00 → 03:00) and back on Sunday 25 October (03:00 → 02:00).
const PARIS = 'Europe/Paris';
const at = (iso: string) => new Date(iso);

describe('WeeklyHours', () => {
  // Monday to Friday 09:00–12:00 and 14:00–17:00, Saturday morning; closed on Sunday.
  const hours: WeeklyHours = {
    '1': [
      ['09:00', '12:00'],
      ['14:00', '17:00'],
    ],
    '2': [
      ['09:00', '12:00'],
      ['14:00', '17:00'],
    ],
    '3': [
      ['09:00', '12:00'],
      ['14:00', '17:00'],
    ],
    '4': [
      ['09:00', '12:00'],
      ['14:00', '17:00'],
    ],
    '5': [
      ['09:00', '12:00'],
      ['14:00', '17:00'],
    ],
    '6': [['09:00', '12:00']],
  };

  describe('isOpenAt (local time, start included, end excluded)', () => {
    it.each<[string, string, boolean]>([
      ['Monday 08:59 (winter)', '2026-01-12T07:59:00Z', false],
      ['Monday 09:00 (winter)', '2026-01-12T08:00:00Z', true],
      ['Monday 11:59', '2026-01-12T10:59:00Z', true],
      ['Monday 12:00, lunch break', '2026-01-12T11:00:00Z', false],
      ['Monday 14:00', '2026-01-12T13:00:00Z', true],
      ['Monday 17:00, closed', '2026-01-12T16:00:00Z', false],
      ['Saturday 15:00', '2026-01-17T14:00:00Z', false],
      ['Sunday 10:00', '2026-01-18T09:00:00Z', false],
      // In summer the same wall-clock hours are one hour earlier in UTC.
      ['Monday 09:00 (summer)', '2026-07-13T07:00:00Z', true],
      ['Monday 08:00 UTC is 10:00 in summer', '2026-07-13T08:00:00Z', true],
      ['Monday 16:00 UTC is 18:00 in summer', '2026-07-13T16:00:00Z', false],
      // The Monday after the spring change: 09:00 Paris is already 07:00 UTC.
      ['Monday 30 March 09:00 (first summer weekday)', '2026-03-30T07:00:00Z', true],
      ['Monday 30 March 07:59 UTC is 09:59', '2026-03-30T07:59:00Z', true],
      ['Monday 30 March 06:59 UTC is 08:59', '2026-03-30T06:59:00Z', false],
    ])('%s → %s', (_what, iso, open) => {
      expect(isOpenAt(hours, PARIS, at(iso))).toBe(open);
    });

    it('is closed every day with empty hours', () => {
      expect(isOpenAt({}, PARIS, at('2026-01-12T10:00:00Z'))).toBe(false);
    });
  });

  describe('fitsWithin (the whole slot inside one range)', () => {
    it.each<[string, string, number, boolean]>([
      ['09:00 + 30 min', '2026-01-12T08:00:00Z', 30, true],
      ['11:30 + 30 min ends at closing', '2026-01-12T10:30:00Z', 30, true],
      ['11:45 + 30 min crosses the lunch break', '2026-01-12T10:45:00Z', 30, false],
      ['11:00 + 120 min spans both ranges', '2026-01-12T10:00:00Z', 120, false],
      ['08:45 + 30 min starts before opening', '2026-01-12T07:45:00Z', 30, false],
      ['16:50 + 10 min ends at closing', '2026-01-12T15:50:00Z', 10, true],
      ['16:55 + 10 min crosses the end', '2026-01-12T15:55:00Z', 10, false],
      ['Sunday 10:00', '2026-01-18T09:00:00Z', 10, false],
      ['summer 09:00 + 60 min', '2026-07-13T07:00:00Z', 60, true],
      ['summer 16:30 + 60 min', '2026-07-13T14:30:00Z', 60, false],
    ])('%s → %s', (_what, iso, minutes, fits) => {
      expect(fitsWithin(hours, PARIS, at(iso), minutes)).toBe(fits);
    });

    const allDay: WeeklyHours = { '6': [['00:00', '24:00']], '7': [['00:00', '24:00']] };
    it('lets a slot end exactly at midnight, and run on only into a day open from midnight', () => {
      // Saturday 28 March 23:30 Paris (winter) + 30 min ends at Sunday 00:00.
      expect(fitsWithin(allDay, PARIS, at('2026-03-28T22:30:00Z'), 30)).toBe(true);
      expect(fitsWithin(allDay, PARIS, at('2026-03-28T22:30:00Z'), 31)).toBe(true);
      const saturdayOnly: WeeklyHours = { '6': [['00:00', '24:00']] };
      expect(fitsWithin(saturdayOnly, PARIS, at('2026-03-28T22:30:00Z'), 30)).toBe(true);
      expect(fitsWithin(saturdayOnly, PARIS, at('2026-03-28T22:30:00Z'), 31)).toBe(false);
    });

    it('measures a slot across the spring change in real minutes', () => {
      const night: WeeklyHours = { '7': [['00:00', '03:00']] };
      // Sunday 29 March 01:30 (winter time) + 60 min ends at 03:30 summer time: past 03:00.
      expect(fitsWithin(night, PARIS, at('2026-03-29T00:30:00Z'), 60)).toBe(false);
      // 01:30 + 20 min ends at 01:50, before the change: inside.
      expect(fitsWithin(night, PARIS, at('2026-03-29T00:30:00Z'), 20)).toBe(true);
    });

    it('measures a slot across the autumn change in real minutes', () => {
      const night: WeeklyHours = { '7': [['00:00', '02:30']] };
      // Sunday 25 October 02:00 summer time + 60 min ends at 02:00 winter time: inside.
      expect(fitsWithin(night, PARIS, at('2026-10-25T00:00:00Z'), 60)).toBe(true);
      // + 100 min ends at 02:40 winter time: past 02:30.
      expect(fitsWithin(night, PARIS, at('2026-10-25T00:00:00Z'), 100)).toBe(false);
    });
  });

  describe('parsing hours from the database', () => {
    it('reads valid hours', () => {
      expect(parseWeeklyHours('{"1":[["09:00","12:00"]]}')).toEqual({ '1': [['09:00', '12:00']] });
    });

    it.each([
      ['a range ending before it starts', '{"1":[["12:00","09:00"]]}'],
      ['a bad clock', '{"1":[["9h","12:00"]]}'],
      ['an unknown weekday', '{"8":[["09:00","12:00"]]}'],
      ['not an object', '[]'],
    ])('treats %s as closed', (_what, json) => {
      expect(parseWeeklyHours(json)).toEqual({});
      expect(WeeklyHoursSchema.safeParse(JSON.parse(json)).success).toBe(false);
    });
  });
});

describe('fitsWithin across midnight', () => {
  const allDay = Object.fromEntries(
    ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]),
  ) as WeeklyHours;
  const untilMidnight = { '1': [['18:00', '24:00']] } as WeeklyHours;

  it('lets a slot run past midnight when the next day opens at midnight', () => {
    // Monday 23 November 2026, 23:45 in Paris (22:45 UTC), 30 minutes.
    expect(fitsWithin(allDay, 'Europe/Paris', new Date('2026-11-23T22:45:00Z'), 30)).toBe(true);
  });

  it('refuses it when the next day is closed at midnight', () => {
    expect(fitsWithin(untilMidnight, 'Europe/Paris', new Date('2026-11-23T22:45:00Z'), 30)).toBe(
      false,
    );
    expect(fitsWithin(untilMidnight, 'Europe/Paris', new Date('2026-11-23T22:15:00Z'), 30)).toBe(
      true,
    );
  });
});
