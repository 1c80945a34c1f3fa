import type { MessageKey, Translate } from '../../i18n/translate';
import type { BookingProblem } from './BookingDesk';

const REASONS: Readonly<Record<string, MessageKey>> = {
  advisor_busy: 'booking.error.advisor_busy',
  kiosk_busy: 'booking.error.kiosk_busy',
  in_past: 'booking.error.in_past',
  outside_opening_hours: 'booking.error.outside_opening_hours',
  advisor_not_in_service: 'booking.error.advisor_not_in_service',
  service_not_at_site: 'booking.error.service_not_at_site',
  duration: 'booking.error.duration',
};

const NOT_FOUND: Readonly<Record<string, MessageKey>> = {
  service: 'booking.error.not_found.service',
  advisor: 'booking.error.not_found.advisor',
  kiosk: 'booking.error.not_found.kiosk',
};

/** The form field each request property is typed in. */
export const FIELD_LABELS: Readonly<Record<string, MessageKey>> = {
  serviceId: 'booking.form.service',
  advisorId: 'booking.form.advisor',
  kioskId: 'booking.form.kiosk',
  startsAt: 'booking.form.time',
  durationMin: 'booking.form.duration',
  citizenRef: 'booking.form.ref',
};

/** A refused booking, move or cancellation as a helpful sentence (never the server's words). */
export function bookingErrorText(problem: BookingProblem, t: Translate): string {
  const byReason = problem.reason ? REASONS[problem.reason] : undefined;
  if (byReason) return t(byReason);
  if (problem.code === 'INVALID_INPUT' && problem.reason === 'missing' && problem.details) {
    return t('booking.error.missing', { fields: labels(problem.details, t) });
  }
  switch (problem.code) {
    case 'NOT_FOUND':
      return t((problem.reason && NOT_FOUND[problem.reason]) || 'errors.NOT_FOUND');
    case 'BAD_STATE':
      return t('booking.error.not_movable');
    case 'CONFLICT':
      return t('booking.error.changed');
    case 'FORBIDDEN':
      return t('booking.error.FORBIDDEN');
    case 'INVALID_INPUT':
      return problem.details?.length
        ? t('booking.error.invalid', { fields: labels(problem.details, t) })
        : t('errors.INVALID_INPUT');
    default:
      return t(`errors.${problem.code}`);
  }
}

function labels(details: NonNullable<BookingProblem['details']>, t: Translate): string {
  const names = details.map(({ path }) => {
    const field = path.split('.').find((part) => part in FIELD_LABELS);
    return field ? t(FIELD_LABELS[field]!) : path;
  });
  return [...new Set(names)].join(', ');
}
