import { Temporal } from 'temporal-polyfill';

// Wall-clock time in a time zone, for both sides: opening and walk-in hours are written in a
// site's local time ("09:00" in Europe/Paris) and schedulers type days and times in the zone of
// the kiosk's site, while instants travel and are stored in UTC. Temporal does the daylight-saving
// arithmetic; a wall-clock time that does not exist or exists twice is read as Temporal's
// 'compatible' disambiguation says: a time skipped by a spring change lands that much later
// (02:30 → 03:30), a time repeated by an autumn change is the earlier one.
//
// `timeZone` undefined means the zone of the machine running the code (the scheduler's browser).

export interface LocalParts {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  year: number;
  month: number;
  day: number;
}

/** The zone of the machine running the code, to tell whether times need their zone spelled out. */
export function currentTimeZone(): string {
  return Temporal.Now.timeZoneId();
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

function zoned(instant: Date, timeZone = currentTimeZone()): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
}

function toDate(time: Temporal.ZonedDateTime): Date {
  return new Date(time.epochMilliseconds);
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const t = zoned(instant, timeZone);
  return {
    weekday: t.dayOfWeek,
    minutes: t.hour * 60 + t.minute,
    year: t.year,
    month: t.month,
    day: t.day,
  };
}

/** The instant of a local wall-clock time, `minutes` after midnight of that calendar day. */
export function fromLocal(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): Date {
  const wallClock = new Temporal.PlainDateTime(year, month, day).add({ minutes });
  return toDate(wallClock.toZonedDateTime(timeZone, { disambiguation: 'compatible' }));
}

/** [start, end) of the local calendar day containing `instant` (23 or 25 hours on DST days). */
export function localDay(instant: Date, timeZone: string): { start: Date; end: Date } {
  const date = zoned(instant, timeZone).toPlainDate();
  return {
    start: toDate(date.toZonedDateTime(timeZone)),
    end: toDate(date.add({ days: 1 }).toZonedDateTime(timeZone)),
  };
}

/** "HH:MM" → minutes since midnight, or NaN. "24:00" is the end of the day. */
export function parseClock(text: string): number {
  if (text === '24:00') return 24 * 60;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

// Calendar days as "YYYY-MM-DD" and clock times as "HH:MM": what <input type="date"> and
// <input type="time"> hold.

/** "YYYY-MM-DD" of an instant in the zone. */
export function dayOf(instant: Date, timeZone?: string): string {
  return zoned(instant, timeZone).toPlainDate().toString();
}

/** "HH:MM" of an instant in the zone. */
export function timeOf(instant: Date, timeZone?: string): string {
  return zoned(instant, timeZone).toPlainTime().toString({ smallestUnit: 'minute' });
}

function plainDay(day: string): Temporal.PlainDate | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  try {
    return Temporal.PlainDate.from(day, { overflow: 'reject' });
  } catch {
    return undefined; // 2026-02-30 and the like
  }
}

/** The instant of a wall-clock day and time in the zone; invalid input gives an invalid Date. */
export function localInstant(day: string, time: string, timeZone?: string): Date {
  const date = plainDay(day);
  const minutes = parseClock(time.slice(0, 5));
  if (!date || Number.isNaN(minutes)) return new Date(Number.NaN);
  return fromLocal(date.year, date.month, date.day, minutes, timeZone ?? currentTimeZone());
}

/** The first instant of `day` in the zone (midnight, or later where a DST change skips it). */
export function startOfDay(day: string, timeZone?: string): Date {
  const date = plainDay(day);
  return date ? toDate(date.toZonedDateTime(timeZone ?? currentTimeZone())) : new Date(Number.NaN);
}

/** The calendar day `days` after `day` (before, if negative); an invalid day is returned as is. */
export function addDays(day: string, days: number): string {
  return plainDay(day)?.add({ days }).toString() ?? day;
}
