import { sql, type Kysely, type Migration } from 'kysely';

/**
 * One citizen at a time per kiosk, kept by the database: at most one appointment of a kiosk is
 * waiting (`checked_in`) or in a call (`in_call`). Two check-ins or walk-in joins racing (a
 * double tap, two tabs, two server nodes) each checked "nobody waiting" before writing; now the
 * second write fails and is told the kiosk is busy. A partial unique index, on SQLite and
 * PostgreSQL alike.
 *
 * Such a race may already have left two active appointments at one kiosk: before the index, all
 * but one of them are ended as `failed` (the one in a call is kept, else the latest checked in,
 * which is the one the kiosk shows).
 */
export const oneCitizenPerKiosk: Migration = {
  async up(db: Kysely<unknown>) {
    const now = new Date().toISOString();
    await sql`
      UPDATE appointments SET status = 'failed', ended_at = ${now}, updated_at = ${now}
      WHERE status IN ('checked_in', 'in_call') AND id NOT IN (
        SELECT id FROM (
          SELECT id, ROW_NUMBER() OVER (
            PARTITION BY kiosk_id
            ORDER BY CASE WHEN status = 'in_call' THEN 0 ELSE 1 END, checked_in_at DESC, id
          ) AS position
          FROM appointments WHERE status IN ('checked_in', 'in_call')
        ) ranked WHERE position = 1
      )
    `.execute(db);
    await sql`
      CREATE UNIQUE INDEX appointments_one_active_per_kiosk ON appointments (kiosk_id)
      WHERE status IN ('checked_in', 'in_call')
    `.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('appointments_one_active_per_kiosk').execute();
  },
};
