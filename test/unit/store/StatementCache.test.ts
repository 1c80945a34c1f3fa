import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { StatementCache } from '../../../server/src/store/StatementCache';

// The prepared-statement cache under Kysely: same answers as without it, each SQL text prepared
// once, bounded, nothing reused once the database is closed.

interface Db {
  items: { id: number; name: string };
}

const opened: SQLite.Database[] = [];

/** An in-memory database whose `prepare` calls are counted per SQL text. */
function database() {
  const sqlite = new SQLite(':memory:');
  opened.push(sqlite);
  sqlite.exec('create table items (id integer primary key, name text not null)');
  const prepared = new Map<string, number>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => {
    prepared.set(sql, (prepared.get(sql) ?? 0) + 1);
    return prepare(sql);
  }) as typeof sqlite.prepare;
  return { sqlite, prepared, total: () => [...prepared.values()].reduce((a, b) => a + b, 0) };
}

const kysely = (database: SQLite.Database | StatementCache) =>
  new Kysely<Db>({ dialect: new SqliteDialect({ database }) });

afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

describe('StatementCache', () => {
  it('answers like the plain database and prepares each SQL text once', async () => {
    const plain = database();
    const cached = database();
    const cache = new StatementCache(cached.sqlite);
    const results = [];
    for (const db of [kysely(plain.sqlite), kysely(cache)]) {
      for (let id = 1; id <= 5; id++)
        await db
          .insertInto('items')
          .values({ id, name: `n${id}` })
          .execute();
      await db.updateTable('items').set({ name: 'changed' }).where('id', '=', 3).execute();
      const answers = [];
      for (let id = 1; id <= 5; id++)
        answers.push(
          await db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst(),
        );
      answers.push(await db.selectFrom('items').select('name').where('id', '>', 3).execute());
      results.push(answers);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[1]![2]).toEqual({ id: 3, name: 'changed' });
    // 5 inserts, 1 update, 5 + 1 selects: four distinct SQL texts.
    expect(plain.total()).toBe(12);
    expect(cached.total()).toBe(4);
    expect([...cached.prepared.values()]).toEqual([1, 1, 1, 1]);
    expect(cache.size).toBe(4);
  });

  it('keeps at most maxSize statements, dropping the least recently used', () => {
    const { sqlite, prepared } = database();
    const cache = new StatementCache(sqlite, 2);
    const a = cache.prepare('select 1');
    cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a); // now the most recently used
    cache.prepare('select 3'); // evicts 'select 2'
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(a);
    cache.prepare('select 2');
    expect(prepared.get('select 1')).toBe(1);
    expect(prepared.get('select 2')).toBe(2);
    expect(cache.size).toBe(2);
    expect(() => new StatementCache(sqlite, 0)).toThrow();
  });

  it('forgets its statements when the database closes and never hands one out again', async () => {
    const { sqlite } = database();
    const cache = new StatementCache(sqlite);
    const db = kysely(cache);
    await db.insertInto('items').values({ id: 1, name: 'a' }).execute();
    expect(cache.size).toBe(1);
    await db.destroy();
    expect(sqlite.open).toBe(false);
    expect(cache.size).toBe(0);
    expect(() => cache.prepare('insert into "items" ("id", "name") values (?, ?)')).toThrow(
      /not open/,
    );
  });

  it('sees columns added after a statement was prepared (migrations)', async () => {
    const { sqlite } = database();
    const db = kysely(new StatementCache(sqlite));
    await db.insertInto('items').values({ id: 1, name: 'a' }).execute();
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([{ id: 1, name: 'a' }]);
    sqlite.exec("alter table items add column colour text not null default 'red'");
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([
      { id: 1, name: 'a', colour: 'red' },
    ]);
  });

  it('hands out a fresh statement while the cached one is still being iterated', () => {
    const { sqlite } = database();
    sqlite.exec("insert into items values (1, 'a'), (2, 'b')");
    const cache = new StatementCache(sqlite);
    const sql = 'select id from items order by id';
    const rows = cache.prepare(sql).iterate([]);
    expect(rows.next().value).toEqual({ id: 1 });
    expect(cache.prepare(sql).all([])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(rows.next().value).toEqual({ id: 2 });
    rows.return?.();
  });
});
