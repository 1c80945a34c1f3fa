import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared; the app issues a few dozen, `in (…)` lists add variants. */
const DEFAULT_MAX_STATEMENTS = 256;

/**
 * The database as Kysely's SqliteDialect sees it, with prepared statements reused by SQL text.
 * The dialect calls `prepare` for every query; compiling the same SQL again each time was a tenth
 * of the server's busy time under load. Parameters are bound per call, so a statement is reusable;
 * SQLite itself re-prepares a statement whose tables changed (migrations). Least recently used
 * statements are dropped past `maxSize`, and closing forgets them all.
 */
export class StatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(
    private readonly db: SQLite.Database,
    private readonly maxSize = DEFAULT_MAX_STATEMENTS,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new Error('maxSize must be ≥ 1');
  }

  prepare(sql: string): SQLite.Statement {
    if (!this.db.open) {
      this.statements.clear();
      return this.db.prepare(sql); // throws "The database connection is not open"
    }
    const cached = this.statements.get(sql);
    if (cached) {
      // A statement being iterated (a streamed query) cannot run twice at once: use a fresh one.
      if (cached.busy) return this.db.prepare(sql);
      // Map order is insertion order: moving the hit to the end keeps the eldest least used.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.db.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > this.maxSize) {
      const eldest = this.statements.keys().next().value as string;
      this.statements.delete(eldest);
    }
    return statement;
  }

  /** How many statements are kept (for tests and diagnostics). */
  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}
