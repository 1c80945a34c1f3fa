import { sql, type Kysely, type Transaction } from 'kysely';
import type { AppointmentStatus, AppointmentView, Outcome } from '@visio/shared/protocol';
import {
  CompiledQueries,
  type AppointmentRow,
  type AppointmentUpdate,
  type Database,
  type NewAppointment,
} from '../store';
import { TERMINAL_STATUSES } from './AppointmentLifecycle';

type Db = Kysely<Database> | Transaction<Database>;

/** Appointment rows joined with what a view needs (service, advisor, kiosk, site names). */
function viewQuery(db: Db) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('services as s', 's.id', 'a.service_id')
    .innerJoin('kiosks as k', 'k.id', 'a.kiosk_id')
    .innerJoin('sites as si', 'si.id', 'k.site_id')
    .leftJoin('staff as st', 'st.id', 'a.advisor_id')
    .selectAll('a')
    .select([
      's.name as service_name',
      's.colour as service_colour',
      'k.name as kiosk_name',
      'si.name as site_name',
      'si.timezone as site_timezone',
      'st.name as advisor_name',
    ]);
}

export type AppointmentWithNames = AppointmentRow & {
  service_name: string;
  service_colour: string;
  kiosk_name: string;
  site_name: string;
  site_timezone: string;
  advisor_name: string | null;
};

export function toView(row: AppointmentWithNames, openToService: boolean): AppointmentView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    service: { id: row.service_id, name: row.service_name, colour: row.service_colour },
    advisor: row.advisor_id ? { id: row.advisor_id, name: row.advisor_name ?? '' } : null,
    kiosk: { id: row.kiosk_id, name: row.kiosk_name, siteName: row.site_name },
    startsAt: row.starts_at,
    durationMin: row.duration_min,
    citizenRef: row.citizen_ref,
    signOrLipReading: row.sign_or_lip_reading === 1,
    checkedInAt: row.checked_in_at,
    outcome: row.outcome as Outcome | null,
    openToService,
    linkGrade: row.link_grade,
  };
}

/**
 * Which waiting citizens may be open to every advisor of their service (see
 * `WaitingRoom.openToService`), as far as SQL can tell: walk-ins, citizens without an advisor or
 * whose advisor holds no reservation, and those waiting since the takeover grace began.
 */
export interface OpenToService {
  /** Advisors online and not away: citizens scheduled with them are reserved for them… */
  reservedFor: readonly string[];
  /** …unless checked in at or before this instant (ISO 8601, as `checked_in_at` is written). */
  checkedInAtOrBefore: string;
}

/** Persistence of appointments and walk-in entries. No rules here: see BookingService and WaitingRoom. */
export class AppointmentRepository {
  /** The view queries run on every check-in and queue change: compiled once per shape. */
  private readonly compiled = new CompiledQueries();

  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewAppointment, trx: Db = this.db): Promise<void> {
    await trx.insertInto('appointments').values(row).execute();
  }

  async find(id: string, trx: Db = this.db): Promise<AppointmentWithNames | undefined> {
    const rows = await this.compiled.rows(trx, 'find', [id], () =>
      viewQuery(trx).where('a.id', '=', id),
    );
    return rows[0];
  }

  /**
   * Changes an appointment only if it is still in `expected` status: the loser of a race (two
   * advisors admitting the same citizen) updates nothing and gets false.
   */
  async updateIfStatus(
    id: string,
    expected: AppointmentStatus,
    changes: AppointmentUpdate,
    trx: Db = this.db,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('appointments')
      .set({ ...changes, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * A warm transfer, as one transaction: the citizen's appointment in a call takes `changes` (it
   * completes) and `next` (the colleague's, in the same call) is written; both or neither. False
   * when the first was no longer in a call.
   */
  async handOver(
    fromId: string,
    changes: AppointmentUpdate,
    next: NewAppointment,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.updateIfStatus(fromId, 'in_call', changes, trx))) return false;
      // After the update: at most one appointment of a kiosk is in a call (a unique index).
      await this.insert(next, trx);
      return true;
    });
  }

  async update(id: string, changes: AppointmentUpdate, trx: Db = this.db): Promise<void> {
    await trx
      .updateTable('appointments')
      .set({ ...changes, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async listBetween(
    from: Date,
    to: Date,
    filter: { advisorId?: string | undefined; kioskId?: string | undefined } = {},
  ): Promise<AppointmentWithNames[]> {
    let q = viewQuery(this.db)
      .where('a.starts_at', '>=', from.toISOString())
      .where('a.starts_at', '<', to.toISOString());
    if (filter.advisorId) q = q.where('a.advisor_id', '=', filter.advisorId);
    if (filter.kioskId) q = q.where('a.kiosk_id', '=', filter.kioskId);
    return q.orderBy('a.starts_at').execute();
  }

  /** Live (not terminal) bookings of an advisor or a kiosk overlapping [start, end), except `exceptId`. */
  async overlapping(
    column: 'advisor_id' | 'kiosk_id',
    id: string,
    start: Date,
    end: Date,
    exceptId: string | undefined,
    trx: Db = this.db,
  ): Promise<AppointmentRow[]> {
    // Appointments last at most 120 min: only those starting in [start - 120 min, end) can overlap.
    const earliest = new Date(start.getTime() - 120 * 60_000).toISOString();
    const rows = await trx
      .selectFrom('appointments')
      .selectAll()
      .where(column, '=', id)
      .where('starts_at', '>=', earliest)
      .where('starts_at', '<', end.toISOString())
      .where('status', 'not in', [...TERMINAL_STATUSES])
      .execute();
    return rows.filter(
      (r) =>
        r.id !== exceptId &&
        new Date(r.starts_at).getTime() + r.duration_min * 60_000 > start.getTime(),
    );
  }

  /**
   * Appointments of a kiosk, starting within [from, to), that a code may check in: with their
   * names, so the one that matches moves on without being read again.
   */
  async checkInCandidates(kioskId: string, from: Date, to: Date): Promise<AppointmentWithNames[]> {
    const [start, end] = [from.toISOString(), to.toISOString()];
    return this.compiled.rows(
      this.db,
      'checkInCandidates',
      [kioskId, 'appointment', start, end],
      () =>
        viewQuery(this.db)
          .where('a.kiosk_id', '=', kioskId)
          .where('a.kind', '=', 'appointment')
          .where('a.starts_at', '>=', start)
          .where('a.starts_at', '<', end),
    );
  }

  /** The citizen currently waiting at (or in a call from) a kiosk. */
  async activeAtKiosk(kioskId: string): Promise<AppointmentWithNames | undefined> {
    const rows = await this.compiled.rows(
      this.db,
      'activeAtKiosk',
      [kioskId, 'checked_in', 'in_call'],
      () =>
        viewQuery(this.db)
          .where('a.kiosk_id', '=', kioskId)
          .where('a.status', 'in', ['checked_in', 'in_call'])
          .orderBy('a.checked_in_at', 'desc'),
    );
    return rows[0];
  }

  /**
   * Citizens waiting (checked in), handed-back ones first, then oldest first, of the given services and/or scheduled with the
   * given advisor. Filtered in SQL: the waiting room asks this on every change.
   */
  async waiting(filter: {
    serviceIds?: readonly string[];
    advisorId?: string;
    openToService?: OpenToService;
  }): Promise<AppointmentWithNames[]> {
    const { serviceIds = [], advisorId, openToService } = filter;
    if (serviceIds.length === 0 && !advisorId) return [];
    // Nobody reserved: every waiting citizen is open, no filter needed (and `not in ()` is invalid).
    const open = openToService && openToService.reservedFor.length > 0 ? openToService : undefined;
    const shape = `waiting:${serviceIds.length}:${advisorId ? 1 : 0}:${open?.reservedFor.length ?? '-'}`;
    const parameters = [
      'checked_in',
      ...serviceIds,
      ...(advisorId ? [advisorId] : []),
      ...(open ? ['walk_in', ...open.reservedFor, open.checkedInAtOrBefore] : []),
    ];
    return this.compiled.rows(this.db, shape, parameters, () => {
      let q = viewQuery(this.db)
        .where('a.status', '=', 'checked_in')
        .where((eb) =>
          eb.or([
            ...(serviceIds.length > 0 ? [eb('a.service_id', 'in', [...serviceIds])] : []),
            ...(advisorId ? [eb('a.advisor_id', '=', advisorId)] : []),
          ]),
        );
      if (open) {
        q = q.where((eb) =>
          eb.or([
            eb('a.kind', '=', 'walk_in'),
            eb('a.advisor_id', 'is', null),
            eb('a.handed_back_at', 'is not', null),
            eb('a.advisor_id', 'not in', [...open.reservedFor]),
            eb('a.checked_in_at', 'is', null),
            eb('a.checked_in_at', '<=', open.checkedInAtOrBefore),
          ]),
        );
      }
      // Citizens handed back (their advisor vanished mid-call) first, then by check-in time.
      return q.orderBy(sql`a.handed_back_at is null`).orderBy('a.checked_in_at');
    });
  }

  async withStatus(status: AppointmentStatus): Promise<AppointmentWithNames[]> {
    return viewQuery(this.db).where('a.status', '=', status).orderBy('a.checked_in_at').execute();
  }

  /** Scheduled appointments whose check-in window closed before `cutoff` (start < cutoff). */
  async scheduledStartingBefore(cutoff: Date): Promise<AppointmentRow[]> {
    return this.db
      .selectFrom('appointments')
      .selectAll()
      .where('status', '=', 'scheduled')
      .where('starts_at', '<', cutoff.toISOString())
      .execute();
  }
}
