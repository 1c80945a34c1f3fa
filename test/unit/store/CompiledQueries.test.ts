import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompiledQueries, Store } from '../../../server/src/store';

// Queries compiled once per shape: each call still gets its own parameters' rows, the builder
// runs once, and parameters out of order are refused instead of querying the wrong thing.

let store: Store;

beforeEach(async () => {
  store = await Store.open({ sqliteFile: ':memory:' });
  const created_at = '2026-03-09T09:00:00.000Z';
  for (const [id, colour] of [
    ['a', 'red'],
    ['b', 'blue'],
    ['c', 'red'],
  ])
    await store.db
      .insertInto('services')
      .values({ id: id!, name: `service ${id}`, colour: colour!, walk_in_hours: '{}', created_at })
      .execute();
});

afterEach(() => store.close());

describe('CompiledQueries', () => {
  it('builds each shape once and answers every call with its own parameters', async () => {
    const queries = new CompiledQueries();
    let builds = 0;
    const byColour = (colour: string, except: string) =>
      queries.rows(store.db, 'byColour', [colour, except], () => {
        builds += 1;
        return store.db
          .selectFrom('services')
          .select(['id', 'colour'])
          .where('colour', '=', colour)
          .where('id', '!=', except)
          .orderBy('id');
      });
    expect(await byColour('red', 'x')).toEqual([
      { id: 'a', colour: 'red' },
      { id: 'c', colour: 'red' },
    ]);
    expect(await byColour('red', 'a')).toEqual([{ id: 'c', colour: 'red' }]);
    expect(await byColour('blue', 'x')).toEqual([{ id: 'b', colour: 'blue' }]);
    expect(await byColour('green', 'x')).toEqual([]);
    expect(builds).toBe(1);
    expect(queries.size).toBe(1);
  });

  it('runs in the transaction it is given', async () => {
    const queries = new CompiledQueries();
    const names = (db: typeof store.db, id: string) =>
      queries.rows(db, 'name', [id], () =>
        db.selectFrom('services').select('name').where('id', '=', id),
      );
    expect(await names(store.db, 'a')).toEqual([{ name: 'service a' }]);
    await store.db.transaction().execute(async (trx) => {
      await trx.updateTable('services').set({ name: 'renamed' }).where('id', '=', 'a').execute();
      expect(await names(trx, 'a')).toEqual([{ name: 'renamed' }]);
      await trx.deleteFrom('services').where('id', '=', 'b').execute();
      expect(await names(trx, 'b')).toEqual([]);
    });
  });

  it('refuses parameters that are not those the query binds, in order', async () => {
    const queries = new CompiledQueries();
    const build = () =>
      store.db
        .selectFrom('services')
        .select('id')
        .where('colour', '=', 'red')
        .where('id', '!=', 'a');
    await expect(queries.rows(store.db, 'swapped', ['a', 'red'], build)).rejects.toThrow(
      /parameters are not those the query binds/,
    );
    await expect(queries.rows(store.db, 'missing', ['red'], build)).rejects.toThrow(
      /parameters are not those/,
    );
    expect(queries.size).toBe(0);
    expect(await queries.rows(store.db, 'right', ['red', 'a'], build)).toEqual([{ id: 'c' }]);
  });
});
