import { randomUUID } from 'node:crypto';
import { AppError, type WaitingStatus } from '@visio/shared/protocol';
import { isUniqueViolation, type AuditLog } from '../store';
import type { AppointmentRepository, AppointmentWithNames } from './AppointmentRepository';
import { checkInWindow, type CheckInWindow } from './BookingRules';
import type { Clock } from './BookingService';
import type { CheckInCodes } from './CheckInCodes';
import type { ReferenceRepository } from './ReferenceRepository';
import type { WaitingRoom } from './WaitingRoom';
import { isOpenAt } from './WeeklyHours';

export interface CheckInOptions extends CheckInWindow {
  /** Wrong codes in a row that lock code entry on a kiosk… */
  maxWrongCodes: number;
  /** …for this long. */
  lockMs: number;
}

const WALK_IN_DURATION_MIN = 30;

/** Wrong codes typed in a row at one kiosk. */
interface WrongCodes {
  count: number;
  lockedUntil: number;
  lastAt: number;
}

/**
 * What a citizen does at the kiosk before a call: check in with a code, join a walk-in queue,
 * leave the waiting room. Wrong codes are counted per kiosk and lock code entry for a while.
 */
export class CheckInService {
  private readonly wrongCodes = new Map<string, WrongCodes>();
  /**
   * The wrong codes a kiosk's latest check-in forgave, given back if that citizen leaves before
   * their call: otherwise checking in and leaving, between wrong guesses, would reset the count.
   */
  private readonly forgiven = new Map<string, WrongCodes>();

  constructor(
    private readonly appointments: AppointmentRepository,
    private readonly refs: ReferenceRepository,
    private readonly codes: CheckInCodes,
    private readonly waitingRoom: WaitingRoom,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: CheckInOptions,
  ) {}

  /**
   * What the kiosk's welcome screen shows: the site's services (six at most, as the historic
   * kiosks had), which of them have a walk-in slot open now, and the citizen already waiting here.
   */
  async home(kioskId: string) {
    const kiosk = await this.refs.kioskSite(kioskId);
    if (!kiosk) throw new AppError('NOT_FOUND', 'No such kiosk');
    const now = this.clock.now();
    const services = (await this.refs.servicesAtSite(kiosk.site.id)).slice(0, 6).map((s) => ({
      id: s.id,
      name: s.name,
      colour: s.colour,
      walkInOpen: isOpenAt(s.walkInHours, kiosk.site.timezone, now),
    }));
    const waiting = await this.current(kioskId);
    return {
      kiosk: {
        id: kiosk.kioskId,
        name: kiosk.kioskName,
        siteName: kiosk.site.name,
        outOfService: kiosk.outOfService,
      },
      services,
      waiting: waiting?.status ?? null,
    };
  }

  async checkIn(kioskId: string, code: string): Promise<WaitingStatus> {
    const now = this.clock.now();
    this.assertNotLocked(kioskId, now);
    if (await this.refs.kioskOutOfService(kioskId)) {
      throw AppError.withReason('UNAVAILABLE', 'out_of_service', 'This kiosk is out of service');
    }
    const active = await this.appointments.activeAtKiosk(kioskId);
    const day = 24 * 3_600_000;
    const candidates = await this.appointments.checkInCandidates(
      kioskId,
      new Date(now.getTime() - day),
      new Date(now.getTime() + day),
    );
    const match = candidates.find(
      (a) => a.check_in_code_hash && this.codes.matches(a.id, code, a.check_in_code_hash),
    );
    if (!match) {
      const left = this.countWrongCode(kioskId, now);
      await this.audit.record({
        actor: { kind: 'kiosk', id: kioskId },
        action: 'checkin.wrong_code',
        details: { attemptsLeft: left },
      });
      if (left === 0) throw this.lockedError(kioskId, now);
      throw AppError.withReason(
        'NOT_FOUND',
        'wrong_code',
        `This code is not recognised here (${left} attempts left)`,
      );
    }
    // Only a check-in that goes through forgives the wrong codes before it: a valid code that is
    // refused (too early, too late, cancelled, kiosk busy) leaves the count as it is, or typing one
    // between wrong guesses would give unlimited guesses.
    // The same citizen again (a reload, a double tap): they are already in the waiting room.
    if (active && active.id === match.id && active.status === 'checked_in')
      return this.waitingRoom.waitingStatus(active);
    if (active) throw kioskBusy();
    if (match.status === 'cancelled')
      throw AppError.withReason('BAD_STATE', 'cancelled', 'This appointment was cancelled');
    if (match.status !== 'scheduled')
      throw AppError.withReason('BAD_STATE', 'too_late', 'This appointment is over');
    const verdict = checkInWindow(new Date(match.starts_at), now, this.options);
    if (verdict !== 'open') {
      throw AppError.withReason(
        'BAD_STATE',
        verdict,
        verdict === 'too_early' ? 'It is too early to check in' : 'It is too late to check in',
      );
    }
    const updated = await kioskBusyIfTaken(() =>
      this.waitingRoom.move(
        match,
        'check_in',
        // A grade measured for an earlier check-in of this appointment is not this one's.
        { checked_in_at: now.toISOString(), link_grade: null },
        { kind: 'kiosk', id: kioskId },
      ),
    );
    if (!updated)
      throw new AppError('CONFLICT', 'The appointment changed meanwhile; please try again');
    this.forgive(kioskId);
    return this.waitingRoom.waitingStatus(updated);
  }

  async joinWalkIn(kioskId: string, serviceId: string): Promise<WaitingStatus> {
    const now = this.clock.now();
    const kiosk = await this.refs.kioskSite(kioskId);
    if (!kiosk) throw new AppError('NOT_FOUND', 'No such kiosk');
    if (kiosk.outOfService)
      throw AppError.withReason('UNAVAILABLE', 'out_of_service', 'This kiosk is out of service');
    const service = (await this.refs.servicesAtSite(kiosk.site.id)).find((s) => s.id === serviceId);
    if (!service) throw new AppError('NOT_FOUND', 'No such service at this kiosk');
    if (!isOpenAt(service.walkInHours, kiosk.site.timezone, now)) {
      throw AppError.withReason(
        'BAD_STATE',
        'walk_in_closed',
        'This service has no walk-in slot open now',
      );
    }
    if (await this.appointments.activeAtKiosk(kioskId)) {
      throw kioskBusy();
    }
    const id = randomUUID();
    const at = now.toISOString();
    await kioskBusyIfTaken(() =>
      this.appointments.insert({
        id,
        kind: 'walk_in',
        service_id: serviceId,
        advisor_id: null,
        kiosk_id: kioskId,
        starts_at: at,
        duration_min: WALK_IN_DURATION_MIN,
        check_in_code_hash: null,
        citizen_ref: '',
        status: 'checked_in',
        checked_in_at: at,
        call_started_at: null,
        ended_at: null,
        outcome: null,
        created_by: null,
        created_at: at,
        updated_at: at,
      }),
    );
    await this.audit.record({
      actor: { kind: 'kiosk', id: kioskId },
      action: 'walk_in.join',
      target: { type: 'appointment', id },
      details: { serviceId },
    });
    const row = (await this.appointments.find(id))!;
    this.waitingRoom.onCheckedIn(row);
    return this.waitingRoom.waitingStatus(row);
  }

  /** The citizen leaves before the call: an appointment can be checked in again, a walk-in ends. */
  async leave(kioskId: string): Promise<void> {
    const row = await this.appointments.activeAtKiosk(kioskId);
    if (!row || row.status !== 'checked_in')
      throw AppError.withReason('BAD_STATE', 'not_waiting', 'Nobody is waiting at this kiosk');
    await this.waitingRoom.move(
      row,
      'leave',
      { checked_in_at: null },
      { kind: 'kiosk', id: kioskId },
    );
    this.unforgive(kioskId, this.clock.now());
  }

  async current(
    kioskId: string,
  ): Promise<{ row: AppointmentWithNames; status: WaitingStatus } | undefined> {
    const row = await this.appointments.activeAtKiosk(kioskId);
    return row?.status === 'checked_in'
      ? { row, status: await this.waitingRoom.waitingStatus(row) }
      : undefined;
  }

  private assertNotLocked(kioskId: string, now: Date): void {
    const entry = this.wrongCodes.get(kioskId);
    if (entry && entry.lockedUntil > now.getTime()) throw this.lockedError(kioskId, now);
    if (entry && entry.lockedUntil !== 0 && entry.lockedUntil <= now.getTime())
      this.wrongCodes.delete(kioskId);
  }

  /** A check-in went through: its kiosk's wrong codes are forgiven, unless the citizen leaves. */
  private forgive(kioskId: string): void {
    const entry = this.wrongCodes.get(kioskId);
    this.wrongCodes.delete(kioskId);
    if (entry) this.forgiven.set(kioskId, entry);
    else this.forgiven.delete(kioskId);
  }

  /** The citizen left before their call: the wrong codes their check-in forgave count again. */
  private unforgive(kioskId: string, now: Date): void {
    const forgiven = this.forgiven.get(kioskId);
    this.forgiven.delete(kioskId);
    if (!forgiven || now.getTime() - forgiven.lastAt > this.options.lockMs) return;
    const since = this.wrongCodes.get(kioskId);
    const entry: WrongCodes = {
      count: forgiven.count + (since?.count ?? 0),
      lockedUntil: since?.lockedUntil ?? 0,
      lastAt: Math.max(forgiven.lastAt, since?.lastAt ?? 0),
    };
    if (entry.count >= this.options.maxWrongCodes)
      entry.lockedUntil = Math.max(entry.lockedUntil, now.getTime() + this.options.lockMs);
    this.wrongCodes.set(kioskId, entry);
  }

  /** Counts a wrong code; returns the attempts left (0 = now locked). */
  private countWrongCode(kioskId: string, now: Date): number {
    const previous = this.wrongCodes.get(kioskId);
    // Wrong codes older than a lock period are forgotten: the next citizen starts afresh.
    const fresh = !previous || now.getTime() - previous.lastAt > this.options.lockMs;
    const entry = fresh ? { count: 0, lockedUntil: 0, lastAt: 0 } : previous;
    entry.count += 1;
    entry.lastAt = now.getTime();
    if (entry.count >= this.options.maxWrongCodes)
      entry.lockedUntil = now.getTime() + this.options.lockMs;
    this.wrongCodes.set(kioskId, entry);
    return Math.max(0, this.options.maxWrongCodes - entry.count);
  }

  private lockedError(kioskId: string, now: Date): AppError {
    const until = this.wrongCodes.get(kioskId)?.lockedUntil ?? now.getTime();
    const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
    return AppError.withReason(
      'RATE_LIMITED',
      'locked',
      'Too many wrong codes: code entry is locked for a few minutes',
      seconds,
    );
  }
}

function kioskBusy(): AppError {
  return AppError.withReason(
    'BAD_STATE',
    'kiosk_busy',
    'Another citizen is already waiting at this kiosk',
  );
}

/**
 * Runs a write that makes a citizen active at a kiosk. The check before it ("nobody waiting
 * here") may race another request; the database's one-active-per-kiosk index decides, and the
 * loser is told the kiosk is busy, as if it had come second.
 */
async function kioskBusyIfTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw kioskBusy();
    throw error;
  }
}
