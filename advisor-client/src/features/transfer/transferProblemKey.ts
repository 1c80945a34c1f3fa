import type { MessageKey } from '../../i18n/translate';
import type { TransferProblem } from './TransferDesk';

const OFFER_REASONS: Partial<Record<string, MessageKey>> = {
  colleague_offline: 'transfer.error.colleague_offline',
  colleague_away: 'transfer.error.colleague_away',
  colleague_in_call: 'transfer.error.colleague_in_call',
  transfer_pending: 'transfer.error.transfer_pending',
};

/** The sentence for a failed transfer request, by its stable code and reason. */
export function transferProblemKey(problem: TransferProblem): MessageKey {
  if (problem.context === 'answer')
    return problem.reason === 'advisor_in_call'
      ? 'transfer.offer.error.advisor_in_call'
      : 'transfer.offer.error';
  return (problem.reason && OFFER_REASONS[problem.reason]) || 'transfer.error';
}
