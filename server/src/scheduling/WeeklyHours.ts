import { z } from 'zod';
import { localParts, parseClock } from '@visio/shared/time';

/** Opening or walk-in hours: per ISO weekday ("1" = Monday), local [from, to) ranges "HH:MM". */
export type WeeklyHours = Partial<
  Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>
>;

const clock = z.string().refine((s) => !Number.isNaN(parseClock(s)), 'HH:MM');
export const WeeklyHoursSchema = z
  .partialRecord(
    z.enum(['1', '2', '3', '4', '5', '6', '7']),
    z.array(z.tuple([clock, clock])).max(6),
  )
  .refine(
    (h) =>
      Object.values(h).every((ranges) =>
        ranges.every(([from, to]) => parseClock(from) < parseClock(to)),
      ),
    'each range must end after it starts',
  );

export function parseWeeklyHours(json: string): WeeklyHours {
  const parsed = WeeklyHoursSchema.safeParse(JSON.parse(json));
  return parsed.success ? (parsed.data as WeeklyHours) : {};
}

function rangesOn(hours: WeeklyHours, weekday: number): [number, number][] {
  return (hours[String(weekday) as keyof WeeklyHours] ?? []).map(([f, t]) => [
    parseClock(f),
    parseClock(t),
  ]);
}

/**
 * Minutes of a weekday's ranges (ISO weekday, 1 = Monday), or of those before `untilMinutes` after
 * midnight when given (today's hours so far).
 */
export function openMinutesOn(hours: WeeklyHours, weekday: number, untilMinutes = 24 * 60): number {
  return rangesOn(hours, weekday).reduce(
    (sum, [from, to]) => sum + Math.max(0, Math.min(to, untilMinutes) - from),
    0,
  );
}

/** Whether the instant falls inside one of the day's ranges, in the site's time zone. */
export function isOpenAt(hours: WeeklyHours, timeZone: string, instant: Date): boolean {
  const p = localParts(instant, timeZone);
  return rangesOn(hours, p.weekday).some(([from, to]) => p.minutes >= from && p.minutes < to);
}

/**
 * Whether [start, start + duration) fits entirely inside one opening range of its local day (or
 * one that runs past midnight into the next day's first range).
 */
export function fitsWithin(
  hours: WeeklyHours,
  timeZone: string,
  start: Date,
  durationMin: number,
): boolean {
  const p = localParts(start, timeZone);
  // The end's own wall-clock time (a DST change may lie in between), counted from the start's day.
  const e = localParts(new Date(start.getTime() + durationMin * 60_000), timeZone);
  const days =
    (Date.UTC(e.year, e.month - 1, e.day) - Date.UTC(p.year, p.month - 1, p.day)) / 864e5;
  const end = e.minutes + days * 24 * 60;
  return rangesOn(hours, p.weekday).some(([from, to]) => {
    if (p.minutes < from) return false;
    if (end <= to) return true;
    // A range open until midnight continues into the next day's range opening at midnight
    // (sites open round the clock): the slot may run on into it.
    const nextDay = (p.weekday % 7) + 1;
    return (
      to === 24 * 60 && rangesOn(hours, nextDay).some(([f, t]) => f === 0 && end - 24 * 60 <= t)
    );
  });
}
