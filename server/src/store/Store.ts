import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type Dialect,
  type MigrationProvider,
} from 'kysely';
import { ping, type DialectName } from './dialect';
import { initial } from './migrations/0001_initial';
import { callSurvey } from './migrations/0003_call_survey';
import { callRecovery } from './migrations/0004_call_recovery';
import { mediaStartFailure } from './migrations/0005_media_start_failure';
import { linkTests } from './migrations/0006_link_tests';
import { signOrLipReading } from './migrations/0007_sign_or_lip_reading';
import { oneCitizenPerKiosk } from './migrations/0008_one_citizen_per_kiosk';
import { callCarrier } from './migrations/0009_call_carrier';
import { impactReport } from './migrations/0010_impact_report';
import { nightlyTests } from './migrations/0011_nightly_tests';
import { kioskAvailability } from './migrations/0012_kiosk_availability';
import { callTransfers } from './migrations/0013_call_transfers';
import { interpreter } from './migrations/0014_interpreter';
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
    '0008_one_citizen_per_kiosk': oneCitizenPerKiosk,
    '0009_call_carrier': callCarrier,
    '0010_impact_report': impactReport,
    '0011_nightly_tests': nightlyTests,
    '0012_kiosk_availability': kioskAvailability,
    '0013_call_transfers': callTransfers,
    '0014_interpreter': interpreter,
  }),
};

/** A readiness probe that gets no answer within this counts as a failure. */
const HEALTH_TIMEOUT_MS = 2_000;
/** A pool connection not had within this fails the query instead of waiting for ever. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface StoreOptions {
  /** SQLite file path, or ':memory:'. Used when `databaseUrl` is not given. */
  sqliteFile: string;
  /** postgres:// or postgresql:// URL: PostgreSQL, which several server nodes may share. */
  databaseUrl?: string | undefined;
  /** Connections in the PostgreSQL pool (default 10). */
  poolMax?: number | undefined;
  /** An idle pooled connection failed (the database restarted…): told here, never thrown. */
  onPoolError?: ((error: Error) => void) | undefined;
}

// PostgreSQL's int8 (COUNT, SUM of integers) comes as a string from `pg`: the repositories expect
// numbers as SQLite gives them. Counts and our integer columns stay far below 2^53.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The database connection. SQLite (better-sqlite3) is the embedded default; with a `databaseUrl`
 * the same Kysely code runs on PostgreSQL through a `pg` pool (several server nodes, one database).
 * Rules that must stay atomic across nodes are in docs/database.md.
 */
export class Store {
  private checkpointer: WalCheckpointer | undefined;

  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    private readonly sqlite: SQLite.Database | undefined,
  ) {}

  static async open(options: StoreOptions): Promise<Store> {
    const store = options.databaseUrl ? Store.postgres(options) : Store.sqliteFile(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.db.destroy();
      throw error;
    }
    if (store.sqlite && options.sqliteFile !== ':memory:')
      store.checkpointer = new WalCheckpointer(store.sqlite, options.sqliteFile);
    return store;
  }

  private static sqliteFile(options: StoreOptions): Store {
    if (options.sqliteFile !== ':memory:')
      fs.mkdirSync(path.dirname(options.sqliteFile), { recursive: true });
    const sqlite = new SQLite(options.sqliteFile);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const dialect = new SqliteDialect({ database: new StatementCache(sqlite) });
    return new Store(new Kysely<Database>({ dialect }), 'sqlite', sqlite);
  }

  private static postgres(options: StoreOptions): Store {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: pgTypes,
    });
    // Without a listener, an idle connection that breaks would crash the process.
    pool.on('error', (error) => options.onPoolError?.(error));
    const dialect: Dialect = new PostgresDialect({ pool });
    return new Store(new Kysely<Database>({ dialect }), 'postgres', undefined);
  }

  private async migrate(): Promise<void> {
    // On PostgreSQL, Kysely's Migrator holds an advisory lock: nodes starting together migrate once.
    const { error, results } = await new Migrator({
      db: this.db,
      provider: migrations,
    }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
    }
  }

  /** A cheap query proving the database answers (readiness); false on error or after 2 s. */
  async isHealthy(): Promise<boolean> {
    if (this.sqlite) {
      try {
        return this.sqlite.open && this.sqlite.prepare('select 1 as ok').get() !== undefined;
      } catch {
        return false;
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS);
    });
    try {
      return await Promise.race([ping(this.db).catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    await this.db.destroy();
  }
}
