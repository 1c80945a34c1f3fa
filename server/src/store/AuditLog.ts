import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

export interface AuditEntry {
  actor: { kind: 'staff' | 'kiosk' | 'system'; id?: string | undefined };
  /** Dotted verb, e.g. `appointment.create`, `auth.login_failed`, `kiosk.enrol`. */
  action: string;
  target?: { type: string; id: string } | undefined;
  /** Ids, states and reasons only — never names, codes, tokens or citizen references. */
  details?: Record<string, unknown> | undefined;
}

/** Append-only record of who did what. Written in the same transaction as the change when given one. */
export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record(
    entry: AuditEntry,
    trx: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<void> {
    await trx
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        at: new Date().toISOString(),
        actor_kind: entry.actor.kind,
        actor_id: entry.actor.id ?? null,
        action: entry.action,
        target_type: entry.target?.type ?? null,
        target_id: entry.target?.id ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
      })
      .execute();
  }

  async recent(limit = 100) {
    return this.db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(limit).execute();
  }
}
