import type { Kysely, Migration } from 'kysely';

/**
 * Calls that survive faults. Running calls are kept in the store while they run (parties, epoch,
 * chat, the list of shared documents) so that a restarted server restores them; their rows go
 * when the call ends. Incidents (a lost media room, a party away) stay with the call's metadata:
 * causes and durations only. An appointment handed back when its advisor vanished goes to the
 * head of its service's queue.
 */
export const callRecovery: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('live_calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kiosk_id', 'text', (c) => c.notNull())
      .addColumn('advisor_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text')
      .addColumn('service_id', 'text')
      .addColumn('kiosk_name', 'text', (c) => c.notNull())
      .addColumn('advisor_name', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('media_epoch', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('live_call_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('call_id', 'text', (c) =>
        c.notNull().references('live_calls.id').onDelete('cascade'),
      )
      .addColumn('from_party', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('live_call_messages_call')
      .on('live_call_messages')
      .columns(['call_id', 'at'])
      .execute();
    await db.schema
      .createTable('live_call_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('call_id', 'text', (c) =>
        c.notNull().references('live_calls.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('from_party', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('call_incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer')
      .execute();
    await db.schema
      .createIndex('call_incidents_call')
      .on('call_incidents')
      .columns(['call_id'])
      .execute();
    await db.schema.alterTable('appointments').addColumn('handed_back_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('appointments').dropColumn('handed_back_at').execute();
    await db.schema.dropTable('call_incidents').execute();
    await db.schema.dropTable('live_call_documents').execute();
    await db.schema.dropTable('live_call_messages').execute();
    await db.schema.dropTable('live_calls').execute();
  },
};
