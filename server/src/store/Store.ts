import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { initial } from './migrations/0001_initial';
import { callSurvey } from './migrations/0003_call_survey';
import { callRecovery } from './migrations/0004_call_recovery';
import { mediaStartFailure } from './migrations/0005_media_start_failure';
import { linkTests } from './migrations/0006_link_tests';
import { signOrLipReading } from './migrations/0007_sign_or_lip_reading';
import { StatementCache } from './StatementCache';
import { WalCheckpointer } from './WalCheckpointer';
import type { Database } from './schema';

/** Versioned migrations, in order. Never edit a shipped one: add the next. */
const migrations: MigrationProvider = {
  getMigrations: async () => ({
    '0001_initial': initial,
    '0003_call_survey': callSurvey,
    '0004_call_recovery': callRecovery,
    '0005_media_start_failure': mediaStartFailure,
    '0006_link_tests': linkTests,
    '0007_sign_or_lip_reading': signOrLipReading,
  }),
};

export interface StoreOptions {
  /** SQLite file path, or ':memory:'. */
  sqliteFile: string;
}

/**
 * The database connection. SQLite (better-sqlite3) is the embedded default; the code above it is
 * Kysely only, so a PostgresDialect can be dropped in here for several server nodes.
 */
export class Store {
  private checkpointer: WalCheckpointer | undefined;

  private constructor(
    readonly db: Kysely<Database>,
    private readonly sqlite: SQLite.Database,
  ) {}

  static async open(options: StoreOptions): Promise<Store> {
    if (options.sqliteFile !== ':memory:')
      fs.mkdirSync(path.dirname(options.sqliteFile), { recursive: true });
    const sqlite = new SQLite(options.sqliteFile);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new StatementCache(sqlite) }),
    });
    const store = new Store(db, sqlite);
    await store.migrate();
    if (options.sqliteFile !== ':memory:')
      store.checkpointer = new WalCheckpointer(sqlite, options.sqliteFile);
    return store;
  }

  private async migrate(): Promise<void> {
    const { error, results } = await new Migrator({
      db: this.db,
      provider: migrations,
    }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
    }
  }

  /** A cheap query proving the database answers (readiness). */
  isHealthy(): boolean {
    try {
      return this.sqlite.open && this.sqlite.prepare('select 1 as ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await this.db.destroy();
  }
}
