import type { MessageKey } from '../../i18n/translate';
import type { RequestProblem } from '../../session/RequestProblem';

const BY_REASON: Readonly<Record<string, MessageKey>> = {
  wrong_code: 'code.error.wrong_code',
  locked: 'code.error.locked',
  too_early: 'code.error.too_early',
  too_late: 'code.error.too_late',
  cancelled: 'code.error.cancelled',
  kiosk_busy: 'code.error.kiosk_busy',
  already_checked_in: 'code.error.already_checked_in',
  out_of_service: 'code.error.out_of_service',
};

/**
 * The sentence for a refused check-in. A wrong code gets one generic sentence whatever the
 * server says (attempts left would help someone guessing codes more than a citizen).
 */
export function checkInErrorKey(problem: RequestProblem): MessageKey {
  const byReason = problem.reason ? BY_REASON[problem.reason] : undefined;
  if (byReason) return byReason;
  switch (problem.code) {
    case 'NOT_FOUND':
      return 'code.error.wrong_code';
    case 'RATE_LIMITED':
      return 'code.error.locked';
    case 'TIMEOUT':
    case 'UNAVAILABLE':
      return 'code.error.offline';
    default:
      return 'code.error.generic';
  }
}
