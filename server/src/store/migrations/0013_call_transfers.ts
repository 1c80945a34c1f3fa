import type { Kysely, Migration } from 'kysely';

/**
 * Warm transfers (issue 14 item 2): each offer of a call to a colleague and how it ended, so that
 * a call's record lists its advisors in order. Staff and appointment ids only; the private note
 * that goes with an offer is never stored. A colleague's appointment names the one it took over
 * (`appointments.transferred_from`).
 */
export const callTransfers: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('call_transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('from_advisor_id', 'text', (c) => c.notNull())
      .addColumn('to_advisor_id', 'text', (c) => c.notNull())
      .addColumn('to_service_id', 'text', (c) => c.notNull())
      .addColumn('from_appointment_id', 'text')
      .addColumn('to_appointment_id', 'text')
      .addColumn('offered_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('call_transfers_call')
      .on('call_transfers')
      .columns(['call_id', 'offered_at'])
      .execute();
    await db.schema.alterTable('appointments').addColumn('transferred_from', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('appointments').dropColumn('transferred_from').execute();
    await db.schema.dropTable('call_transfers').execute();
  },
};
