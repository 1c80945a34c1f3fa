import type { Kysely, Migration } from 'kysely';

/**
 * Nightly test calls (issue 14): each kiosk's results, per path, kept for its site's baseline and
 * the technician console. Figures of a kiosk's line only; nobody is in front of a kiosk then.
 * `paths` is a JSON array of the per-path figures (1 to 3 entries), read back through its schema.
 */
export const nightlyTests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('nightly_tests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kiosk_id', 'text', (c) => c.notNull().references('kiosks.id').onDelete('cascade'))
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('paths', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('nightly_tests_kiosk_at')
      .on('nightly_tests')
      .columns(['kiosk_id', 'at'])
      .execute();
    await db.schema
      .createIndex('nightly_tests_site_at')
      .on('nightly_tests')
      .columns(['site_id', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('nightly_tests').execute();
  },
};
