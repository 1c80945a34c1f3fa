import {
  AppError,
  type AppointmentView,
  type CreateAppointment,
  type ErrorBody,
  type ErrorCode,
  type MoveAppointment,
  type ReferenceData,
} from '@visio/shared/protocol';
import { addDays, dayOf, startOfDay } from '@visio/shared/time';
import { api } from '../../api';
import type { MessageKey } from '../../i18n/translate';
import { Store } from '@visio/shared/ui';

export interface BookingProblem {
  readonly code: ErrorCode;
  readonly reason: string | null;
  readonly details: ErrorBody['details'] | null;
  readonly seq: number;
}

export interface Convocation {
  readonly appointment: AppointmentView;
  /** Shown once: the server keeps only a hash of it. */
  readonly code: string;
}

export interface BookingDeskState {
  readonly reference: ReferenceData | null;
  /** The zone the day list is shown in: the sites' own when they share one, else the browser's. */
  readonly zone: string | undefined;
  readonly loadProblem: BookingProblem | null;
  /** The day the list shows ("YYYY-MM-DD", local). */
  readonly day: string;
  readonly appointments: readonly AppointmentView[];
  readonly listLoaded: boolean;
  readonly booking: boolean;
  readonly bookingProblem: BookingProblem | null;
  readonly convocation: Convocation | null;
  /** An appointment being moved or cancelled. */
  readonly changing: string | null;
  readonly changeProblem: BookingProblem | null;
  readonly message: MessageKey | null;
}

/** The scheduler's desk: reference data, a day's appointments, and booking, moving, cancelling. */
export class BookingDesk {
  readonly store = new Store<BookingDeskState>({
    reference: null,
    zone: undefined,
    loadProblem: null,
    day: dayOf(new Date()),
    appointments: [],
    listLoaded: false,
    booking: false,
    bookingProblem: null,
    convocation: null,
    changing: null,
    changeProblem: null,
    message: null,
  });
  private seq = 0;

  async load(): Promise<void> {
    this.store.set({ loadProblem: null });
    try {
      const reference = await api.reference();
      const zones = new Set(reference.sites.map((s) => s.timezone));
      const zone = zones.size === 1 ? [...zones][0] : undefined;
      this.store.set({ reference, zone, day: dayOf(new Date(), zone) });
    } catch (error) {
      this.store.set({ loadProblem: this.problemOf(error) });
    }
    await this.refreshList();
  }

  showDay(day: string): void {
    if (Number.isNaN(startOfDay(day, this.store.get().zone).getTime())) return;
    this.store.set({ day, message: null });
    void this.refreshList();
  }

  async refreshList(): Promise<void> {
    const { day, zone } = this.store.get();
    try {
      const { appointments } = await api.appointments(
        startOfDay(day, zone),
        startOfDay(addDays(day, 1), zone),
      );
      if (this.store.get().day !== day) return; // another day was picked meanwhile
      const sorted = [...appointments].sort(
        (a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt),
      );
      this.store.set({ appointments: sorted, listLoaded: true });
    } catch (error) {
      this.store.set({ loadProblem: this.problemOf(error), listLoaded: true });
    }
  }

  async book(request: CreateAppointment): Promise<void> {
    if (this.store.get().booking) return;
    this.store.set({ booking: true, bookingProblem: null, message: null });
    try {
      const { appointment, checkInCode } = await api.book(request);
      this.store.set({ convocation: { appointment, code: checkInCode } });
      this.showDay(dayOf(new Date(appointment.startsAt), this.store.get().zone));
    } catch (error) {
      this.store.set({ bookingProblem: this.problemOf(error) });
    } finally {
      this.store.set({ booking: false });
    }
  }

  /** A problem found before asking the server (a field left empty). */
  refuse(problem: Omit<BookingProblem, 'seq'>): void {
    this.store.set({ bookingProblem: { ...problem, seq: ++this.seq } });
  }

  closeConvocation(): void {
    this.store.set({ convocation: null, bookingProblem: null });
  }

  async move(id: string, changes: MoveAppointment): Promise<boolean> {
    return this.change(id, () => api.move(id, changes), 'booking.moved');
  }

  async cancel(id: string): Promise<boolean> {
    return this.change(id, () => api.cancel(id), 'booking.cancelled');
  }

  clearChangeProblem(): void {
    this.store.set({ changeProblem: null });
  }

  private async change(
    id: string,
    run: () => Promise<unknown>,
    done: MessageKey,
  ): Promise<boolean> {
    if (this.store.get().changing) return false;
    this.store.set({ changing: id, changeProblem: null, message: null });
    try {
      await run();
      this.store.set({ message: done });
      return true;
    } catch (error) {
      this.store.set({ changeProblem: this.problemOf(error) });
      return false;
    } finally {
      this.store.set({ changing: null });
      void this.refreshList();
    }
  }

  private problemOf(error: unknown): BookingProblem {
    this.seq += 1;
    return error instanceof AppError
      ? {
          code: error.code,
          reason: error.reason ?? null,
          details: error.details ?? null,
          seq: this.seq,
        }
      : { code: 'INTERNAL', reason: null, details: null, seq: this.seq };
  }
}

/** The zone a kiosk's site keeps its hours in (the booking form types times in it). */
export function kioskZone(reference: ReferenceData, kioskId: string): string | undefined {
  const siteId = reference.kiosks.find((k) => k.id === kioskId)?.siteId;
  return reference.sites.find((s) => s.id === siteId)?.timezone;
}
