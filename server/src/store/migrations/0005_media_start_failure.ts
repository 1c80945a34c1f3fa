import type { Kysely, Migration } from 'kysely';

/**
 * A call whose media never started (media_unreachable) keeps why with its metadata: the
 * directions without media, whose path failed, and each party's ICE and DTLS states (JSON).
 */
export const mediaStartFailure: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('call_records').addColumn('media_failure', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('call_records').dropColumn('media_failure').execute();
  },
};
