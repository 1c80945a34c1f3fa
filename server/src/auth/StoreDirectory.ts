import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KioskSummary } from '@visio/shared/protocol';
import type { Database } from '../store/schema';
import type { Directory, KioskRecord } from './Directory';
import type { KioskPrincipal, StaffPrincipal } from './Principal';
import type { SessionService } from './SessionService';

/** 32 random bytes, base64url: what an enrolled kiosk holds. */
const DEVICE_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The `Directory` backed by the store: kiosks authenticate with the device token they received at
 * enrolment (only while enrolled), staff with their session token. Revoked kiosks are invisible to
 * calls and presence; the kiosk summaries for staff show every kiosk.
 */
export class StoreDirectory implements Directory {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessions: SessionService,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticateKiosk(token: string): Promise<KioskPrincipal | undefined> {
    if (!DEVICE_TOKEN_SHAPE.test(token)) return undefined;
    const row = await this.db
      .selectFrom('kiosks')
      .select(['id', 'name'])
      .where('device_token_hash', '=', hashDeviceToken(token))
      .where('enrolment_state', '=', 'enrolled')
      .executeTakeFirst();
    return row && { kind: 'kiosk', kioskId: row.id, name: row.name };
  }

  authenticateStaff(token: string): Promise<StaffPrincipal | undefined> {
    return this.sessions.resolve(token);
  }

  async listKiosks(): Promise<KioskRecord[]> {
    const rows = await this.db
      .selectFrom('kiosks')
      .select(['id', 'name'])
      .where('enrolment_state', '!=', 'revoked')
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ kioskId: r.id, name: r.name }));
  }

  async getKiosk(kioskId: string): Promise<KioskRecord | undefined> {
    const row = await this.db
      .selectFrom('kiosks')
      .select(['id', 'name'])
      .where('id', '=', kioskId)
      .where('enrolment_state', '!=', 'revoked')
      .executeTakeFirst();
    return row && { kioskId: row.id, name: row.name };
  }

  /** The site a kiosk stands at (bookings and walk-ins follow the site's hours and time zone). */
  async siteOfKiosk(kioskId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('kiosks')
      .select('site_id')
      .where('id', '=', kioskId)
      .executeTakeFirst();
    return row?.site_id;
  }

  /** Every kiosk, revoked ones included, with its site and enrolment state, by site then name. */
  async listKioskSummaries(): Promise<KioskSummary[]> {
    const rows = await this.summaryQuery().orderBy('sites.name').orderBy('kiosks.name').execute();
    return rows.map((r) => this.toSummary(r));
  }

  async kioskSummary(kioskId: string): Promise<KioskSummary | undefined> {
    const row = await this.summaryQuery().where('kiosks.id', '=', kioskId).executeTakeFirst();
    return row && this.toSummary(row);
  }

  private summaryQuery() {
    return this.db
      .selectFrom('kiosks')
      .innerJoin('sites', 'sites.id', 'kiosks.site_id')
      .select([
        'kiosks.id as kioskId',
        'kiosks.name as name',
        'kiosks.site_id as siteId',
        'sites.name as siteName',
        'kiosks.enrolment_state as enrolmentState',
        'kiosks.enrolment_expires_at as enrolmentExpiresAt',
        'kiosks.out_of_service as outOfService',
      ]);
  }

  private toSummary(row: {
    kioskId: string;
    name: string;
    siteId: string;
    siteName: string;
    enrolmentState: KioskSummary['enrolmentState'];
    enrolmentExpiresAt: string | null;
    outOfService: number;
  }): KioskSummary {
    const codeOutstanding =
      row.enrolmentExpiresAt !== null &&
      row.enrolmentExpiresAt > new Date(this.now()).toISOString();
    return {
      kioskId: row.kioskId,
      name: row.name,
      siteId: row.siteId,
      siteName: row.siteName,
      enrolmentState: row.enrolmentState,
      enrolmentCodeExpiresAt: codeOutstanding ? row.enrolmentExpiresAt : null,
      outOfService: row.outOfService !== 0,
    };
  }
}
