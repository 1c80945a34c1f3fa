// Days and times as the scheduler types them — in the time zone of the kiosk's site, which need
// not be the browser's — turned into the ISO instants the API speaks. `timeZone` undefined means
// the browser's own zone.

const pad = (n: number) => String(n).padStart(2, '0');

interface Parts {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(date: Date, timeZone: string | undefined): Parts {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: +p.year!, m: +p.month!, d: +p.day!, h: +p.hour!, min: +p.minute! };
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function offsetMs(date: Date, timeZone: string | undefined): number {
  const p = partsIn(date, timeZone);
  const wall = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
  return wall - Math.floor(date.getTime() / 60_000) * 60_000;
}

/** "YYYY-MM-DD" of an instant in the zone (what <input type="date"> holds). */
export function dayOf(date: Date, timeZone?: string): string {
  const p = partsIn(date, timeZone);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** "HH:MM" of an instant in the zone (what <input type="time"> holds). */
export function timeOf(date: Date, timeZone?: string): string {
  const p = partsIn(date, timeZone);
  return `${pad(p.h)}:${pad(p.min)}`;
}

/** The instant of a wall-clock date and time in the zone; invalid input gives an invalid Date. */
export function localInstant(day: string, time: string, timeZone?: string): Date {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{2}):(\d{2})/.exec(time);
  if (!d || !t) return new Date(Number.NaN);
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  // Twice: the offset at the first guess may differ from the offset at the answer (DST change).
  let instant = wall - offsetMs(new Date(wall), timeZone);
  instant = wall - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

/** Midnight at the start of `day` in the zone. */
export function startOfDay(day: string, timeZone?: string): Date {
  return localInstant(day, '00:00', timeZone);
}

export function addDays(day: string, days: number): string {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!d) return day;
  const next = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]) + days));
  return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

/** The next quarter of an hour from now: a sensible default start. */
export function nextQuarterHour(now = new Date()): Date {
  const quarter = 15 * 60_000;
  return new Date(Math.ceil((now.getTime() + 60_000) / quarter) * quarter);
}

/** The browser's own zone, to tell whether times need their zone spelled out. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
