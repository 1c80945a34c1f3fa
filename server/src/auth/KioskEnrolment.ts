import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import {
  AppError,
  normalizedDisplayName,
  ENROLMENT_CODE_ALPHABET,
  ENROLMENT_CODE_LENGTH,
  type KioskSummary,
} from '@visio/shared/protocol';
import type { AuditEntry, AuditLog } from '../store/AuditLog';
import { lockRows } from '../store/dialect';
import type { Database } from '../store/schema';
import {
  localAttemptCounters,
  type AttemptCounter,
  type AttemptCounters,
  type AttemptRule,
} from './AttemptLimiter';
import type { ServerSecret } from './ServerSecret';
import { hashDeviceToken, type StoreDirectory } from './StoreDirectory';

/** Long enough to send a code to a site and have someone there type it at the kiosk. */
export const ENROLMENT_CODE_TTL_MS = 7 * 24 * 3_600_000;
/** Wrong codes allowed per client network: 40-bit codes stay out of reach of guessing. */
export const ENROLMENT_CODE_LIMIT: AttemptRule = { max: 10, windowMs: 15 * 60_000 };

const CODE_PURPOSE = 'kiosk-enrolment-code';
const CODE_SHAPE = new RegExp(`^[${ENROLMENT_CODE_ALPHABET}]{${ENROLMENT_CODE_LENGTH}}$`);

export interface IssuedEnrolmentCode {
  kiosk: KioskSummary;
  /** Shown once; only its HMAC is stored. */
  enrolmentCode: string;
  expiresAt: Date;
}

export interface EnrolledKiosk {
  kioskId: string;
  name: string;
  /** Shown once, to the kiosk; only its SHA-256 is stored. */
  deviceToken: string;
}

export interface KioskEnrolmentEvents {
  /** The kiosk's previous device token stopped working: its live sockets should be closed. */
  deviceTokenInvalidated: [{ kioskId: string; reason: 'revoked' | 're_enrolled' }];
}

/**
 * The life of a kiosk's credentials: created pending with a one-time code, enrolled by the first
 * device that presents the code (which receives a device token), re-enrolled with a new code (the
 * new device's token replaces the old one), revoked (the token stops working at once).
 */
export class KioskEnrolment extends EventEmitter<KioskEnrolmentEvents> {
  private readonly codeAttempts: AttemptCounter;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secret: ServerSecret,
    private readonly audit: AuditLog,
    private readonly directory: StoreDirectory,
    private readonly now: () => number = Date.now,
    counters: AttemptCounters = localAttemptCounters,
  ) {
    super();
    this.codeAttempts = counters('enrolment_code', ENROLMENT_CODE_LIMIT, now);
  }

  /** A new kiosk at `siteId` (NOT_FOUND if no such site), pending enrolment with a fresh code. */
  async createKiosk(
    input: { name: string; siteId: string },
    actor: AuditEntry['actor'],
  ): Promise<IssuedEnrolmentCode> {
    const name = normalizedDisplayName(input.name);
    const kioskId = randomUUID();
    const { code, codeHash, expiresAt } = this.issueCode();
    await this.db.transaction().execute(async (trx) => {
      const site = await trx
        .selectFrom('sites')
        .select('id')
        .where('id', '=', input.siteId)
        .executeTakeFirst();
      if (!site) throw new AppError('NOT_FOUND', 'No such site');
      await trx
        .insertInto('kiosks')
        .values({
          id: kioskId,
          site_id: input.siteId,
          name,
          enrolment_state: 'pending',
          enrolment_code_hash: codeHash,
          enrolment_expires_at: expiresAt.toISOString(),
          device_token_hash: null,
          created_at: new Date(this.now()).toISOString(),
        })
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'kiosk.create',
          target: { type: 'kiosk', id: kioskId },
          details: { siteId: input.siteId },
        },
        trx,
      );
    });
    return { kiosk: await this.summary(kioskId), enrolmentCode: code, expiresAt };
  }

  /**
   * A fresh code for an existing kiosk, replacing any outstanding one. An enrolled kiosk keeps
   * working until a device enrols with the new code; a revoked kiosk becomes pending again.
   */
  async newEnrolmentCode(
    kioskId: string,
    actor: AuditEntry['actor'],
  ): Promise<IssuedEnrolmentCode> {
    const { code, codeHash, expiresAt } = this.issueCode();
    await this.db.transaction().execute(async (trx) => {
      // Read and written under the row's lock: a revoke on another node waits, then sees this.
      await lockRows(trx, { kiosks: [kioskId] });
      const kiosk = await trx
        .selectFrom('kiosks')
        .select('enrolment_state')
        .where('id', '=', kioskId)
        .executeTakeFirst();
      if (!kiosk) throw new AppError('NOT_FOUND', 'No such kiosk');
      const state = kiosk.enrolment_state === 'revoked' ? 'pending' : kiosk.enrolment_state;
      await trx
        .updateTable('kiosks')
        .set({
          enrolment_state: state,
          enrolment_code_hash: codeHash,
          enrolment_expires_at: expiresAt.toISOString(),
        })
        .where('id', '=', kioskId)
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'kiosk.enrolment_code',
          target: { type: 'kiosk', id: kioskId },
          details: { state },
        },
        trx,
      );
    });
    return { kiosk: await this.summary(kioskId), enrolmentCode: code, expiresAt };
  }

  /**
   * Trades a valid code for a device token, once. Any code that does not open a pending enrolment
   * (mistyped, expired, used, revoked) gets the same NOT_FOUND and counts against the client's
   * limit; RATE_LIMITED (with the wait) once the limit is reached.
   */
  async enrol(code: string, client: string): Promise<EnrolledKiosk> {
    const wait = await this.codeAttempts.retryAfterSeconds(client);
    if (wait > 0) {
      throw AppError.withReason(
        'RATE_LIMITED',
        'too_many_attempts',
        `Too many wrong codes; try again in ${Math.ceil(wait / 60)} min`,
        wait,
      );
    }
    const normalized = normalizeEnrolmentCode(code);
    const enrolled = normalized && (await this.redeem(this.secret.hmac(CODE_PURPOSE, normalized)));
    if (!enrolled) {
      await this.codeAttempts.recordFailure(client);
      throw AppError.withReason('NOT_FOUND', 'invalid_code', 'This enrolment code is not valid');
    }
    if (enrolled.replacedToken) {
      this.emit('deviceTokenInvalidated', { kioskId: enrolled.kioskId, reason: 're_enrolled' });
    }
    return { kioskId: enrolled.kioskId, name: enrolled.name, deviceToken: enrolled.deviceToken };
  }

  /** The kiosk's token stops working and any outstanding code is void. Idempotent. */
  async revoke(kioskId: string, actor: AuditEntry['actor']): Promise<void> {
    const changed = await this.db.transaction().execute(async (trx) => {
      // Two revokes at once (two nodes): the second waits for the row, then finds it revoked.
      await lockRows(trx, { kiosks: [kioskId] });
      const kiosk = await trx
        .selectFrom('kiosks')
        .select('enrolment_state')
        .where('id', '=', kioskId)
        .executeTakeFirst();
      if (!kiosk) throw new AppError('NOT_FOUND', 'No such kiosk');
      if (kiosk.enrolment_state === 'revoked') return false;
      await trx
        .updateTable('kiosks')
        .set({
          enrolment_state: 'revoked',
          enrolment_code_hash: null,
          enrolment_expires_at: null,
          device_token_hash: null,
        })
        .where('id', '=', kioskId)
        .execute();
      await this.audit.record(
        {
          actor,
          action: 'kiosk.revoke',
          target: { type: 'kiosk', id: kioskId },
          details: { previousState: kiosk.enrolment_state },
        },
        trx,
      );
      return true;
    });
    if (changed) this.emit('deviceTokenInvalidated', { kioskId, reason: 'revoked' });
  }

  /** An out-of-service kiosk still connects (to say so on screen) but takes no bookings. */
  async setOutOfService(
    kioskId: string,
    outOfService: boolean,
    actor: AuditEntry['actor'],
  ): Promise<KioskSummary> {
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('kiosks')
        .set({ out_of_service: outOfService ? 1 : 0 })
        .where('id', '=', kioskId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw new AppError('NOT_FOUND', 'No such kiosk');
      await this.audit.record(
        {
          actor,
          action: 'kiosk.out_of_service',
          target: { type: 'kiosk', id: kioskId },
          details: { outOfService },
        },
        trx,
      );
    });
    return this.summary(kioskId);
  }

  private async redeem(codeHash: string) {
    const deviceToken = randomBytes(32).toString('base64url');
    return this.db.transaction().execute(async (trx) => {
      const kiosk = await trx
        .selectFrom('kiosks')
        .select(['id', 'name', 'device_token_hash'])
        .where('enrolment_code_hash', '=', codeHash)
        .where('enrolment_expires_at', '>', new Date(this.now()).toISOString())
        .where('enrolment_state', '!=', 'revoked')
        .executeTakeFirst();
      if (!kiosk) return undefined;
      // Conditional on the code still being there: two devices racing with one code, one wins.
      const updated = await trx
        .updateTable('kiosks')
        .set({
          enrolment_state: 'enrolled',
          device_token_hash: hashDeviceToken(deviceToken),
          enrolment_code_hash: null,
          enrolment_expires_at: null,
        })
        .where('id', '=', kiosk.id)
        .where('enrolment_code_hash', '=', codeHash)
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) return undefined;
      const replacedToken = kiosk.device_token_hash !== null;
      await this.audit.record(
        {
          actor: { kind: 'kiosk', id: kiosk.id },
          action: 'kiosk.enrol',
          target: { type: 'kiosk', id: kiosk.id },
          details: { reEnrolment: replacedToken },
        },
        trx,
      );
      return { kioskId: kiosk.id, name: kiosk.name, deviceToken, replacedToken };
    });
  }

  private issueCode(): { code: string; codeHash: string; expiresAt: Date } {
    // 32 symbols divide 256 evenly: masking a random byte picks each symbol with equal chance.
    const code = [...randomBytes(ENROLMENT_CODE_LENGTH)]
      .map((byte) => ENROLMENT_CODE_ALPHABET[byte & 31])
      .join('');
    return {
      code,
      codeHash: this.secret.hmac(CODE_PURPOSE, code),
      expiresAt: new Date(this.now() + ENROLMENT_CODE_TTL_MS),
    };
  }

  private async summary(kioskId: string): Promise<KioskSummary> {
    const summary = await this.directory.kioskSummary(kioskId);
    if (!summary) throw new AppError('NOT_FOUND', 'No such kiosk');
    return summary;
  }
}

/** Forgives case, spaces and dashes (`abcd-2345`); undefined if it cannot be a code at all. */
export function normalizeEnrolmentCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return CODE_SHAPE.test(code) ? code : undefined;
}
