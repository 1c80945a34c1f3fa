import type { Kysely, Migration } from 'kysely';
import { dialectOf } from '../dialect';

/**
 * Pre-call link tests: each kiosk's runs (paths reachable, RTT, loss, throughput, grade), kept for
 * the technician console's history; figures of a kiosk's line, nothing of the citizen. The grade
 * of the test run for a waiting citizen is kept on the appointment, for the advisor's agenda.
 */
export const linkTests: Migration = {
  async up(db: Kysely<unknown>) {
    // SQLite's REAL is 8 bytes; PostgreSQL's `real` only 4: there the figures are doubles too.
    const real = dialectOf(db) === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('link_tests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kiosk_id', 'text', (c) => c.notNull().references('kiosks.id').onDelete('cascade'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('grade', 'text', (c) => c.notNull())
      .addColumn('limits', 'text', (c) => c.notNull())
      .addColumn('udp', 'integer', (c) => c.notNull())
      .addColumn('tcp', 'integer', (c) => c.notNull())
      .addColumn('turn', 'integer')
      .addColumn('measured_path', 'text')
      .addColumn('rtt_ms', real)
      .addColumn('loss_pct', real)
      .addColumn('throughput_kbps', real)
      .execute();
    await db.schema
      .createIndex('link_tests_kiosk_at')
      .on('link_tests')
      .columns(['kiosk_id', 'at'])
      .execute();
    await db.schema.alterTable('appointments').addColumn('link_grade', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('appointments').dropColumn('link_grade').execute();
    await db.schema.dropTable('link_tests').execute();
  },
};
