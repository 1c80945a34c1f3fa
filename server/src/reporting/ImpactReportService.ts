import type { Kysely } from 'kysely';
import {
  AppError,
  MIN_GROUP_SIZE,
  REPORT_MAX_MONTHS,
  SMALL_GROUP,
  type GroupCount,
  type ImpactReport,
  type KioskAvailability,
  type OfficeDistance,
  type ReportGroup,
  type ReportPlace,
} from '@visio/shared/protocol';
import type { Database } from '../store';
import {
  ReportQueries,
  type AppointmentFigures,
  type CallFigures,
  type Dimension,
  type GroupKey,
  type ReportScope,
  type WaitPercentiles,
} from './ReportQueries';
import { parseWeeklyHours } from '../scheduling/WeeklyHours';
import { availabilityFigures, type AvailabilityKiosk } from './kioskAvailability';
import { hiddenGroups, type Margin } from './SmallGroups';

export interface ReportRequest {
  from?: string | undefined;
  to?: string | undefined;
  siteId?: string | undefined;
  serviceId?: string | undefined;
}

type Level = 'groups' | 'bySite' | 'byService' | 'byMonth' | 'total';

const LEVELS: Record<Level, readonly Dimension[]> = {
  groups: ['month', 'site', 'service'],
  bySite: ['site'],
  byService: ['service'],
  byMonth: ['month'],
  total: [],
};

const keyOf = (k: GroupKey) => `${k.month ?? '*'}|${k.site ?? '*'}|${k.service ?? '*'}`;
const num = (value: unknown) => Number(value ?? 0);
const round1 = (value: number) => Math.round(value * 10) / 10;

interface Figures {
  key: GroupKey;
  appointments: AppointmentFigures | undefined;
  calls: CallFigures | undefined;
  waits: WaitPercentiles | undefined;
}

/**
 * The impact report for the region and its partners: per month, site and partner service, the
 * interviews held, no-shows, waits, call quality, accessibility features used, and the trips the
 * interviews avoided (km and CO2e). Aggregates only, and small groups hidden (`hiddenGroups`),
 * so that the report can be handed to anyone. Read-only, but for the admin's distances.
 */
export class ImpactReportService {
  private readonly queries: ReportQueries;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { carKgCo2ePerKm: number; clock?: (() => number) | undefined },
  ) {
    this.queries = new ReportQueries(db);
  }

  async report(request: ReportRequest): Promise<ImpactReport> {
    const now = new Date(this.options.clock?.() ?? Date.now());
    const { from, to } = period(request, now);
    const [sites, services] = await Promise.all([this.places('sites'), this.places('services')]);
    if (request.siteId && !sites.some((s) => s.id === request.siteId))
      throw new AppError('NOT_FOUND', 'No such site');
    if (request.serviceId && !services.some((s) => s.id === request.serviceId))
      throw new AppError('NOT_FOUND', 'No such service');
    const scope: ReportScope = {
      from: `${from}-01T00:00:00.000Z`,
      to: `${nextMonth(to)}-01T00:00:00.000Z`,
      siteId: request.siteId,
      serviceId: request.serviceId,
    };
    const figures = new Map<Level, Figures[]>();
    for (const level of Object.keys(LEVELS) as Level[])
      figures.set(level, await this.figuresOf(LEVELS[level], scope));
    const all = [...figures.values()].flat();
    const interviews = new Map(all.map((f) => [keyOf(f.key), num(f.appointments?.interviews)]));
    const noShows = new Map(all.map((f) => [keyOf(f.key), num(f.appointments?.noShows)]));
    const margins = marginsOf(figures);
    const hiddenInterviews = hiddenGroups(interviews, margins, MIN_GROUP_SIZE);
    const hiddenNoShows = hiddenGroups(noShows, margins, MIN_GROUP_SIZE);
    const names = new Map([...sites, ...services].map((p) => [p.id, p.name]));
    const group = (f: Figures) =>
      this.group(f, hiddenInterviews.has(keyOf(f.key)), hiddenNoShows.has(keyOf(f.key)));
    const ordered = (level: Level) =>
      [...figures.get(level)!].sort((a, b) => order(a.key, b.key, names)).map(group);
    const groups = ordered('groups');
    const totalled = (level: Level) => ordered(level).map((g) => this.withShownTrips(g, groups));
    return {
      from,
      to,
      generatedAt: now.toISOString(),
      minGroupSize: MIN_GROUP_SIZE,
      carKgCo2ePerKm: this.options.carKgCo2ePerKm,
      sites,
      services,
      groups,
      bySite: totalled('bySite'),
      byService: totalled('byService'),
      byMonth: totalled('byMonth'),
      total: totalled('total')[0]!,
      availability: await this.availability(
        request.siteId ? [request.siteId] : sites.map((site) => site.id),
        monthsOf(from, to),
        now,
      ),
    };
  }

  /** Kiosk availability of the sites over the months (`availabilityFigures`). */
  private async availability(
    siteIds: string[],
    months: string[],
    now: Date,
  ): Promise<KioskAvailability[]> {
    const recorded = await this.db
      .selectFrom('kiosk_availability')
      .innerJoin('kiosks', 'kiosks.id', 'kiosk_availability.kiosk_id')
      .innerJoin('sites', 'sites.id', 'kiosks.site_id')
      .select((eb) => [
        'kiosks.id as id',
        'kiosks.site_id as siteId',
        'kiosks.enrolment_state as state',
        'sites.timezone as timeZone',
        'sites.opening_hours as hours',
        eb.fn.min('kiosk_availability.day').as('firstDay'),
        eb.fn.max('kiosk_availability.day').as('lastDay'),
      ])
      .groupBy([
        'kiosks.id',
        'kiosks.site_id',
        'kiosks.enrolment_state',
        'sites.timezone',
        'sites.opening_hours',
      ])
      .execute();
    const kiosks: AvailabilityKiosk[] = recorded.map((k) => ({
      id: k.id,
      siteId: k.siteId,
      timeZone: k.timeZone,
      openingHours: parseWeeklyHours(k.hours),
      enrolled: k.state === 'enrolled',
      firstDay: String(k.firstDay),
      lastDay: String(k.lastDay),
    }));
    const days = await this.db
      .selectFrom('kiosk_availability')
      .select(['kiosk_id', 'day', 'online_minutes'])
      .where('day', '>=', `${months[0]}-01`)
      .where('day', '<', `${nextMonth(months[months.length - 1]!)}-01`)
      .execute();
    return availabilityFigures(
      kiosks,
      days.map((d) => ({
        kioskId: d.kiosk_id,
        day: d.day,
        onlineMinutes: Number(d.online_minutes),
      })),
      siteIds,
      months,
      now,
    );
  }

  /** A total's trips: the sum of those of the month × site × service groups it shows. */
  private withShownTrips(total: ReportGroup, groups: readonly ReportGroup[]): ReportGroup {
    if (!total.trips) return total;
    const members = groups.filter(
      (g) =>
        (total.month === null || g.month === total.month) &&
        (total.siteId === null || g.siteId === total.siteId) &&
        (total.serviceId === null || g.serviceId === total.serviceId),
    );
    const shown = members.flatMap((g) => (g.trips ? [g.trips] : []));
    const kmSaved = round1(shown.reduce((sum, trips) => sum + trips.kmSaved, 0));
    return {
      ...total,
      trips: {
        kmSaved,
        co2Kg: round1(kmSaved * this.options.carKgCo2ePerKm),
        distanceMissing: shown.some((trips) => trips.distanceMissing),
        hiddenLeftOut: shown.length < members.length,
      },
    };
  }

  /** Every (site, service) pair a site serves, with its distance (null: not set). */
  async distances(): Promise<OfficeDistance[]> {
    const rows = await this.db
      .selectFrom('site_services')
      .select(['site_id', 'service_id', 'office_distance_km'])
      .orderBy('site_id')
      .orderBy('service_id')
      .execute();
    return rows.map((r) => ({
      siteId: r.site_id,
      serviceId: r.service_id,
      km: r.office_distance_km === null ? null : Number(r.office_distance_km),
    }));
  }

  /** Sets one pair's distance; NOT_FOUND when the site does not serve that service. */
  async setDistance(distance: OfficeDistance): Promise<OfficeDistance> {
    const result = await this.db
      .updateTable('site_services')
      .set({ office_distance_km: distance.km })
      .where('site_id', '=', distance.siteId)
      .where('service_id', '=', distance.serviceId)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n)
      throw new AppError('NOT_FOUND', 'This site does not serve this service');
    return distance;
  }

  private async places(table: 'sites' | 'services'): Promise<ReportPlace[]> {
    return this.db.selectFrom(table).select(['id', 'name']).orderBy('name').execute();
  }

  private async figuresOf(dims: readonly Dimension[], scope: ReportScope): Promise<Figures[]> {
    const [appointments, calls, waits] = await Promise.all([
      this.queries.appointments(dims, scope),
      this.queries.calls(dims, scope),
      this.queries.waitPercentiles(dims, scope),
    ]);
    const byKey = new Map<string, Figures>();
    const entry = (key: GroupKey) => {
      const k = keyOf(key);
      let f = byKey.get(k);
      if (!f) {
        f = {
          key: { month: key.month, site: key.site, service: key.service } as GroupKey,
          appointments: undefined,
          calls: undefined,
          waits: undefined,
        };
        byKey.set(k, f);
      }
      return f;
    };
    for (const a of appointments) entry(a).appointments = a;
    for (const c of calls) entry(c).calls = c;
    for (const w of waits) entry(w).waits = w;
    // The whole period is one group even when nothing happened in it.
    if (dims.length === 0) entry({});
    return [...byKey.values()];
  }

  private group(f: Figures, hidden: boolean, noShowsHidden: boolean): ReportGroup {
    const a = f.appointments;
    const c = f.calls;
    const interviews = num(a?.interviews);
    const base = {
      month: f.key.month ?? null,
      siteId: f.key.site ?? null,
      serviceId: f.key.service ?? null,
      noShows: (noShowsHidden ? SMALL_GROUP : num(a?.noShows)) as GroupCount,
    };
    if (hidden) {
      return {
        ...base,
        suppressed: true,
        interviews: SMALL_GROUP,
        waits: null,
        quality: null,
        accessibility: null,
        trips: null,
      };
    }
    const calls = num(c?.calls);
    const [good, fair, poor] = [num(c?.good), num(c?.fair), num(c?.poor)];
    const kmSaved = round1(2 * num(a?.distanceKm));
    const minutes = (seconds: unknown) =>
      seconds === null || seconds === undefined ? null : round1(Number(seconds) / 60);
    return {
      ...base,
      suppressed: false,
      interviews,
      waits: {
        p50Min: minutes(f.waits?.p50),
        p90Min: minutes(f.waits?.p90),
        under5: num(a?.under5),
        from5to15: num(a?.from5to15),
        from15to30: num(a?.from15to30),
        over30: num(a?.over30),
      },
      quality: {
        calls,
        good,
        fair,
        poor,
        notMeasured: calls - good - fair - poor,
        incidents: num(c?.incidents),
      },
      accessibility: {
        realTimeText: num(c?.textUsed),
        signOrLipReading: num(a?.signOrLipReading),
        readAloud: num(c?.readAloud),
        inEnglish: num(c?.inEnglish),
        interpreter: num(c?.interpreted),
      },
      trips: {
        kmSaved,
        co2Kg: round1(kmSaved * this.options.carKgCo2ePerKm),
        distanceMissing: num(a?.withoutDistance) > 0,
        hiddenLeftOut: false,
      },
    };
  }
}

/** The months asked for, or the last 12; INVALID_INPUT when reversed or too long. */
function period(request: ReportRequest, now: Date): { from: string; to: string } {
  const current = now.toISOString().slice(0, 7);
  const to = request.to ?? current;
  const from = request.from ?? addMonths(to, -11);
  if (from > to) throw new AppError('INVALID_INPUT', 'The period ends before it starts');
  if (monthsBetween(from, to) + 1 > REPORT_MAX_MONTHS)
    throw new AppError('INVALID_INPUT', `A report covers ${REPORT_MAX_MONTHS} months at most`);
  return { from, to };
}

function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const nextMonth = (month: string) => addMonths(month, 1);

/** Every month from `from` to `to`, both included. */
function monthsOf(from: string, to: string): string[] {
  return Array.from({ length: monthsBetween(from, to) + 1 }, (_, i) => addMonths(from, i));
}

function monthsBetween(from: string, to: string): number {
  const index = (month: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return y * 12 + m;
  };
  return index(to) - index(from);
}

/**
 * The totals and what they add up: each site's, service's and month's total is the sum of its
 * month × site × service groups, and the grand total the sum of each level's totals.
 */
function marginsOf(figures: Map<Level, Figures[]>): Margin[] {
  const groups = figures.get('groups')!;
  const total = keyOf({});
  const margins: Margin[] = [];
  const levels: [Level, Dimension][] = [
    ['bySite', 'site'],
    ['byService', 'service'],
    ['byMonth', 'month'],
  ];
  for (const [level, dim] of levels) {
    const parents = figures.get(level)!;
    for (const parent of parents) {
      margins.push({
        total: keyOf(parent.key),
        members: groups.filter((g) => g.key[dim] === parent.key[dim]).map((g) => keyOf(g.key)),
      });
    }
    margins.push({ total, members: parents.map((p) => keyOf(p.key)) });
  }
  return margins;
}

function order(a: GroupKey, b: GroupKey, names: Map<string, string>): number {
  const name = (id: string | undefined) => (id ? (names.get(id) ?? id) : '');
  return (
    (a.month ?? '').localeCompare(b.month ?? '') ||
    name(a.site).localeCompare(name(b.site)) ||
    name(a.service).localeCompare(name(b.service))
  );
}
