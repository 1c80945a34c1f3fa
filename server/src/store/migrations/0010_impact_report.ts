import type { Kysely, Migration } from 'kysely';
import { dialectOf } from '../dialect';

/**
 * What the impact report needs beyond what was kept:
 * - per (site, service), the road distance from the site to the partner's nearest office, set by
 *   an admin: each interview held at the kiosk avoids a round trip of twice that distance;
 * - per call record, the accessibility features used in it: real-time text (the text itself dies
 *   with the call, this 0/1 is all that stays), read-aloud at the kiosk (0/1), and the language
 *   the kiosk showed (`fr`, `en`; null when the kiosk did not say).
 */
export const impactReport: Migration = {
  async up(db: Kysely<unknown>) {
    // SQLite's REAL is 8 bytes; PostgreSQL's `real` only 4: there the distance is a double too.
    const real = dialectOf(db) === 'postgres' ? 'double precision' : 'real';
    await db.schema.alterTable('site_services').addColumn('office_distance_km', real).execute();
    await db.schema
      .alterTable('call_records')
      .addColumn('text_used', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('call_records')
      .addColumn('read_aloud', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('call_records').addColumn('kiosk_language', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('call_records').dropColumn('kiosk_language').execute();
    await db.schema.alterTable('call_records').dropColumn('read_aloud').execute();
    await db.schema.alterTable('call_records').dropColumn('text_used').execute();
    await db.schema.alterTable('site_services').dropColumn('office_distance_km').execute();
  },
};
