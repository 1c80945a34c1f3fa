import type { Logger } from 'pino';
import type { AppointmentView } from '@visio/shared/protocol';
import type { Config } from '../config/config';
import type { AuditLog, Store } from '../store';
import { AppointmentRepository } from './AppointmentRepository';
import { BookingService, type Clock } from './BookingService';
import { agendaSpan, type CheckInWindow } from './BookingRules';
import { CheckInCodes } from './CheckInCodes';
import { CheckInService } from './CheckInService';
import { ReferenceRepository } from './ReferenceRepository';
import { SchedulingEvents } from './SchedulingEvents';
import { WaitingRoom, type WaitingRoomOptions } from './WaitingRoom';

export interface SchedulingDeps {
  store: Store;
  audit: AuditLog;
  config: Config;
  /** Keys the check-in code HMACs (the server secret). */
  secret: Buffer;
  isInCall: (advisorId: string) => boolean;
  /** One node per period for periodic tasks, when several nodes share the store. */
  oncePerPeriod?: WaitingRoomOptions['oncePerPeriod'];
  /** Advisors connected to other nodes (several nodes only). */
  sharedAdvisors?: WaitingRoomOptions['sharedAdvisors'];
  /** Whether a kiosk is connected to any node (several nodes only). */
  isKioskConnected?: WaitingRoomOptions['isKioskConnected'];
  logger: Logger;
  clock?: Clock;
}

/** Booking, check-in, waiting room and matching, assembled over one store. */
export class SchedulingModule {
  readonly events = new SchedulingEvents();
  readonly appointments: AppointmentRepository;
  readonly refs: ReferenceRepository;
  readonly codes: CheckInCodes;
  readonly booking: BookingService;
  readonly waitingRoom: WaitingRoom;
  readonly checkIn: CheckInService;
  private readonly clock: Clock;
  private readonly timezone: string;
  private readonly checkInWindow: CheckInWindow;

  constructor(deps: SchedulingDeps) {
    const { store, audit, config, secret } = deps;
    const clock = deps.clock ?? { now: () => new Date() };
    const s = config.scheduling;
    this.clock = clock;
    this.timezone = config.timezone;
    this.checkInWindow = { beforeMin: s.checkInBeforeMin, afterMin: s.checkInAfterMin };
    this.appointments = new AppointmentRepository(store.db);
    this.refs = new ReferenceRepository(store.db);
    this.codes = new CheckInCodes(secret);
    this.booking = new BookingService(store.db, this.refs, this.codes, audit, this.events, clock);
    this.waitingRoom = new WaitingRoom(
      this.appointments,
      this.refs,
      audit,
      this.events,
      clock,
      {
        takeoverGraceMs: s.takeoverGraceMs,
        checkInAfterMin: s.checkInAfterMin,
        kioskReconnectGraceMs: s.kioskWaitingGraceMs,
        sweepIntervalMs: s.noShowSweepMs,
        isInCall: deps.isInCall,
        oncePerPeriod: deps.oncePerPeriod,
        sharedAdvisors: deps.sharedAdvisors,
        isKioskConnected: deps.isKioskConnected,
      },
      deps.logger.child({ module: 'waiting-room' }),
    );
    this.checkIn = new CheckInService(
      this.appointments,
      this.refs,
      this.codes,
      this.waitingRoom,
      audit,
      clock,
      {
        beforeMin: s.checkInBeforeMin,
        afterMin: s.checkInAfterMin,
        maxWrongCodes: s.maxWrongCodes,
        lockMs: s.lockMs,
      },
    );
  }

  /**
   * An advisor's agenda now: their appointments starting in the organisation's day, widened to
   * any whose check-in is open (near midnight), and that span, which the client keeps to; `now`
   * is the moment it was computed on the server's clock (the client times the span's end from it).
   */
  async agendaOf(advisorId: string): Promise<{
    appointments: AppointmentView[];
    span: { from: string; to: string };
    now: string;
  }> {
    const now = this.clock.now();
    const { from, to } = agendaSpan(now, this.timezone, this.checkInWindow);
    const rows = await this.appointments.listBetween(from, to, { advisorId });
    return {
      appointments: rows.map((r) => this.waitingRoom.view(r)),
      span: { from: from.toISOString(), to: to.toISOString() },
      now: now.toISOString(),
    };
  }

  /** `inRestoredCalls`: appointments whose call was restored after a restart (they stay in_call). */
  start(inRestoredCalls: readonly string[] = []): Promise<void> {
    return this.waitingRoom.start(inRestoredCalls);
  }

  stop(): void {
    this.waitingRoom.stop();
  }
}
