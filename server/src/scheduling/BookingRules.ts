import { localDay } from '@visio/shared/time';
import { AppError } from '@visio/shared/protocol';
import type { KioskSite, ServiceInfo } from './ReferenceRepository';
import { fitsWithin } from './WeeklyHours';

export interface BookingFacts {
  service: ServiceInfo | undefined;
  advisor: { id: string; serviceIds: string[] } | undefined;
  kiosk: KioskSite | undefined;
  /** Services offered at the kiosk's site. */
  siteServiceIds: string[];
  startsAt: Date;
  durationMin: number;
  now: Date;
  advisorBusy: boolean;
  kioskBusy: boolean;
}

/**
 * Whether an appointment may be booked (or moved) as described. Pure: every refusal has a
 * stable code and a reason the scheduler's screen translates.
 */
export function checkBooking(f: BookingFacts): void {
  if (!f.service) throw AppError.withReason('NOT_FOUND', 'service', 'No such service');
  if (!f.advisor) throw AppError.withReason('NOT_FOUND', 'advisor', 'No such advisor');
  if (!f.kiosk) throw AppError.withReason('NOT_FOUND', 'kiosk', 'No such kiosk');
  if (!f.advisor.serviceIds.includes(f.service.id)) {
    throw AppError.withReason(
      'INVALID_INPUT',
      'advisor_not_in_service',
      'This advisor does not serve this service',
    );
  }
  if (!f.siteServiceIds.includes(f.service.id)) {
    throw AppError.withReason(
      'INVALID_INPUT',
      'service_not_at_site',
      'This service is not offered at this kiosk’s site',
    );
  }
  if (f.startsAt.getTime() <= f.now.getTime()) {
    throw AppError.withReason('INVALID_INPUT', 'in_past', 'The slot is in the past');
  }
  if (!fitsWithin(f.kiosk.site.openingHours, f.kiosk.site.timezone, f.startsAt, f.durationMin)) {
    throw AppError.withReason(
      'INVALID_INPUT',
      'outside_opening_hours',
      'The slot is outside the site’s opening hours',
    );
  }
  if (f.advisorBusy)
    throw AppError.withReason(
      'CONFLICT',
      'advisor_busy',
      'The advisor already has an appointment then',
    );
  if (f.kioskBusy)
    throw AppError.withReason('CONFLICT', 'kiosk_busy', 'The kiosk is already booked then');
}

export interface CheckInWindow {
  /** Minutes before the start from which the code is accepted. */
  beforeMin: number;
  /** Minutes after the start until which the code is accepted. */
  afterMin: number;
}

/**
 * The span of start times on an advisor's agenda: the day of the organisation's time zone, widened
 * so that an appointment whose check-in is open now is on it even when it starts just after
 * midnight (or started just before). The agenda and the waiting room then agree near midnight.
 */
export function agendaSpan(
  now: Date,
  timeZone: string,
  window: CheckInWindow,
): { from: Date; to: Date } {
  const day = localDay(now, timeZone);
  const openFrom = now.getTime() - window.afterMin * 60_000;
  // `to` is exclusive: an appointment starting exactly `beforeMin` from now is open.
  const openTo = now.getTime() + window.beforeMin * 60_000 + 1;
  return {
    from: new Date(Math.min(day.start.getTime(), openFrom)),
    to: new Date(Math.max(day.end.getTime(), openTo)),
  };
}

export type WindowVerdict = 'open' | 'too_early' | 'too_late';

export function checkInWindow(startsAt: Date, now: Date, window: CheckInWindow): WindowVerdict {
  const t = now.getTime();
  if (t < startsAt.getTime() - window.beforeMin * 60_000) return 'too_early';
  if (t > startsAt.getTime() + window.afterMin * 60_000) return 'too_late';
  return 'open';
}
