import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import type { Agenda } from './Agenda';
import { agendaProblemKey } from './agendaProblemKey';

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
      <p>{t(agendaProblemKey(problem))}</p>
      <Button variant="secondary" onClick={() => agenda.dismissProblem()}>
        {t('errors.dismiss')}
      </Button>
    </div>
  );
}
