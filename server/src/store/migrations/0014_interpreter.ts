import type { Kysely, Migration } from 'kysely';

/**
 * Three-way calls (issue 14): a call record keeps the interpretation an interpreter gave in it
 * (`lsf`, `lpc`, or `spoken:<language>`; null: none), a role and never a name, for the records
 * and the impact report. A running call keeps its interpreter's id and interpretation too, so that
 * a node adopting it knows who may rejoin as its interpreter.
 */
export const interpreter: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('call_records').addColumn('interpreter', 'text').execute();
    await db.schema.alterTable('live_calls').addColumn('interpreter_id', 'text').execute();
    await db.schema.alterTable('live_calls').addColumn('interpretation', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('live_calls').dropColumn('interpretation').execute();
    await db.schema.alterTable('live_calls').dropColumn('interpreter_id').execute();
    await db.schema.alterTable('call_records').dropColumn('interpreter').execute();
  },
};
