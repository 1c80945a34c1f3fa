import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema';

/** The two databases the store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** Which database a Kysely instance (or one of its transactions) talks to. */
export function dialectOf(db: Kysely<never> | Kysely<Database> | Kysely<unknown>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Tables whose rows a transaction may lock, in the order every transaction locks them. */
const LOCK_ORDER = ['staff', 'kiosks', 'appointments'] as const;
export type LockableTable = (typeof LOCK_ORDER)[number];

/**
 * Locks these rows until the transaction ends (`SELECT … FOR UPDATE`), so that a read-then-write
 * inside it cannot interleave with another node's. Rows are locked table by table in `LOCK_ORDER`
 * and by id within a table: two transactions locking overlapping sets wait for each other instead
 * of deadlocking. On SQLite this does nothing: the database has one writer and Kysely runs the
 * transactions of the one process that owns the file one after the other.
 */
export async function lockRows(
  trx: Transaction<Database>,
  rows: Partial<Record<LockableTable, readonly string[]>>,
): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  for (const table of LOCK_ORDER) {
    const ids = [...new Set(rows[table] ?? [])].sort();
    if (ids.length === 0) continue;
    await trx
      .selectFrom(table)
      .select('id')
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
  }
}

/**
 * Whether an error is a unique-constraint violation (PostgreSQL's 23505, SQLite's
 * SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY): what a concurrent insert of the same key gets.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** `select 1`, through whichever dialect: proves the database answers. */
export async function ping(db: Kysely<Database>): Promise<boolean> {
  const result = await sql<{ ok: number }>`select 1 as ok`.execute(db);
  return result.rows.length === 1;
}
