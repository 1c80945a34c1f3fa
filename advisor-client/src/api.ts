import { fieldOf, restRequest, type RestRequest } from '@visio/shared/client';
import {
  AppError,
  AppointmentViewSchema,
  CreatedAppointmentSchema,
  EnrolmentCodeResponseSchema,
  ImpactReportSchema,
  InterpreterGuestResponseSchema,
  KioskListResponseSchema,
  KioskSummarySchema,
  OfficeDistanceSchema,
  OfficeDistancesResponseSchema,
  ReferenceDataSchema,
  SessionResponseSchema,
  type CreateAppointment,
  type CreateKioskBody,
  type LoginBody,
  type MoveAppointment,
  type OfficeDistance,
  type ReportQuery,
} from '@visio/shared/protocol';

// The staff app's REST calls, typed and validated with the shared schemas. The session cookie
// travels by itself (same origin); a refused one is reported to whoever listens.

let sessionRefused: (() => void) | null = null;

/** Called when a request is refused for want of a valid session (it expired, or was revoked). */
export function onSessionRefused(listener: (() => void) | null): void {
  sessionRefused = listener;
}

async function call<T>(path: string, request: RestRequest<T> = {}): Promise<T> {
  try {
    return await restRequest(path, request);
  } catch (error) {
    if (
      error instanceof AppError &&
      error.code === 'UNAUTHORIZED' &&
      !path.startsWith('/api/auth/')
    )
      sessionRefused?.();
    throw error;
  }
}

const appointmentAnswer = fieldOf('appointment', AppointmentViewSchema);
const kioskPath = (kioskId: string) => `/api/kiosks/${encodeURIComponent(kioskId)}`;
const appointmentPath = (id: string) => `/api/appointments/${encodeURIComponent(id)}`;

export const api = {
  me: () => call('/api/auth/me', { response: SessionResponseSchema }),
  login: (body: LoginBody) =>
    call('/api/auth/login', { method: 'POST', body, response: SessionResponseSchema }),
  logout: () => call('/api/auth/logout', { method: 'POST' }),
  /** An invitation link's code, for a guest interpreter's socket token. */
  interpreterGuest: (code: string) =>
    call('/api/interpreter/guest', {
      method: 'POST',
      body: { code },
      response: InterpreterGuestResponseSchema,
    }),

  reference: () => call('/api/reference', { response: ReferenceDataSchema }),
  appointments: (from: Date, to: Date) =>
    call('/api/appointments', {
      query: { from: from.toISOString(), to: to.toISOString() },
      response: fieldOf('appointments', AppointmentViewSchema.array()),
    }),
  book: (body: CreateAppointment) =>
    call('/api/appointments', { method: 'POST', body, response: CreatedAppointmentSchema }),
  move: (id: string, body: MoveAppointment) =>
    call(appointmentPath(id), { method: 'PATCH', body, response: appointmentAnswer }),
  cancel: (id: string) =>
    call(`${appointmentPath(id)}/cancel`, { method: 'POST', response: appointmentAnswer }),

  kiosks: () => call('/api/kiosks', { response: KioskListResponseSchema }),
  createKiosk: (body: CreateKioskBody) =>
    call('/api/kiosks', { method: 'POST', body, response: EnrolmentCodeResponseSchema }),
  newEnrolmentCode: (kioskId: string) =>
    call(`${kioskPath(kioskId)}/enrolment-code`, {
      method: 'POST',
      response: EnrolmentCodeResponseSchema,
    }),
  revokeKiosk: (kioskId: string) => call(`${kioskPath(kioskId)}/revoke`, { method: 'POST' }),
  setOutOfService: (kioskId: string, outOfService: boolean) =>
    call(`${kioskPath(kioskId)}/out-of-service`, {
      method: 'POST',
      body: { outOfService },
      response: fieldOf('kiosk', KioskSummarySchema),
    }),

  report: (query: ReportQuery) => call('/api/report', { query, response: ImpactReportSchema }),
  reportDistances: () => call('/api/report/distances', { response: OfficeDistancesResponseSchema }),
  setReportDistance: (body: OfficeDistance) =>
    call('/api/report/distances', {
      method: 'PUT',
      body,
      response: fieldOf('distance', OfficeDistanceSchema),
    }),
};
