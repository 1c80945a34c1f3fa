import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ServerProcess';

const run = promisify(execFile);
/** Debian's postgresql-15 (installed by `scripts/setup.sh --for-tests`). */
const BIN = '/usr/lib/postgresql/15/bin';
/** The cluster's superuser: trusted on 127.0.0.1 and its socket in the temp dir, nowhere else. */
const SUPERUSER = 'visio';
/** The unprivileged system user that owns and runs the cluster when we are root. */
const RUN_AS = 'postgres';

/**
 * A throw-away PostgreSQL cluster for tests: `initdb` into a temp dir, the server on a free port on
 * 127.0.0.1 with its socket in that dir, durability off (fsync, synchronous commit, full pages),
 * stopped (immediate) and removed by `stop()`, or when the process exits without calling it.
 * PostgreSQL refuses to run as root: as root, the temp dir goes to the `postgres` system user and
 * both initdb and the server run as that user (`runuser`); otherwise as ourselves. No system
 * PostgreSQL service is assumed or touched. Each test server gets a database of its own
 * (`createDatabase`).
 */
export class PostgresCluster {
  private stopped = false;
  private readonly onExit = () => this.stopNow();

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    process.once('exit', this.onExit);
  }

  /** The `postgres` maintenance database, as the superuser (for CREATE/DROP DATABASE). */
  get adminUrl(): string {
    return databaseUrl(this.port, 'postgres');
  }

  static async start(): Promise<PostgresCluster> {
    if (!fs.existsSync(path.join(BIN, 'initdb'))) {
      throw new Error(
        `${BIN}/initdb not found: run \`bash scripts/setup.sh --for-tests\` (installs postgresql-15)`,
      );
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-pg-'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', RUN_AS]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', RUN_AS]).toString().trim());
      fs.chownSync(dir, uid, gid);
    }
    fs.chmodSync(dir, 0o700);
    const cluster = new PostgresCluster(dir, await freePort('127.0.0.1'));
    try {
      // C collation: text sorts by bytes as in SQLite (ISO times, ids, names order the same).
      await cluster.as(asRoot, 'initdb', [
        '--pgdata',
        cluster.dataDir,
        '--username',
        SUPERUSER,
        '--auth',
        'trust',
        '--no-locale',
        '--encoding',
        'UTF8',
        '--no-sync',
        '--no-instructions',
      ]);
      const options = [
        `-p ${cluster.port}`,
        "-c listen_addresses='127.0.0.1'",
        `-c unix_socket_directories='${dir}'`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=300',
      ].join(' ');
      await cluster.as(asRoot, 'pg_ctl', [
        'start',
        '--pgdata',
        cluster.dataDir,
        '--wait',
        '--timeout',
        '60',
        '--log',
        path.join(dir, 'server.log'),
        '-o',
        options,
      ]);
    } catch (error) {
      const log = cluster.log();
      cluster.stopNow();
      throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`);
    }
    return cluster;
  }

  /** A new, empty database; its URL. */
  createDatabase(): Promise<string> {
    return createTestDatabase(this.adminUrl);
  }

  /** Stops the server at once (no checkpoint: the data is thrown away) and removes the dir. */
  async stop(): Promise<void> {
    this.stopNow();
    await Promise.resolve();
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8').slice(-4_000);
    } catch {
      return '';
    }
  }

  private async as(asRoot: boolean, program: string, args: string[]): Promise<void> {
    const bin = path.join(BIN, program);
    // The temp dir is the cluster's working directory: runuser's user may not read ours.
    if (asRoot) await run('runuser', ['-u', RUN_AS, '--', bin, ...args], { cwd: this.dir });
    else await run(bin, args, { cwd: this.dir });
  }

  /** Synchronous, so that it can run in an 'exit' handler too. */
  private stopNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.off('exit', this.onExit);
    if (fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      const args = ['stop', '--pgdata', this.dataDir, '--mode', 'immediate', '--wait'];
      try {
        if (process.getuid?.() === 0)
          execFileSync('runuser', ['-u', RUN_AS, '--', path.join(BIN, 'pg_ctl'), ...args], {
            cwd: this.dir,
            stdio: 'ignore',
          });
        else execFileSync(path.join(BIN, 'pg_ctl'), args, { cwd: this.dir, stdio: 'ignore' });
      } catch {
        // Already gone: nothing to stop.
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function databaseUrl(port: number, database: string): string {
  return `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
}

/** The maintenance database named in a database URL's place, for CREATE/DROP DATABASE. */
function adminUrlOf(url: string): { admin: string; database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  parsed.pathname = '/postgres';
  return { admin: parsed.toString(), database };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new database on the cluster behind `adminUrl` (as the globalSetup provides it); its URL. */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  const name = `visio_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by `createTestDatabase` (its connections are closed first). */
export async function dropTestDatabase(url: string): Promise<void> {
  const { admin, database } = adminUrlOf(url);
  await adminQuery(admin, `drop database if exists "${database}" with (force)`);
}
