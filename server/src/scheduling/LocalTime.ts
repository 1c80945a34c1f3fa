// Wall-clock time at a site. Opening and walk-in hours are written in the site's local time
// ("09:00" in Europe/Paris), while instants are stored in UTC; this converts between the two
// with the platform's time-zone database (Intl), DST included.

export interface LocalParts {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
  };
}

/** The UTC instant of a local wall-clock time (the earlier one when DST makes it ambiguous). */
export function fromLocal(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): Date {
  const asUtc = Date.UTC(year, month - 1, day, 0, minutes);
  // The offsets in force a day before and a day after: at most one DST change lies between.
  const DAY = 24 * 3_600_000;
  const before = asUtc - offsetAt(asUtc - DAY, timeZone);
  const after = asUtc - offsetAt(asUtc + DAY, timeZone);
  const shows = (instant: number) => wallClock(localParts(new Date(instant), timeZone)) === asUtc;
  const valid = [before, after].filter(shows);
  // A time skipped by a spring change has no instant: read it with the earlier offset (one hour on).
  return new Date(valid.length > 0 ? Math.min(...valid) : before);
}

/** Local wall-clock time as if it were UTC, in ms. */
function wallClock(p: LocalParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes);
}

/** Local time minus UTC at an instant, in ms (whole minutes). */
function offsetAt(instant: number, timeZone: string): number {
  const minute = Math.floor(instant / 60_000) * 60_000;
  return wallClock(localParts(new Date(minute), timeZone)) - minute;
}

/** [start, end) of the local calendar day containing `instant`. */
export function localDay(instant: Date, timeZone: string): { start: Date; end: Date } {
  const p = localParts(instant, timeZone);
  const start = fromLocal(p.year, p.month, p.day, 0, timeZone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const end = fromLocal(
    next.getUTCFullYear(),
    next.getUTCMonth() + 1,
    next.getUTCDate(),
    0,
    timeZone,
  );
  return { start, end };
}

/** "HH:MM" → minutes since midnight, or NaN. */
export function parseClock(text: string): number {
  if (text === '24:00') return 24 * 60; // the end of the day
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}
