/**
 * Where the server's SQLite time goes, per SQL text: a preload for the benchmark's server child.
 *
 *   BENCH_SQL_TIMES=/tmp/sql-times.txt \
 *   BENCH_SERVER_NODE_ARGS="--import ./bench/signalling/sqlTimes.ts" npm run bench:signalling
 *
 * On exit, the file lists each statement's total time, calls and rows per call, and how many
 * times statements were prepared. The whole run is counted (kiosks connecting too). Timing
 * every call slows the server a little: read it for the breakdown, not for latencies.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type SQLite from 'better-sqlite3';

const out = process.env.BENCH_SQL_TIMES;
if (out) {
  // The server's own copy of better-sqlite3, as resolved from server/.
  const require = createRequire(path.resolve('server/package.json'));
  const Database = require('better-sqlite3') as typeof SQLite;
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('select 1')) as SQLite.Statement;
  probe.close();

  const times = new Map<string, { calls: number; ms: number; rows: number }>();
  const count = (key: string, ms: number, rows: number) => {
    const t = times.get(key) ?? { calls: 0, ms: 0, rows: 0 };
    t.calls += 1;
    t.ms += ms;
    t.rows += rows;
    times.set(key, t);
  };
  // The five-table view select is long: name it by its WHERE clause only.
  const label = (sql: string) =>
    sql.replace(/^select "a"\.\*, .* on "st"\."id" = "a"\."advisor_id"/, 'VIEW');

  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: SQLite.Database, sql: string) {
    const t0 = performance.now();
    const statement = prepare.call(this, sql);
    count('(prepare)', performance.now() - t0, 0);
    return statement;
  } as typeof prepare;
  for (const method of ['all', 'get', 'run'] as const) {
    const original = Statement[method] as (...args: unknown[]) => unknown;
    (Statement as unknown as Record<string, unknown>)[method] = function (
      this: SQLite.Statement,
      ...args: unknown[]
    ) {
      const t0 = performance.now();
      const result = original.apply(this, args);
      const rows = Array.isArray(result) ? result.length : 1;
      count(`${method} ${label(this.source)}`, performance.now() - t0, rows);
      return result;
    };
  }

  process.on('exit', () => {
    const lines = [...times]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(
        ([key, t]) =>
          `${t.ms.toFixed(1).padStart(9)} ms ${String(t.calls).padStart(7)} calls ` +
          `${(t.rows / t.calls).toFixed(0).padStart(5)} rows/call  ${key}`,
      );
    fs.writeFileSync(out, `${lines.join('\n')}\n`);
  });
}
