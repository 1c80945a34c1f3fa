import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { NightlyPathFiguresSchema, type NightlyTestResult } from '@visio/shared/protocol';
import type { Database, NightlyTestTable } from '../store';

const PathsSchema = z.array(NightlyPathFiguresSchema).min(1).max(3);

/** Each kiosk's nightly test calls: figures of its line per path. */
export class NightlyTestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async save(result: NightlyTestResult): Promise<void> {
    await this.db
      .insertInto('nightly_tests')
      .values({
        id: result.id,
        kiosk_id: result.kioskId,
        site_id: result.siteId,
        at: result.at,
        trigger: result.trigger,
        paths: JSON.stringify(result.paths),
      })
      .execute();
  }

  /** A kiosk's results, newest first. */
  async history(kioskId: string, limit: number): Promise<NightlyTestResult[]> {
    const rows = await this.db
      .selectFrom('nightly_tests')
      .selectAll()
      .where('kiosk_id', '=', kioskId)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.flatMap(toResult);
  }

  /** A site's results before `before` (all when absent), newest first: its baseline. */
  async siteHistory(siteId: string, limit: number, before?: string): Promise<NightlyTestResult[]> {
    let q = this.db
      .selectFrom('nightly_tests')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('at', 'desc')
      .limit(limit);
    if (before) q = q.where('at', '<', before);
    return (await q.execute()).flatMap(toResult);
  }

  /** Every kiosk's last result. */
  async latestPerKiosk(): Promise<NightlyTestResult[]> {
    const rows = await this.db
      .selectFrom('nightly_tests as t')
      .selectAll('t')
      .where(({ eb, selectFrom }) =>
        eb(
          't.at',
          '=',
          selectFrom('nightly_tests as u')
            .select(({ fn }) => fn.max('u.at').as('at'))
            .whereRef('u.kiosk_id', '=', 't.kiosk_id'),
        ),
      )
      .execute();
    return rows.flatMap(toResult);
  }
}

/** A row whose figures no longer read (hand-edited) is left out rather than trusted. */
function toResult(row: Selectable<NightlyTestTable>): NightlyTestResult[] {
  const paths = PathsSchema.safeParse(JSON.parse(row.paths));
  if (!paths.success) return [];
  return [
    {
      id: row.id,
      kioskId: row.kiosk_id,
      siteId: row.site_id,
      at: row.at,
      trigger: row.trigger,
      paths: paths.data,
    },
  ];
}
