import type { Kysely, Selectable } from 'kysely';
import type { LinkLimit, LinkTestResult } from '@visio/shared/protocol';
import type { Database, LinkTestTable } from '../store';

/** Each kiosk's pre-call link tests: figures of its line only. */
export class LinkTestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async save(result: LinkTestResult): Promise<void> {
    await this.db
      .insertInto('link_tests')
      .values({
        id: result.id,
        kiosk_id: result.kioskId,
        at: result.at,
        grade: result.grade,
        limits: JSON.stringify(result.limits),
        udp: result.reachable.udp ? 1 : 0,
        tcp: result.reachable.tcp ? 1 : 0,
        turn: result.reachable.turn === null ? null : result.reachable.turn ? 1 : 0,
        measured_path: result.measuredPath,
        rtt_ms: result.rttMs,
        loss_pct: result.lossPct,
        throughput_kbps: result.throughputKbps,
      })
      .execute();
  }

  /** A kiosk's runs, newest first. */
  async history(kioskId: string, limit: number, before?: string): Promise<LinkTestResult[]> {
    let q = this.db
      .selectFrom('link_tests')
      .selectAll()
      .where('kiosk_id', '=', kioskId)
      .orderBy('at', 'desc')
      .limit(limit);
    if (before) q = q.where('at', '<', before);
    return (await q.execute()).map(toResult);
  }

  /** Every kiosk's last run, for the fleet at start. */
  async latestPerKiosk(): Promise<LinkTestResult[]> {
    const rows = await this.db
      .selectFrom('link_tests as t')
      .selectAll('t')
      .where(({ eb, selectFrom }) =>
        eb(
          't.at',
          '=',
          selectFrom('link_tests as u')
            .select(({ fn }) => fn.max('u.at').as('at'))
            .whereRef('u.kiosk_id', '=', 't.kiosk_id'),
        ),
      )
      .execute();
    return rows.map(toResult);
  }
}

function toResult(row: Selectable<LinkTestTable>): LinkTestResult {
  return {
    id: row.id,
    kioskId: row.kiosk_id,
    at: row.at,
    grade: row.grade,
    limits: JSON.parse(row.limits) as LinkLimit[],
    reachable: {
      udp: row.udp === 1,
      tcp: row.tcp === 1,
      turn: row.turn === null ? null : row.turn === 1,
    },
    measuredPath: row.measured_path,
    rttMs: row.rtt_ms,
    lossPct: row.loss_pct,
    throughputKbps: row.throughput_kbps,
  };
}
