import type { MessageKey } from '../../i18n/translate';
import type { AgendaProblem } from './Agenda';

/** The sentence for a refused agenda action (outcome errors are worded by their dialog). */
export function agendaProblemKey(problem: AgendaProblem): MessageKey {
  switch (problem.context) {
    case 'admit':
      if (problem.code === 'CONFLICT')
        return problem.reason === 'taken' ? 'agenda.error.admit.taken' : 'agenda.error.admit.busy';
      if (problem.code === 'FORBIDDEN') return 'agenda.error.admit.not_yours_yet';
      if (problem.code === 'BAD_STATE' && problem.reason === 'in_call')
        return 'agenda.error.admit.taken';
      // BAD_STATE with the appointment's status: it is no longer waiting; without: kiosk offline.
      if ((problem.code === 'BAD_STATE' && problem.reason) || problem.code === 'NOT_FOUND')
        return 'agenda.error.admit.gone';
      if (problem.code === 'UNAVAILABLE' && problem.reason === 'draining')
        return 'agenda.error.admit.draining';
      if (problem.code === 'UNAVAILABLE' && problem.reason === 'server_busy')
        return 'agenda.error.admit.server_busy';
      if (
        problem.code === 'BAD_STATE' ||
        problem.code === 'UNAVAILABLE' ||
        problem.code === 'TIMEOUT'
      )
        return 'agenda.error.admit.offline';
      return `errors.${problem.code}`;
    case 'availability':
      return 'agenda.error.availability';
    case 'load':
      return 'agenda.error.load';
    case 'outcome':
      return 'agenda.error.outcome';
  }
}
