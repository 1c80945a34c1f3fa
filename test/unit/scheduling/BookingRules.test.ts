import { describe, expect, it } from 'vitest';
import { AppError } from '@visio/shared/protocol';
import {
  agendaSpan,
  checkBooking,
  checkInWindow,
  type BookingFacts,
} from '../../../server/src/scheduling/BookingRules';
import type { WeeklyHours } from '../../../server/src/scheduling/WeeklyHours';

const MIN = 60_000;
const SERVICE = '11111111-1111-4111-8111-111111111111';
const OTHER_SERVICE = '22222222-2222-4222-8222-222222222222';
// Monday 9 March 2026, 10:00 in Paris (UTC+1 in winter).
const MONDAY_10H = new Date('2026-03-09T09:00:00.000Z');
const WEEKDAYS_9_TO_17: WeeklyHours = {
  '1': [['09:00', '17:00']],
  '2': [['09:00', '17:00']],
  '3': [['09:00', '12:00']],
};

/** A booking that passes every rule; each case changes one fact. */
function facts(overrides: Partial<BookingFacts> = {}): BookingFacts {
  return {
    service: { id: SERVICE, name: 'CAF', colour: '#000', walkInHours: {} },
    advisor: { id: 'adv', serviceIds: [SERVICE] },
    kiosk: {
      kioskId: 'k',
      kioskName: 'Kiosk',
      outOfService: false,
      site: { id: 's', name: 'Mairie', timezone: 'Europe/Paris', openingHours: WEEKDAYS_9_TO_17 },
    },
    siteServiceIds: [SERVICE, OTHER_SERVICE],
    startsAt: MONDAY_10H,
    durationMin: 30,
    now: new Date(MONDAY_10H.getTime() - 24 * 60 * MIN),
    advisorBusy: false,
    kioskBusy: false,
    ...overrides,
  };
}

function refusal(f: BookingFacts): { code: string; reason: string | undefined } | 'accepted' {
  try {
    checkBooking(f);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, reason: error.reason };
  }
}

describe('checkBooking', () => {
  it('accepts a free slot inside opening hours, for an advisor of a service offered at the site', () => {
    expect(refusal(facts())).toBe('accepted');
  });

  it.each<[string, Partial<BookingFacts>, string, string]>([
    ['unknown service', { service: undefined }, 'NOT_FOUND', 'service'],
    ['unknown advisor', { advisor: undefined }, 'NOT_FOUND', 'advisor'],
    ['unknown kiosk', { kiosk: undefined }, 'NOT_FOUND', 'kiosk'],
    [
      'advisor of another service',
      { advisor: { id: 'adv', serviceIds: [OTHER_SERVICE] } },
      'INVALID_INPUT',
      'advisor_not_in_service',
    ],
    [
      'service not offered at the kiosk’s site',
      { siteServiceIds: [OTHER_SERVICE] },
      'INVALID_INPUT',
      'service_not_at_site',
    ],
    [
      'a slot in the past',
      { now: new Date(MONDAY_10H.getTime() + MIN) },
      'INVALID_INPUT',
      'in_past',
    ],
    ['a slot starting right now', { now: MONDAY_10H }, 'INVALID_INPUT', 'in_past'],
    [
      'a slot before opening (08:30)',
      { startsAt: new Date('2026-03-09T07:30:00.000Z') },
      'INVALID_INPUT',
      'outside_opening_hours',
    ],
    [
      'a slot running past closing (16:45 + 30 min)',
      { startsAt: new Date('2026-03-09T15:45:00.000Z') },
      'INVALID_INPUT',
      'outside_opening_hours',
    ],
    [
      'a day the site is closed (Sunday)',
      {
        startsAt: new Date('2026-03-08T09:00:00.000Z'),
        now: new Date('2026-03-01T00:00:00.000Z'),
      },
      'INVALID_INPUT',
      'outside_opening_hours',
    ],
    ['an advisor already booked then', { advisorBusy: true }, 'CONFLICT', 'advisor_busy'],
    ['a kiosk already booked then', { kioskBusy: true }, 'CONFLICT', 'kiosk_busy'],
  ])('refuses %s', (_what, overrides, code, reason) => {
    expect(refusal(facts(overrides))).toEqual({ code, reason });
  });

  it('accepts a slot ending exactly at closing time (16:30 + 30 min)', () => {
    expect(refusal(facts({ startsAt: new Date('2026-03-09T15:30:00.000Z') }))).toBe('accepted');
  });

  it('accepts a slot starting one millisecond from now', () => {
    expect(refusal(facts({ now: new Date(MONDAY_10H.getTime() - 1) }))).toBe('accepted');
  });

  it('reports the existence checks before the rest (an unknown service wins over a busy advisor)', () => {
    expect(refusal(facts({ service: undefined, advisorBusy: true, kioskBusy: true }))).toEqual({
      code: 'NOT_FOUND',
      reason: 'service',
    });
  });
});

describe('checkInWindow (15 min before, 30 min after)', () => {
  const window = { beforeMin: 15, afterMin: 30 };
  const start = MONDAY_10H.getTime();
  it.each<[string, number, string]>([
    ['one hour before', start - 60 * MIN, 'too_early'],
    ['15 min and 1 ms before', start - 15 * MIN - 1, 'too_early'],
    ['exactly 15 min before', start - 15 * MIN, 'open'],
    ['at the start', start, 'open'],
    ['exactly 30 min after', start + 30 * MIN, 'open'],
    ['30 min and 1 ms after', start + 30 * MIN + 1, 'too_late'],
    ['two hours after', start + 120 * MIN, 'too_late'],
  ])('%s → %s', (_when, now, verdict) => {
    expect(checkInWindow(MONDAY_10H, new Date(now), window)).toBe(verdict);
  });

  it('follows the configured window', () => {
    const narrow = { beforeMin: 0, afterMin: 5 };
    expect(checkInWindow(MONDAY_10H, new Date(start - 1), narrow)).toBe('too_early');
    expect(checkInWindow(MONDAY_10H, new Date(start + 5 * MIN), narrow)).toBe('open');
    expect(checkInWindow(MONDAY_10H, new Date(start + 5 * MIN + 1), narrow)).toBe('too_late');
  });
});

describe("agendaSpan (an advisor's day, with check-in 15 min before and 30 min after)", () => {
  const window = { beforeMin: 15, afterMin: 30 };
  const span = (iso: string) => {
    const { from, to } = agendaSpan(new Date(iso), 'Europe/Paris', window);
    return { from: from.toISOString(), to: to.toISOString() };
  };

  it("is the organisation's day during the day", () => {
    expect(span('2026-03-09T09:00:00.000Z')).toEqual({
      from: '2026-03-08T23:00:00.000Z',
      to: '2026-03-09T23:00:00.000Z',
    });
  });

  it('reaches past midnight to appointments whose check-in is open, on both sides', () => {
    // 23:50 in Paris: an appointment at 00:05 may check in already (to is exclusive).
    expect(span('2026-03-09T22:50:00.000Z').to).toBe('2026-03-09T23:05:00.001Z');
    // 00:10 in Paris: one at 23:40 yesterday may still check in.
    expect(span('2026-03-09T23:10:00.000Z').from).toBe('2026-03-09T22:40:00.000Z');
  });

  it('is 23 hours long on the day the clocks go forward', () => {
    // Sunday 29 March 2026 in Paris: midnight is UTC+1, the next midnight UTC+2.
    expect(span('2026-03-29T10:00:00.000Z')).toEqual({
      from: '2026-03-28T23:00:00.000Z',
      to: '2026-03-29T22:00:00.000Z',
    });
  });
});
