import type { Kysely, Migration } from 'kysely';

/**
 * An appointment may be flagged for a citizen who lip-reads or signs: both cameras of its call then
 * keep 20 fps at QVGA (EN 301 549 6.5) or give way to audio + text, never to a lower frame rate.
 * A need, not a diagnosis: one yes/no, chosen at booking, shown to the advisor.
 */
export const signOrLipReading: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('appointments')
      .addColumn('sign_or_lip_reading', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('appointments').dropColumn('sign_or_lip_reading').execute();
  },
};
