import type { AppointmentStatus, AppointmentView } from '@visio/shared/protocol';

/** Statuses after which nothing more happens with the citizen today. */
const OVER: ReadonlySet<AppointmentStatus> = new Set([
  'completed',
  'no_show',
  'cancelled',
  'failed',
]);

export interface AgendaParts {
  /** Over and done, in time order: shown folded, so a long day does not weigh on the page. */
  readonly earlier: readonly AppointmentView[];
  /** Still to come or happening now, in time order: shown in full. */
  readonly current: readonly AppointmentView[];
  /** Earlier appointments whose outcome is still to record (said on the folded summary). */
  readonly outcomesToRecord: number;
}

/** A call that ended without an outcome still asks the advisor for one. */
export function needsOutcome(a: AppointmentView): boolean {
  return (a.status === 'completed' || a.status === 'failed') && !a.outcome;
}

export function splitEarlier(appointments: readonly AppointmentView[]): AgendaParts {
  const earlier = appointments.filter((a) => OVER.has(a.status));
  return {
    earlier,
    current: appointments.filter((a) => !OVER.has(a.status)),
    outcomesToRecord: earlier.filter(needsOutcome).length,
  };
}
