import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { oneCitizenPerKiosk } from '../../../server/src/store/migrations/0008_one_citizen_per_kiosk';

// Migration 0008 on a store where a race already left two active appointments at one kiosk:
// one is kept (the one in a call, else the latest checked in), the others end as failed, and the
// index then refuses a second active appointment.

let db: Kysely<unknown>;
afterEach(async () => db?.destroy());

interface Row {
  id: string;
  kiosk_id: string;
  status: string;
  checked_in_at: string | null;
}

async function withRows(rows: Row[]) {
  db = new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await sql`CREATE TABLE appointments (id text primary key, kiosk_id text not null,
    status text not null, checked_in_at text, ended_at text, updated_at text)`.execute(db);
  for (const r of rows)
    await sql`INSERT INTO appointments (id, kiosk_id, status, checked_in_at)
      VALUES (${r.id}, ${r.kiosk_id}, ${r.status}, ${r.checked_in_at})`.execute(db);
  await oneCitizenPerKiosk.up(db);
  const after = await sql<{ id: string; status: string }>`
    SELECT id, status FROM appointments ORDER BY id`.execute(db);
  return Object.fromEntries(after.rows.map((r) => [r.id, r.status]));
}

describe('migration 0008, one citizen per kiosk', () => {
  it('keeps the latest checked-in citizen of a kiosk, or the one in a call, and ends the others', async () => {
    const statuses = await withRows([
      { id: 'a1', kiosk_id: 'k1', status: 'checked_in', checked_in_at: '2026-12-04T09:00:00Z' },
      { id: 'a2', kiosk_id: 'k1', status: 'checked_in', checked_in_at: '2026-12-04T09:05:00Z' },
      { id: 'b1', kiosk_id: 'k2', status: 'in_call', checked_in_at: '2026-12-04T09:00:00Z' },
      { id: 'b2', kiosk_id: 'k2', status: 'checked_in', checked_in_at: '2026-12-04T09:10:00Z' },
      { id: 'c1', kiosk_id: 'k3', status: 'checked_in', checked_in_at: '2026-12-04T09:00:00Z' },
      { id: 'c2', kiosk_id: 'k3', status: 'scheduled', checked_in_at: null },
      { id: 'c3', kiosk_id: 'k3', status: 'completed', checked_in_at: '2026-12-04T08:00:00Z' },
    ]);
    expect(statuses).toEqual({
      a1: 'failed',
      a2: 'checked_in',
      b1: 'in_call',
      b2: 'failed',
      c1: 'checked_in',
      c2: 'scheduled',
      c3: 'completed',
    });
  });

  it('then refuses a second active appointment at a kiosk, and not one at another kiosk', async () => {
    await withRows([
      { id: 'a1', kiosk_id: 'k1', status: 'checked_in', checked_in_at: '2026-12-04T09:00:00Z' },
      { id: 'a2', kiosk_id: 'k1', status: 'scheduled', checked_in_at: null },
    ]);
    await expect(
      sql`UPDATE appointments SET status = 'checked_in' WHERE id = 'a2'`.execute(db),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await sql`INSERT INTO appointments (id, kiosk_id, status) VALUES ('x', 'k2', 'in_call')`.execute(
      db,
    );
  });
});
