import type { KioskAvailability } from '@visio/shared/protocol';
import { addDays, dayOf, localParts } from '@visio/shared/time';
import { openMinutesOn, type WeeklyHours } from '../scheduling/WeeklyHours';

/** A kiosk as the availability figures need it. */
export interface AvailabilityKiosk {
  id: string;
  siteId: string;
  timeZone: string;
  openingHours: WeeklyHours;
  /** Still enrolled: its days count up to today; otherwise up to its last recorded day. */
  enrolled: boolean;
  /** Its first and last recorded days ("YYYY-MM-DD", its site's local days). */
  firstDay: string;
  lastDay: string;
}

/** Minutes of a kiosk's local day during which it was usable (`kiosk_availability`). */
export interface AvailabilityDay {
  kioskId: string;
  day: string;
  onlineMinutes: number;
}

interface Sums {
  kiosks: Set<string>;
  open: number;
  usable: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** ISO weekday (1 = Monday) of a calendar day "YYYY-MM-DD". */
function weekdayOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/**
 * Kiosk availability per site and month, each site over the period, and all sites: the share of
 * opening hours its kiosks were usable. A kiosk counts from its first recorded day (recording
 * began then) to today while enrolled; an opening day in between without a record (the server
 * was down) counts as unavailable; today counts its opening hours so far. `sites` × `months` are
 * all given, `percent` null where no opening hour was counted.
 */
export function availabilityFigures(
  kiosks: readonly AvailabilityKiosk[],
  days: readonly AvailabilityDay[],
  sites: readonly string[],
  months: readonly string[],
  now: Date,
): KioskAvailability[] {
  const online = new Map(days.map((d) => [`${d.kioskId}|${d.day}`, d.onlineMinutes]));
  const sums = new Map<string, Sums>();
  const sumsOf = (siteId: string | null, month: string | null) => {
    const key = `${siteId ?? '*'}|${month ?? '*'}`;
    let s = sums.get(key);
    if (!s) sums.set(key, (s = { kiosks: new Set(), open: 0, usable: 0 }));
    return s;
  };
  const first = `${months[0]}-01`;
  const last = addDays(`${nextMonth(months[months.length - 1]!)}-01`, -1);
  for (const kiosk of kiosks) {
    if (!sites.includes(kiosk.siteId)) continue;
    const today = dayOf(now, kiosk.timeZone);
    const nowMinutes = localParts(now, kiosk.timeZone).minutes;
    const end = min(kiosk.enrolled ? today : kiosk.lastDay, last);
    for (let day = max(kiosk.firstDay, first); day <= end; day = addDays(day, 1)) {
      const open = openMinutesOn(
        kiosk.openingHours,
        weekdayOf(day),
        day === today ? nowMinutes : undefined,
      );
      if (open === 0) continue;
      // A kiosk with sockets on two nodes for a moment is counted twice: never above the hours.
      const usable = Math.min(online.get(`${kiosk.id}|${day}`) ?? 0, open);
      for (const s of [
        sumsOf(kiosk.siteId, day.slice(0, 7)),
        sumsOf(kiosk.siteId, null),
        sumsOf(null, null),
      ]) {
        s.kiosks.add(kiosk.id);
        s.open += open;
        s.usable += usable;
      }
    }
  }
  const figure = (siteId: string | null, month: string | null): KioskAvailability => {
    const s = sums.get(`${siteId ?? '*'}|${month ?? '*'}`);
    return {
      siteId,
      month,
      kiosks: s?.kiosks.size ?? 0,
      openHours: round1((s?.open ?? 0) / 60),
      usableHours: round1((s?.usable ?? 0) / 60),
      percent: s && s.open > 0 ? round1((100 * s.usable) / s.open) : null,
    };
  };
  return [
    ...sites.flatMap((site) => months.map((month) => figure(site, month))),
    ...sites.map((site) => figure(site, null)),
    figure(null, null),
  ];
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);
