// The store without React (the UI only re-exports it): the agenda is logic, tested without a page.
import { requestProblem, Store, type SignallingClient } from '@visio/shared/client';
import {
  AppError,
  staffSchedulingEvents,
  staffSchedulingRequests,
  type AppointmentView,
  type CallEndReason,
  type CallStarted,
  type ErrorCode,
  type RecordableOutcome,
} from '@visio/shared/protocol';
import { api } from '../../api';

export type Availability = 'available' | 'away';

export interface AgendaProblem {
  readonly context: 'admit' | 'availability' | 'outcome' | 'load';
  readonly code: ErrorCode;
  readonly reason: string | null;
  readonly seq: number;
}

export interface AgendaState {
  /** Today's own appointments (and any whose check-in is open, near midnight), in time order. */
  readonly appointments: readonly AppointmentView[];
  readonly availability: Availability;
  readonly loaded: boolean;
  /** Citizens of colleagues and walk-ins this advisor may take now, oldest first. */
  readonly queue: readonly AppointmentView[];
  readonly queueLoaded: boolean;
  /** The appointment a `waiting:admit` is in flight for. */
  readonly admitting: string | null;
  readonly settingAvailability: boolean;
  /** The latest arrival, shown until dismissed or taken. */
  readonly arrival: AppointmentView | null;
  /** The appointment whose outcome the dialog asks for. */
  readonly outcomeFor: AppointmentView | null;
  readonly recordingOutcome: boolean;
  readonly problem: AgendaProblem | null;
  /** Each kiosk's time zone, so that times read as on the citizen's convocation. */
  readonly kioskZones: ReadonlyMap<string, string>;
}

export interface AgendaHooks {
  /** A citizen this advisor may take has arrived: sound, notification, announcement. */
  readonly onArrival: (appointment: AppointmentView) => void;
  readonly onOutcomeRecorded: () => void;
  /**
   * Whether this advisor is in a call: the agenda is not on screen then, and the queues it shows
   * are caught up once the call ends (`callEnded`) rather than at every change.
   */
  readonly inCall?: () => boolean;
}

/**
 * Reasons after which the citizen waits again (no outcome to record: the call did not happen,
 * or a colleague takes it over from the head of the queue after this advisor was disconnected
 * or the call's media never got through).
 */
const REQUEUED: readonly CallEndReason[] = [
  'media_failed',
  'server_shutdown',
  'advisor_disconnected',
  'media_unreachable',
];
const QUEUE_REFRESH_DEBOUNCE_MS = 150;
/** A citizen who checked in, or is in a call, is this advisor's business whatever the day says. */
const ACTIVE: readonly AppointmentView['status'][] = ['checked_in', 'in_call'];
/** Past the span's end, asked again this much later (the answer took time to arrive). */
const ROLLOVER_MARGIN_MS = 2_000;
/** A span that had already ended when it was answered (cannot happen, but a bug must not loop). */
const ROLLOVER_RETRY_MS = 30_000;
const OUTCOME_RETRY_MS = 600;

/**
 * The advisor's day, kept live from the server: `agenda:today` on every (re)connection, then
 * `agenda:changed`, `agenda:citizenArrived` and `queue:changed`. Taking a citizen, availability
 * and outcomes go through here too.
 */
export class Agenda {
  readonly store = new Store<AgendaState>({
    appointments: [],
    availability: 'available',
    loaded: false,
    queue: [],
    queueLoaded: false,
    admitting: null,
    settingAvailability: false,
    arrival: null,
    outcomeFor: null,
    recordingOutcome: false,
    problem: null,
    kioskZones: new Map(),
  });
  /** Which appointment each call of ours serves (a call event does not say). */
  private readonly callAppointments = new Map<string, string>();
  private readonly unsubscribers: (() => void)[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The start times the server's agenda spans (its day, not the browser's): [from, to). */
  private span: { from: number; to: number } | null = null;
  private rolloverTimer: ReturnType<typeof setTimeout> | undefined;
  /** A queue changed during a call: refreshed when it ends. */
  private staleSinceCall = false;
  private problemSeq = 0;

  constructor(
    private readonly signalling: SignallingClient,
    private readonly staffId: string,
    private readonly hooks: AgendaHooks,
  ) {}

  attach(): void {
    if (this.unsubscribers.length > 0) return;
    const { socket } = this.signalling;
    const reload = () => void this.refresh();
    socket.on('connect', reload);
    this.unsubscribers.push(
      () => socket.off('connect', reload),
      this.signalling.on(staffSchedulingEvents.appointmentChanged, (view) => this.upsert(view)),
      this.signalling.on(staffSchedulingEvents.citizenArrived, (view) => {
        this.upsert(view);
        this.store.set({ arrival: view });
        this.hooks.onArrival(view);
      }),
      // A queue changed: who may be taken, and whether a colleague took one of ours.
      this.signalling.on(staffSchedulingEvents.queueChanged, () => this.refreshSoon()),
    );
    if (socket.connected) reload();
    void this.loadZones();
  }

  detach(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    clearTimeout(this.refreshTimer);
    clearTimeout(this.rolloverTimer);
  }

  async refresh(): Promise<void> {
    await Promise.all([this.refreshAgenda(), this.refreshQueue()]);
    // A colleague may have taken the citizen announced last: then the notice has nothing to offer.
    const { arrival, appointments, queue } = this.store.get();
    const stillWaiting = (a: AppointmentView) => a.id === arrival?.id && a.status === 'checked_in';
    if (arrival && !appointments.some(stillWaiting) && !queue.some(stillWaiting))
      this.store.set({ arrival: null });
  }

  async admit(appointmentId: string): Promise<void> {
    if (this.store.get().admitting) return;
    this.store.set({ admitting: appointmentId, problem: null });
    try {
      const { callId } = await this.signalling.request(staffSchedulingRequests.admit, {
        appointmentId,
      });
      this.callAppointments.set(callId, appointmentId);
      if (this.store.get().arrival?.id === appointmentId) this.store.set({ arrival: null });
    } catch (error) {
      this.fail('admit', error);
      void this.refresh();
    } finally {
      this.store.set({ admitting: null });
    }
  }

  async setAvailability(availability: Availability): Promise<void> {
    if (this.store.get().settingAvailability) return;
    this.store.set({ settingAvailability: true, problem: null });
    try {
      await this.signalling.request(staffSchedulingRequests.setAvailability, { availability });
      this.store.set({ availability });
    } catch (error) {
      this.fail('availability', error);
    } finally {
      this.store.set({ settingAvailability: false });
    }
  }

  /** A call of ours ended: ask how it went, unless the citizen went back to waiting. */
  callEnded(call: CallStarted, reason: CallEndReason): void {
    if (this.staleSinceCall) {
      this.staleSinceCall = false;
      void this.refresh();
    }
    const id =
      this.callAppointments.get(call.callId) ??
      this.store
        .get()
        .appointments.find((a) => a.status === 'in_call' && a.kiosk.id === call.kioskId)?.id;
    this.callAppointments.delete(call.callId);
    // Handed to a colleague: its outcome is recorded already (transferred).
    if (!id || REQUEUED.includes(reason) || reason === 'transferred') return;
    const view = this.store.get().appointments.find((a) => a.id === id);
    if (view) this.store.set({ outcomeFor: view });
  }

  openOutcome(appointmentId: string): void {
    const view = this.store.get().appointments.find((a) => a.id === appointmentId);
    if (view) this.store.set({ outcomeFor: view, problem: null });
  }

  closeOutcome(): void {
    this.store.set({ outcomeFor: null });
  }

  async recordOutcome(outcome: RecordableOutcome): Promise<void> {
    const target = this.store.get().outcomeFor;
    if (!target || this.store.get().recordingOutcome) return;
    this.store.set({ recordingOutcome: true, problem: null });
    const request = () =>
      this.signalling.request(staffSchedulingRequests.recordOutcome, {
        appointmentId: target.id,
        outcome,
      });
    try {
      let answer;
      try {
        answer = await request();
      } catch (error) {
        // The server may not have closed the appointment yet when the call just ended.
        if (!(
          error instanceof AppError &&
          error.code === 'BAD_STATE' &&
          error.reason === 'in_call'
        ))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, OUTCOME_RETRY_MS));
        answer = await request();
      }
      this.upsert(answer.appointment);
      this.store.set({ outcomeFor: null });
      this.hooks.onOutcomeRecorded();
    } catch (error) {
      this.fail('outcome', error);
    } finally {
      this.store.set({ recordingOutcome: false });
    }
  }

  dismissArrival(): void {
    this.store.set({ arrival: null });
  }

  dismissProblem(): void {
    this.store.set({ problem: null });
  }

  // ---- internals -----------------------------------------------------------------------

  private async loadZones(): Promise<void> {
    try {
      const { kiosks, sites } = await api.reference();
      const zoneOf = new Map(sites.map((s) => [s.id, s.timezone]));
      const kioskZones = new Map<string, string>();
      for (const k of kiosks) {
        const zone = zoneOf.get(k.siteId);
        if (zone) kioskZones.set(k.id, zone);
      }
      this.store.set({ kioskZones });
    } catch {
      // Without it (e.g. a `?token=` session has no cookie for REST), times are the browser's.
    }
  }

  private async refreshAgenda(): Promise<void> {
    try {
      const { appointments, availability, span, now } = await this.signalling.request(
        staffSchedulingRequests.agenda,
        {},
      );
      this.span = { from: Date.parse(span.from), to: Date.parse(span.to) };
      this.store.set({ appointments: inTimeOrder(appointments), availability, loaded: true });
      this.rollOverIn(this.span.to - Date.parse(now));
    } catch (error) {
      this.fail('load', error);
    }
  }

  private async refreshQueue(): Promise<void> {
    try {
      const { entries } = await this.signalling.request(staffSchedulingRequests.queue, {});
      this.store.set({ queue: entries, queueLoaded: true });
    } catch (error) {
      this.fail('load', error);
    }
  }

  /**
   * Every admit, check-in and hand-back anywhere changes a queue and tells every advisor. One in a
   * call catches up when it ends: two requests fewer per change for the server, and none in the
   * busy first second of a call this advisor just admitted.
   */
  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      if (this.hooks.inCall?.()) this.staleSinceCall = true;
      else void this.refresh();
    }, QUEUE_REFRESH_DEBOUNCE_MS);
  }

  /**
   * An agenda left open overnight turns to the next day by itself: `left` ms after the answer,
   * as the server's clock counts them (a browser clock set wrong changes nothing).
   */
  private rollOverIn(left: number): void {
    clearTimeout(this.rolloverTimer);
    // setTimeout holds at most ~24.8 days; a span never reaches that.
    const delay = left > 0 ? Math.min(left + ROLLOVER_MARGIN_MS, 2 ** 31 - 1) : ROLLOVER_RETRY_MS;
    this.rolloverTimer = setTimeout(() => {
      if (this.hooks.inCall?.()) this.staleSinceCall = true;
      else void this.refresh();
    }, delay);
  }

  /** Whether a change belongs on this agenda: the server decides what "today" is, not the browser. */
  private belongs(view: AppointmentView, listed: AppointmentView | undefined): boolean {
    // Taken by a colleague: no longer on this agenda.
    if (view.advisor?.id !== this.staffId) return false;
    // Already on it and not moved: it stays (its outcome may be recorded after midnight).
    if (listed && listed.startsAt === view.startsAt) return true;
    if (ACTIVE.includes(view.status)) return true;
    const startsAt = Date.parse(view.startsAt);
    return this.span !== null && startsAt >= this.span.from && startsAt < this.span.to;
  }

  private upsert(view: AppointmentView): void {
    this.store.set((state) => {
      const listed = state.appointments.find((a) => a.id === view.id);
      const others = state.appointments.filter((a) => a.id !== view.id);
      const mine = this.belongs(view, listed);
      const arrival =
        state.arrival?.id === view.id && view.status !== 'checked_in' ? null : state.arrival;
      const outcomeFor = state.outcomeFor?.id === view.id ? view : state.outcomeFor;
      return {
        appointments: mine ? inTimeOrder([...others, view]) : others,
        arrival,
        outcomeFor,
      };
    });
  }

  private fail(context: AgendaProblem['context'], error: unknown): void {
    this.problemSeq += 1;
    this.store.set({ problem: { context, ...requestProblem(error, this.problemSeq) } });
  }
}

function inTimeOrder(appointments: readonly AppointmentView[]): AppointmentView[] {
  return [...appointments].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}
