import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  AppError,
  normalizedDisplayName,
  StaffRoleSchema,
  type StaffRole,
} from '@visio/shared/protocol';
import type { AuditEntry, AuditLog } from '../store/AuditLog';
import { isUniqueViolation } from '../store/dialect';
import type { Database, StaffRow } from '../store/schema';
import type { PasswordHasher } from './PasswordHasher';

export interface NewStaff {
  name: string;
  login: string;
  password: string;
  roles: StaffRole[];
  /** Partner services the person works for (advisors are matched to citizens by service). */
  serviceIds?: string[];
}

export interface StaffAccount {
  staffId: string;
  name: string;
  /** Normalized: trimmed, lower case. */
  login: string;
  roles: StaffRole[];
  serviceIds: string[];
  active: boolean;
}

/** Why credentials were refused; for the audit log only, never for the person trying. */
export type CredentialsRefusal = 'unknown_login' | 'bad_password' | 'inactive';

export type CredentialsCheck =
  { ok: true; account: StaffAccount } | { ok: false; reason: CredentialsRefusal; staffId?: string };

const RolesJson = z.array(StaffRoleSchema);
const SYSTEM: AuditEntry['actor'] = { kind: 'system' };

/** Logins are compared without regard to case or surrounding spaces: `  C.Martin ` is `c.martin`. */
export function normalizeLogin(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase();
}

/** Staff members: who they are, their roles and services, and proof of their password. */
export class StaffAccounts {
  /** A real hash, checked against when the login is unknown so both refusals take as long. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** CONFLICT if the login is taken, NOT_FOUND if a service does not exist. */
  async create(input: NewStaff, actor: AuditEntry['actor'] = SYSTEM): Promise<StaffAccount> {
    const login = normalizeLogin(input.login);
    const name = normalizedDisplayName(input.name);
    const roles = [...new Set(RolesJson.parse(input.roles))];
    const serviceIds = [...new Set(input.serviceIds ?? [])];
    if (!login || !name) throw new AppError('INVALID_INPUT', 'A name and a login are required');
    if (roles.length === 0) throw new AppError('INVALID_INPUT', 'A staff member needs a role');
    if (!input.password) throw new AppError('INVALID_INPUT', 'A password is required');
    const passwordHash = await this.hasher.hash(input.password);
    const staffId = randomUUID();
    // The check reads what is committed; the unique index on login decides between two nodes
    // creating the same login at once (the loser's insert fails: CONFLICT too).
    await this.db
      .transaction()
      .execute(async (trx) => {
        const taken = await trx
          .selectFrom('staff')
          .select('id')
          .where('login', '=', login)
          .executeTakeFirst();
        if (taken) throw new AppError('CONFLICT', 'This login is already taken');
        if (serviceIds.length > 0) {
          const known = await trx
            .selectFrom('services')
            .select('id')
            .where('id', 'in', serviceIds)
            .execute();
          if (known.length !== serviceIds.length)
            throw new AppError('NOT_FOUND', 'No such service');
        }
        await trx
          .insertInto('staff')
          .values({
            id: staffId,
            name,
            login,
            password_hash: passwordHash,
            roles: JSON.stringify(roles),
            active: 1,
            created_at: new Date(this.now()).toISOString(),
          })
          .execute();
        if (serviceIds.length > 0) {
          await trx
            .insertInto('staff_services')
            .values(serviceIds.map((serviceId) => ({ staff_id: staffId, service_id: serviceId })))
            .execute();
        }
        await this.audit.record(
          {
            actor,
            action: 'staff.create',
            target: { type: 'staff', id: staffId },
            details: { roles },
          },
          trx,
        );
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new AppError('CONFLICT', 'This login is already taken');
        throw error;
      });
    return { staffId, name, login, roles, serviceIds, active: true };
  }

  async find(staffId: string): Promise<StaffAccount | undefined> {
    const row = await this.db
      .selectFrom('staff')
      .selectAll()
      .where('id', '=', staffId)
      .executeTakeFirst();
    return row && this.toAccount(row);
  }

  async findByLogin(login: string): Promise<StaffAccount | undefined> {
    const row = await this.db
      .selectFrom('staff')
      .selectAll()
      .where('login', '=', normalizeLogin(login))
      .executeTakeFirst();
    return row && this.toAccount(row);
  }

  /**
   * Checks a login and password. Unknown logins cost a hash too, so that timing does not tell
   * which logins exist. A hash made with an older cost is upgraded on success.
   */
  async verifyCredentials(login: string, password: string): Promise<CredentialsCheck> {
    const row = await this.db
      .selectFrom('staff')
      .selectAll()
      .where('login', '=', normalizeLogin(login))
      .executeTakeFirst();
    if (!row) {
      await this.hasher.verify(password, await this.dummy());
      return { ok: false, reason: 'unknown_login' };
    }
    if (!(await this.hasher.verify(password, row.password_hash)))
      return { ok: false, reason: 'bad_password', staffId: row.id };
    if (row.active !== 1) return { ok: false, reason: 'inactive', staffId: row.id };
    if (this.hasher.needsRehash(row.password_hash)) {
      await this.db
        .updateTable('staff')
        .set({ password_hash: await this.hasher.hash(password) })
        .where('id', '=', row.id)
        .execute();
    }
    return { ok: true, account: await this.toAccount(row) };
  }

  async setPassword(
    staffId: string,
    password: string,
    actor: AuditEntry['actor'] = SYSTEM,
  ): Promise<void> {
    if (!password) throw new AppError('INVALID_INPUT', 'A password is required');
    const passwordHash = await this.hasher.hash(password);
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('staff')
        .set({ password_hash: passwordHash })
        .where('id', '=', staffId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw new AppError('NOT_FOUND', 'No such staff member');
      await this.audit.record(
        { actor, action: 'staff.password_set', target: { type: 'staff', id: staffId } },
        trx,
      );
    });
  }

  /** An inactive member cannot sign in, and their open sessions stop resolving at once. */
  async setActive(
    staffId: string,
    active: boolean,
    actor: AuditEntry['actor'] = SYSTEM,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('staff')
        .set({ active: active ? 1 : 0 })
        .where('id', '=', staffId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw new AppError('NOT_FOUND', 'No such staff member');
      await this.audit.record(
        {
          actor,
          action: active ? 'staff.activate' : 'staff.deactivate',
          target: { type: 'staff', id: staffId },
        },
        trx,
      );
    });
  }

  private async toAccount(row: StaffRow): Promise<StaffAccount> {
    const services = await this.db
      .selectFrom('staff_services')
      .select('service_id')
      .where('staff_id', '=', row.id)
      .execute();
    return {
      staffId: row.id,
      name: row.name,
      login: row.login,
      roles: parseRoles(row.roles),
      serviceIds: services.map((s) => s.service_id),
      active: row.active === 1,
    };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash('not a password anybody has');
    return this.dummyHash;
  }
}

/** Roles as stored; an unreadable value grants nothing rather than failing every request. */
export function parseRoles(json: string): StaffRole[] {
  try {
    const parsed = RolesJson.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
