import type { Kysely, Migration } from 'kysely';

/** The citizen's one-tap satisfaction survey, kept with the call's metadata (no personal data). */
export const callSurvey: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('call_records').addColumn('survey_rating', 'integer').execute();
    await db.schema.alterTable('call_records').addColumn('survey_bad_quality', 'integer').execute();
    await db.schema.alterTable('call_records').addColumn('survey_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('call_records').dropColumn('survey_at').execute();
    await db.schema.alterTable('call_records').dropColumn('survey_bad_quality').execute();
    await db.schema.alterTable('call_records').dropColumn('survey_rating').execute();
  },
};
