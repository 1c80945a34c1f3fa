import type { Kysely, Migration } from 'kysely';

/**
 * Kiosk availability (issue 14, impact report): per kiosk and local day of its site, the minutes
 * of opening hours during which it was usable (online, in service). A row exists from the first
 * opening minute the server saw after the kiosk's enrolment; the report counts the opening hours
 * of a day without a row (the server was down) as unavailable. No person, only a device's line.
 */
export const kioskAvailability: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('kiosk_availability')
      .addColumn('kiosk_id', 'text', (c) => c.notNull().references('kiosks.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('online_minutes', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('kiosk_availability_pk', ['kiosk_id', 'day'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('kiosk_availability').execute();
  },
};
