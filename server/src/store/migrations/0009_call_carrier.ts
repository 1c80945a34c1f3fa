import type { Kysely, Migration } from 'kysely';

/**
 * Several nodes share one database (issue 12): each running call names the node incarnation that
 * carries it (`live_calls.node_id`, null on one node), so that a node's start restores its own
 * calls only and the calls of a node that died are adopted by one survivor (an atomic update of
 * that column). A shared document's bytes may be kept with the call's row (`content`, base64)
 * when nodes do not share a disk, so that an adopted call keeps its documents.
 */
export const callCarrier: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('live_calls').addColumn('node_id', 'text').execute();
    await db.schema.createIndex('live_calls_node').on('live_calls').column('node_id').execute();
    await db.schema.alterTable('live_call_documents').addColumn('content', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('live_call_documents').dropColumn('content').execute();
    await db.schema.dropIndex('live_calls_node').execute();
    await db.schema.alterTable('live_calls').dropColumn('node_id').execute();
  },
};
