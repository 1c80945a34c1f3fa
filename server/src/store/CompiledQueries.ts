import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Hot queries built with Kysely, compiled to SQL once per shape instead of at every call: building
 * and compiling a five-table join costs more than SQLite takes to run it. A shape is a key the
 * caller chooses (e.g. `find`, or `waiting:2:0` for two services and no advisor); its parameters
 * are given by the caller in the order the query binds them. The first compile of each shape
 * checks that order, so a key that does not pin down the SQL, or parameters out of order, fail
 * loudly at once instead of querying the wrong thing.
 */
export class CompiledQueries {
  private readonly sqlByShape = new Map<string, string>();

  async rows<R>(
    db: Kysely<Database>,
    shape: string,
    parameters: readonly unknown[],
    build: () => Compilable<R>,
  ): Promise<R[]> {
    const sql = this.sqlByShape.get(shape);
    if (sql !== undefined) {
      const query = CompiledQuery.raw(sql, [...parameters]) as CompiledQuery<R>;
      return (await db.executeQuery(query)).rows;
    }
    const compiled = build().compile();
    if (
      compiled.parameters.length !== parameters.length ||
      compiled.parameters.some((p, i) => p !== parameters[i])
    ) {
      throw new Error(`Query shape ${shape}: parameters are not those the query binds`);
    }
    this.sqlByShape.set(shape, compiled.sql);
    return (await db.executeQuery(compiled)).rows;
  }

  /** How many shapes are compiled (for tests and diagnostics). */
  get size(): number {
    return this.sqlByShape.size;
  }
}
