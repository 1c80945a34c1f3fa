import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import type { Agenda, AgendaProblem } from './Agenda';

function problemKey(problem: AgendaProblem): MessageKey {
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

/** A refused agenda action as a translated sentence (outcome errors show in their dialog). */
export function AgendaProblemAlert({ agenda }: { readonly agenda: Agenda }) {
  const t = useT();
  const problem = useStore(agenda.store, (s) => s.problem);
  if (!problem || problem.context === 'outcome') return null;
  return (
    <div
      className="alert"
      role="alert"
      data-testid="agenda-error"
      data-code={problem.code}
      data-reason={problem.reason ?? ''}
    >
      <p>{t(problemKey(problem))}</p>
      <Button variant="secondary" onClick={() => agenda.dismissProblem()}>
        {t('errors.dismiss')}
      </Button>
    </div>
  );
}
