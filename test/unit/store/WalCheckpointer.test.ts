import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../server/src/store';
import {
  FALLBACK_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
} from '../../../server/src/store/WalCheckpointer';

// The write-ahead log is copied into the database file by a worker thread, not inside a commit
// on the event loop; if the worker cannot run, SQLite's own checkpoints come back.

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-wal-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** How long the worker's first checkpoint, or its failure, may take to be seen. */
const WORKER_WAIT = { timeout: 10_000, interval: 10 };

const autocheckpoint = (db: SQLite.Database) =>
  (db.pragma('wal_autocheckpoint', { simple: true }) as number) ?? 0;

/** The automatic checkpoint threshold of the store's own connection, asked through its API. */
async function storeAutocheckpoint(store: Store): Promise<number> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(
    store.db,
  );
  return rows[0]?.wal_autocheckpoint ?? 0;
}

describe('WalCheckpointer', () => {
  it("checkpoints a store's log from its worker, the server's connection only as a last resort", async () => {
    const file = path.join(dir, 'visio.sqlite');
    const store = await Store.open({ sqliteFile: file });
    expect(await storeAutocheckpoint(store)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);

    const before = fs.statSync(file).size;
    const created_at = new Date(0).toISOString();
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 500; i++)
        await trx
          .insertInto('services')
          .values({
            id: `s${i}`,
            name: 'x'.repeat(200),
            colour: '#000',
            walk_in_hours: '{}',
            created_at,
          })
          .execute();
    });
    // Far fewer pages than any automatic threshold: only the worker copies them into the file.
    await expect.poll(() => fs.statSync(file).size, WORKER_WAIT).toBeGreaterThan(before);

    await store.close();
    const reopened = await Store.open({ sqliteFile: file });
    const { n } = await reopened.db
      .selectFrom('services')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe(500);
    await reopened.close();
  });

  it("gives checkpoints back to the server's connection when the worker cannot run", async () => {
    const file = path.join(dir, 'elsewhere.sqlite');
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    const checkpointer = new WalCheckpointer(db, path.join(dir, 'missing', 'none.sqlite'));
    expect(autocheckpoint(db)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    await expect.poll(() => autocheckpoint(db), WORKER_WAIT).toBe(1000);
    await checkpointer.stop();
    db.close();
  });

  it('lets a process that closes its store finish its work and exit', () => {
    // The worker must not keep a process alive, nor let it end before the last checkpoint.
    const store = path.resolve('server/src/store/index.ts');
    const file = path.join(dir, 'script.sqlite');
    const script = `
      import { Store } from ${JSON.stringify(store)};
      const store = await Store.open({ sqliteFile: ${JSON.stringify(file)} });
      await store.close();
      console.log('closed');
    `;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });
});
