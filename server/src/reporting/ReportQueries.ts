import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf, type Database } from '../store';

/** The dimensions a report group is keyed by; a level groups by some of them. */
export type Dimension = 'month' | 'site' | 'service';

/** Which rows count: a half-open UTC period and optional filters. */
export interface ReportScope {
  /** ISO times: from included, to excluded. */
  from: string;
  to: string;
  siteId?: string | undefined;
  serviceId?: string | undefined;
}

/** One group's key: the dimensions of its level, the others absent. */
export interface GroupKey {
  month?: string;
  site?: string;
  service?: string;
}

export interface AppointmentFigures extends GroupKey {
  interviews: number;
  noShows: number;
  signOrLipReading: number;
  waited: number;
  under5: number;
  from5to15: number;
  from15to30: number;
  over30: number;
  /** Σ over interviews of the (site, service) distance, km (unset distances count 0). */
  distanceKm: number;
  withoutDistance: number;
}

export interface CallFigures extends GroupKey {
  calls: number;
  good: number;
  fair: number;
  poor: number;
  textUsed: number;
  readAloud: number;
  inEnglish: number;
  /** Calls an interpreter took part in (LSF, LPC or a spoken language). */
  interpreted: number;
  incidents: number;
}

export interface WaitPercentiles extends GroupKey {
  p50: number | null;
  p90: number | null;
}

/** A waited interview's wait in seconds, 0 at least (as an SQL expression over `a`). */
function waitSeconds(db: Kysely<Database>): RawBuilder<number> {
  // Waiting starts at check-in, or at the appointment's time for a citizen who came early.
  // Times are ISO-8601 UTC text, so the later of the two is the greater string.
  return dialectOf(db) === 'postgres'
    ? sql<number>`greatest(0, extract(epoch from (a.call_started_at::timestamptz - greatest(a.checked_in_at, a.starts_at)::timestamptz)))::double precision`
    : sql<number>`max(0, (julianday(a.call_started_at) - julianday(max(a.checked_in_at, a.starts_at))) * 86400.0)`;
}

const COMPLETED = sql`a.status = 'completed'`;
// A colleague's appointment taken over in a warm transfer is an interview of its own, but the
// citizen waited once: for the first.
const WAITED = sql`a.status = 'completed' and a.call_started_at is not null and a.checked_in_at is not null and a.transferred_from is null`;

/** 1 when the condition holds, else 0: summed, it counts. */
const countIf = (condition: RawBuilder<unknown>) =>
  sql<number>`sum(case when ${condition} then 1 else 0 end)`;

function columnsOf(
  dims: readonly Dimension[],
  table: { month: string; site: string; service: string },
) {
  return dims.map(
    (d) =>
      sql`${sql.raw(d === 'month' ? `substr(${table.month}, 1, 7)` : table[d])} as ${sql.ref(d)}`,
  );
}

function groupBy(
  dims: readonly Dimension[],
  table: { month: string; site: string; service: string },
) {
  if (dims.length === 0) return sql``;
  return sql`group by ${sql.join(dims.map((d) => sql.raw(d === 'month' ? `substr(${table.month}, 1, 7)` : table[d])))}`;
}

function selectList(parts: RawBuilder<unknown>[]) {
  return sql.join(parts);
}

/**
 * The report's aggregates, in SQL that SQLite and PostgreSQL both run: counts of appointments
 * by outcome, waits (buckets and nearest-rank percentiles, with window functions), call quality
 * verdicts and interruptions. Each query groups by the dimensions of one level (month × site ×
 * service, one of them, or none). Nothing of a person is read: no reference, no name.
 */
export class ReportQueries {
  constructor(private readonly db: Kysely<Database>) {}

  private appointmentFilter(scope: ReportScope): RawBuilder<unknown> {
    return sql.join(
      [
        sql`a.starts_at >= ${scope.from}`,
        sql`a.starts_at < ${scope.to}`,
        ...(scope.siteId ? [sql`k.site_id = ${scope.siteId}`] : []),
        ...(scope.serviceId ? [sql`a.service_id = ${scope.serviceId}`] : []),
      ],
      sql` and `,
    );
  }

  async appointments(
    dims: readonly Dimension[],
    scope: ReportScope,
  ): Promise<AppointmentFigures[]> {
    const t = { month: 'a.starts_at', site: 'k.site_id', service: 'a.service_id' };
    const wait = waitSeconds(this.db);
    const waitedWithin = (low: number, high: number | null) =>
      countIf(
        high === null
          ? sql`${WAITED} and ${wait} >= ${low}`
          : sql`${WAITED} and ${wait} >= ${low} and ${wait} < ${high}`,
      );
    const result = await sql<AppointmentFigures>`
      select ${selectList([
        ...columnsOf(dims, t),
        sql`${countIf(COMPLETED)} as ${sql.ref('interviews')}`,
        sql`${countIf(sql`a.status = 'no_show'`)} as ${sql.ref('noShows')}`,
        sql`${countIf(sql`${COMPLETED} and a.sign_or_lip_reading = 1`)} as ${sql.ref('signOrLipReading')}`,
        sql`${countIf(WAITED)} as ${sql.ref('waited')}`,
        sql`${waitedWithin(0, 300)} as ${sql.ref('under5')}`,
        sql`${waitedWithin(300, 900)} as ${sql.ref('from5to15')}`,
        sql`${waitedWithin(900, 1800)} as ${sql.ref('from15to30')}`,
        sql`${waitedWithin(1800, null)} as ${sql.ref('over30')}`,
        sql`sum(case when ${COMPLETED} then coalesce(ss.office_distance_km, 0) else 0 end) as ${sql.ref('distanceKm')}`,
        sql`${countIf(sql`${COMPLETED} and ss.office_distance_km is null`)} as ${sql.ref('withoutDistance')}`,
      ])}
      from appointments a
      join kiosks k on k.id = a.kiosk_id
      left join site_services ss on ss.site_id = k.site_id and ss.service_id = a.service_id
      where a.status in ('completed', 'no_show') and ${this.appointmentFilter(scope)}
      ${groupBy(dims, t)}
    `.execute(this.db);
    return result.rows.map((r) => ({ ...r, distanceKm: Number(r.distanceKm) }));
  }

  async waitPercentiles(
    dims: readonly Dimension[],
    scope: ReportScope,
  ): Promise<WaitPercentiles[]> {
    const t = { month: 'a.starts_at', site: 'k.site_id', service: 'a.service_id' };
    const keys = dims.map((d) => sql.ref(d));
    const partition = dims.length === 0 ? sql`` : sql`partition by ${sql.join(keys)}`;
    // Nearest rank: the ⌈p·n/100⌉-th wait in order, in integer arithmetic (no ceil() in SQLite).
    const atRank = (p: number) =>
      sql<number>`max(case when rn = (n * ${sql.lit(p)} + 99) / 100 then wait_s end)`;
    const result = await sql<WaitPercentiles>`
      with w as (
        select ${selectList([...columnsOf(dims, t), sql`${waitSeconds(this.db)} as wait_s`])}
        from appointments a
        join kiosks k on k.id = a.kiosk_id
        where ${WAITED} and ${this.appointmentFilter(scope)}
      ), r as (
        select w.*,
          row_number() over (${partition} order by wait_s) as rn,
          count(*) over (${partition}) as n
        from w
      )
      select ${selectList([...keys, sql`${atRank(50)} as p50`, sql`${atRank(90)} as p90`])}
      from r
      ${dims.length === 0 ? sql`` : sql`group by ${sql.join(keys)}`}
    `.execute(this.db);
    return result.rows;
  }

  async calls(dims: readonly Dimension[], scope: ReportScope): Promise<CallFigures[]> {
    const t = { month: 'c.started_at', site: 'k.site_id', service: 'c.service_id' };
    const verdict = (v: string) => countIf(sql`c.quality like ${`%"verdict":"${v}"%`}`);
    const result = await sql<CallFigures>`
      select ${selectList([
        ...columnsOf(dims, t),
        sql`count(*) as calls`,
        sql`${verdict('good')} as good`,
        sql`${verdict('fair')} as fair`,
        sql`${verdict('poor')} as poor`,
        sql`${countIf(sql`c.text_used = 1`)} as ${sql.ref('textUsed')}`,
        sql`${countIf(sql`c.read_aloud = 1`)} as ${sql.ref('readAloud')}`,
        sql`${countIf(sql`c.kiosk_language = 'en'`)} as ${sql.ref('inEnglish')}`,
        sql`${countIf(sql`c.interpreter is not null`)} as ${sql.ref('interpreted')}`,
        sql`sum(coalesce(i.n, 0)) as incidents`,
      ])}
      from call_records c
      join kiosks k on k.id = c.kiosk_id
      left join (select call_id, count(*) as n from call_incidents group by call_id) i
        on i.call_id = c.id
      where ${sql.join(
        [
          sql`c.service_id is not null`,
          sql`c.ended_at is not null`,
          sql`c.started_at >= ${scope.from}`,
          sql`c.started_at < ${scope.to}`,
          ...(scope.siteId ? [sql`k.site_id = ${scope.siteId}`] : []),
          ...(scope.serviceId ? [sql`c.service_id = ${scope.serviceId}`] : []),
        ],
        sql` and `,
      )}
      ${groupBy(dims, t)}
    `.execute(this.db);
    return result.rows;
  }
}
