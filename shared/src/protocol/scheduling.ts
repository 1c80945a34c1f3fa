import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { LinkGradeSchema } from './linkGrade';

// Appointments, check-in, waiting room and matching, as both apps see them.

export const AppointmentStatusSchema = z.enum([
  'scheduled',
  'checked_in',
  'in_call',
  'completed',
  'no_show',
  'cancelled',
  'failed',
]);
export type AppointmentStatus = z.infer<typeof AppointmentStatusSchema>;

export const AdvisorStatusSchema = z.enum(['available', 'in_call', 'away', 'offline']);
export type AdvisorStatus = z.infer<typeof AdvisorStatusSchema>;

/** The outcomes an advisor records after a call. */
export const RecordableOutcomeSchema = z.enum([
  'resolved',
  'follow_up',
  'redirected',
  'not_resolved',
]);
/** `transferred`: the call was handed to a colleague (warm transfer), recorded by the server. */
export const OutcomeSchema = z.enum([...RecordableOutcomeSchema.options, 'transferred']);
export type Outcome = z.infer<typeof OutcomeSchema>;
export type RecordableOutcome = z.infer<typeof RecordableOutcomeSchema>;

const isoTime = z.iso.datetime({ offset: true });

/** An appointment (or walk-in entry) as staff see it. Kiosks never receive these. */
export const AppointmentViewSchema = z.object({
  id: IdSchema,
  kind: z.enum(['appointment', 'walk_in']),
  status: AppointmentStatusSchema,
  service: z.object({ id: IdSchema, name: z.string(), colour: z.string() }),
  advisor: z.object({ id: IdSchema, name: z.string() }).nullable(),
  kiosk: z.object({ id: IdSchema, name: z.string(), siteName: z.string() }),
  startsAt: isoTime,
  durationMin: z.number().int(),
  citizenRef: z.string(),
  /** The citizen lip-reads or signs: the call's video keeps 20 fps at QVGA (booking option). */
  signOrLipReading: z.boolean(),
  checkedInAt: isoTime.nullable(),
  outcome: OutcomeSchema.nullable(),
  /** Whether advisors other than the scheduled one may take this citizen now (grace elapsed or away). */
  openToService: z.boolean(),
  /** The grade of the link test the kiosk ran for this citizen (device check); null before it. */
  linkGrade: LinkGradeSchema.nullable(),
});
export type AppointmentView = z.infer<typeof AppointmentViewSchema>;

/** What the kiosk's waiting room shows. */
export const WaitingStatusSchema = z.object({
  appointmentId: IdSchema,
  kind: z.enum(['appointment', 'walk_in']),
  serviceName: z.string(),
  /** The scheduled advisor's first name and status; null for a walk-in not yet taken. */
  advisor: z.object({ name: z.string(), status: AdvisorStatusSchema }).nullable(),
  /** 1-based place in the service queue (walk-ins, and appointments opened to the service). */
  position: z.number().int().positive().nullable(),
  checkedInAt: isoTime,
});
export type WaitingStatus = z.infer<typeof WaitingStatusSchema>;

export const KioskServiceSchema = z.object({
  id: IdSchema,
  name: z.string(),
  colour: z.string(),
  /** A walk-in slot of this service is open now. */
  walkInOpen: z.boolean(),
});

export const CheckInCodeSchema = z.string().regex(/^\d{6}$/, 'six digits');

export const kioskSchedulingRequests = {
  home: defineRequest(
    'kiosk:home',
    z.object({}).strict(),
    z.object({
      kiosk: z.object({
        id: IdSchema,
        name: z.string(),
        siteName: z.string(),
        outOfService: z.boolean(),
      }),
      services: z.array(KioskServiceSchema),
      /** The citizen already checked in here (after a reload or reconnect), if any. */
      waiting: WaitingStatusSchema.nullable(),
    }),
    "What the kiosk's welcome screen shows: its site's services (with open walk-in slots) and any waiting citizen.",
  ),
  checkIn: defineRequest(
    'checkin:submit',
    z.object({ code: CheckInCodeSchema }).strict(),
    z.object({ waiting: WaitingStatusSchema }),
    'Check in with the 6-digit code. NOT_FOUND for a wrong code; BAD_STATE with reason too_early | too_late | already_checked_in | cancelled; RATE_LIMITED (reason locked) after too many wrong codes.',
  ),
  joinWalkIn: defineRequest(
    'walkin:join',
    z.object({ serviceId: IdSchema }).strict(),
    z.object({ waiting: WaitingStatusSchema }),
    "Join a service's walk-in queue (only while its walk-in slot is open: else BAD_STATE reason walk_in_closed).",
  ),
  cancelWaiting: defineRequest(
    'waiting:cancel',
    z.object({}).strict(),
    z.object({}),
    'The citizen leaves the waiting room. An appointment can be checked in again within its window.',
  ),
} as const;

export const kioskSchedulingEvents = {
  waitingStatus: defineEvent(
    'waiting:status',
    WaitingStatusSchema,
    'The waiting room changed: advisor status or queue position.',
  ),
  waitingEnded: defineEvent(
    'waiting:ended',
    z.object({ appointmentId: IdSchema, reason: z.enum(['no_show', 'cancelled', 'expired']) }),
    'The citizen is no longer waiting (cancelled by staff, or the window passed): back to welcome.',
  ),
} as const;

export const staffSchedulingRequests = {
  agenda: defineRequest(
    'agenda:today',
    z.object({}).strict(),
    z.object({
      appointments: z.array(AppointmentViewSchema),
      availability: z.enum(['available', 'away']),
      /**
       * The start times the agenda spans: the organisation's day, widened to any appointment
       * whose check-in is open now (near midnight). The client keeps to it, and asks again at `to`.
       */
      span: z.object({ from: isoTime, to: isoTime }),
      /**
       * The server's clock when it answered: the span ends `to - now` later, whatever the
       * browser's clock says.
       */
      now: isoTime,
    }),
    "Advisor: today's own appointments (those whose check-in is open included), the span they cover, and own availability.",
  ),
  queue: defineRequest(
    'queue:list',
    z.object({}).strict(),
    z.object({ entries: z.array(AppointmentViewSchema) }),
    'Advisor: citizens waiting in the queues of the services this advisor serves that this advisor may take now.',
  ),
  admit: defineRequest(
    'waiting:admit',
    z.object({ appointmentId: IdSchema }).strict(),
    z.object({ callId: IdSchema }),
    'Advisor: take the waiting citizen into a call. CONFLICT if another advisor took them first; FORBIDDEN if not yours to take yet.',
  ),
  setAvailability: defineRequest(
    'advisor:setAvailability',
    z.object({ availability: z.enum(['available', 'away']) }).strict(),
    z.object({}),
    'Advisor: available for calls, or away (own citizens then open to colleagues at once).',
  ),
  recordOutcome: defineRequest(
    'appointment:recordOutcome',
    z.object({ appointmentId: IdSchema, outcome: RecordableOutcomeSchema }).strict(),
    z.object({ appointment: AppointmentViewSchema }),
    'Advisor: record the outcome of an appointment they handled (after the call).',
  ),
} as const;

export const staffSchedulingEvents = {
  appointmentChanged: defineEvent(
    'agenda:changed',
    AppointmentViewSchema,
    "An appointment of this advisor's agenda or service queues changed (status, time, taken).",
  ),
  citizenArrived: defineEvent(
    'agenda:citizenArrived',
    AppointmentViewSchema,
    'A citizen this advisor may take has checked in (sound and notification).',
  ),
  queueChanged: defineEvent(
    'queue:changed',
    z.object({ serviceId: IdSchema }),
    'A service queue this advisor serves changed: fetch queue:list again.',
  ),
} as const;
