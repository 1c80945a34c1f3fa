import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  AppError,
  type AppointmentView,
  type CreateAppointment,
  type MoveAppointment,
} from '@visio/shared/protocol';
import type { StaffPrincipal } from '../auth/Principal';
import { lockRows, type AuditLog, type Database } from '../store';
import { nextStatus } from './AppointmentLifecycle';
import { AppointmentRepository, toView, type AppointmentWithNames } from './AppointmentRepository';
import { AppointmentRights } from './AppointmentRights';
import { checkBooking } from './BookingRules';
import type { CheckInCodes } from './CheckInCodes';
import type { ReferenceRepository } from './ReferenceRepository';
import type { SchedulingEvents } from './SchedulingEvents';

export interface Clock {
  now(): Date;
}

/**
 * Booking, moving and cancelling appointments. The checks and the write run in one transaction
 * that first locks the advisor's and the kiosk's rows (PostgreSQL; SQLite has one writer), so two
 * schedulers booking the same advisor or kiosk at once, on one node or two, cannot both succeed. Who may touch
 * which appointment is `AppointmentRights`: advisors their services' only.
 */
export class BookingService {
  private readonly appointments: AppointmentRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly refs: ReferenceRepository,
    private readonly codes: CheckInCodes,
    private readonly audit: AuditLog,
    private readonly events: SchedulingEvents,
    private readonly clock: Clock,
  ) {
    this.appointments = new AppointmentRepository(db);
  }

  async create(
    input: CreateAppointment,
    actor: StaffPrincipal,
  ): Promise<{ appointment: AppointmentView; checkInCode: string }> {
    (await this.rightsOf(actor)).assertMayActOn(input.serviceId);
    const id = randomUUID();
    const code = this.codes.generate();
    const startsAt = new Date(input.startsAt);
    const now = this.clock.now();
    const refs = await this.facts(input.serviceId, input.advisorId, input.kioskId);
    await this.db.transaction().execute(async (trx) => {
      await lockRows(trx, { staff: [input.advisorId], kiosks: [input.kioskId] });
      await this.check(
        refs,
        {
          advisorId: input.advisorId,
          kioskId: input.kioskId,
          startsAt,
          durationMin: input.durationMin,
        },
        undefined,
        trx,
      );
      await this.appointments.insert(
        {
          id,
          kind: 'appointment',
          service_id: input.serviceId,
          advisor_id: input.advisorId,
          kiosk_id: input.kioskId,
          starts_at: startsAt.toISOString(),
          duration_min: input.durationMin,
          check_in_code_hash: this.codes.hash(id, code),
          citizen_ref: input.citizenRef,
          sign_or_lip_reading: input.signOrLipReading ? 1 : 0,
          status: 'scheduled',
          checked_in_at: null,
          call_started_at: null,
          ended_at: null,
          outcome: null,
          created_by: actor.staffId,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        },
        trx,
      );
      await this.audit.record(
        {
          actor: { kind: 'staff', id: actor.staffId },
          action: 'appointment.create',
          target: { type: 'appointment', id },
        },
        trx,
      );
    });
    const row = (await this.appointments.find(id))!;
    this.emitChanged(row);
    return { appointment: toView(row, false), checkInCode: code };
  }

  async move(
    id: string,
    changes: MoveAppointment,
    actor: StaffPrincipal,
  ): Promise<AppointmentView> {
    const before = await this.appointments.find(id);
    if (!before || before.kind !== 'appointment')
      throw new AppError('NOT_FOUND', 'No such appointment');
    const rights = await this.rightsOf(actor);
    rights.assertMayActOn(before.service_id);
    if (changes.advisorId) rights.assertMayAssign(before.advisor_id, changes.advisorId);
    const next = {
      advisorId: changes.advisorId ?? before.advisor_id!,
      kioskId: changes.kioskId ?? before.kiosk_id,
      startsAt: changes.startsAt ? new Date(changes.startsAt) : new Date(before.starts_at),
      durationMin: changes.durationMin ?? before.duration_min,
    };
    const refs = await this.facts(before.service_id, next.advisorId, next.kioskId);
    await this.db.transaction().execute(async (trx) => {
      await lockRows(trx, { staff: [next.advisorId], kiosks: [next.kioskId], appointments: [id] });
      const current = await this.appointments.find(id, trx);
      if (!current) throw new AppError('NOT_FOUND', 'No such appointment');
      if (current.status !== 'scheduled') {
        throw AppError.withReason(
          'BAD_STATE',
          current.status,
          `An appointment that is ${current.status} cannot be moved`,
        );
      }
      if (current.updated_at !== before.updated_at)
        throw new AppError('CONFLICT', 'The appointment changed meanwhile; reload and retry');
      await this.check(refs, next, id, trx);
      await this.appointments.update(
        id,
        {
          advisor_id: next.advisorId,
          kiosk_id: next.kioskId,
          starts_at: next.startsAt.toISOString(),
          duration_min: next.durationMin,
        },
        trx,
      );
      await this.audit.record(
        {
          actor: { kind: 'staff', id: actor.staffId },
          action: 'appointment.move',
          target: { type: 'appointment', id },
          details: { changed: Object.keys(changes) },
        },
        trx,
      );
    });
    const row = (await this.appointments.find(id))!;
    // Moved to a colleague: the advisor it was booked with drops it from their agenda.
    this.emitChanged(row, {
      previousAdvisorId:
        before.advisor_id && before.advisor_id !== row.advisor_id ? before.advisor_id : undefined,
    });
    return toView(row, false);
  }

  async cancel(id: string, actor: StaffPrincipal): Promise<AppointmentView> {
    const current = await this.appointments.find(id);
    if (!current) throw new AppError('NOT_FOUND', 'No such appointment');
    (await this.rightsOf(actor)).assertMayActOn(current.service_id);
    const to = nextStatus(current.status, 'cancel', current.kind);
    if (
      !(await this.appointments.updateIfStatus(id, current.status, {
        status: to,
        ended_at: this.clock.now().toISOString(),
      }))
    ) {
      throw new AppError('CONFLICT', 'The appointment changed meanwhile; reload and retry');
    }
    await this.audit.record({
      actor: { kind: 'staff', id: actor.staffId },
      action: 'appointment.cancel',
      target: { type: 'appointment', id },
      details: { from: current.status },
    });
    const row = (await this.appointments.find(id))!;
    const wasWaiting = current.status === 'checked_in';
    this.emitChanged(row, { waitingEnded: wasWaiting ? 'cancelled' : undefined });
    // A waiting citizen leaves their service's queue: colleagues and the kiosks behind are told.
    if (wasWaiting) this.events.emit('queuesChanged', { serviceIds: [row.service_id] });
    return toView(row, false);
  }

  /** The appointments between `from` and `to` that `actor` may see (advisors: their services'). */
  async list(
    from: Date,
    to: Date,
    filter: { advisorId?: string | undefined; kioskId?: string | undefined },
    actor: StaffPrincipal,
  ): Promise<AppointmentView[]> {
    if (to.getTime() - from.getTime() > 62 * 24 * 3_600_000)
      throw new AppError('INVALID_INPUT', 'Ask for at most 62 days at a time');
    const rights = await this.rightsOf(actor);
    return (await this.appointments.listBetween(from, to, filter))
      .filter((r) => rights.sees(r.service_id))
      .map((r) => toView(r, false));
  }

  private rightsOf(actor: StaffPrincipal): Promise<AppointmentRights> {
    return AppointmentRights.of(actor.roles, () => this.refs.servicesOf(actor.staffId));
  }

  /**
   * Loads the reference data first: with SQLite, Kysely serializes on one connection, so only the
   * transaction's own handle may be used inside it. The overlap checks run in the transaction.
   */
  private async facts(serviceId: string, advisorId: string, kioskId: string) {
    const [service, advisor, kiosk] = await Promise.all([
      this.refs.service(serviceId),
      this.refs.advisor(advisorId),
      this.refs.kioskSite(kioskId),
    ]);
    const siteServiceIds = kiosk
      ? (await this.refs.servicesAtSite(kiosk.site.id)).map((s) => s.id)
      : [];
    return { service, advisor, kiosk, siteServiceIds };
  }

  private async check(
    refs: Awaited<ReturnType<BookingService['facts']>>,
    slot: { advisorId: string; kioskId: string; startsAt: Date; durationMin: number },
    exceptId: string | undefined,
    trx: Kysely<Database>,
  ): Promise<void> {
    const end = new Date(slot.startsAt.getTime() + slot.durationMin * 60_000);
    const repo = this.appointments;
    checkBooking({
      ...refs,
      startsAt: slot.startsAt,
      durationMin: slot.durationMin,
      now: this.clock.now(),
      advisorBusy:
        (await repo.overlapping('advisor_id', slot.advisorId, slot.startsAt, end, exceptId, trx))
          .length > 0,
      kioskBusy:
        (await repo.overlapping('kiosk_id', slot.kioskId, slot.startsAt, end, exceptId, trx))
          .length > 0,
    });
  }

  private emitChanged(
    row: AppointmentWithNames,
    options: {
      waitingEnded?: 'cancelled' | undefined;
      previousAdvisorId?: string | undefined;
    } = {},
  ): void {
    this.events.emit('changed', {
      appointmentId: row.id,
      kioskId: row.kiosk_id,
      serviceId: row.service_id,
      advisorId: row.advisor_id,
      row,
      ...(options.waitingEnded ? { waitingEnded: options.waitingEnded } : {}),
      ...(options.previousAdvisorId ? { previousAdvisorId: options.previousAdvisorId } : {}),
    });
  }
}
