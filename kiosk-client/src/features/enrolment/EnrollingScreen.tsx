import type { RequestProblem } from '../../session/RequestProblem';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { formatClock, useNow } from '../../primitives/useNow';
import { useConnection, useKioskSession } from '../../session/KioskSessionContext';

function problemKey(problem: RequestProblem, waiting: boolean): MessageKey {
  if (problem.code === 'NOT_FOUND') return 'enrol.error.invalid_code';
  if (problem.code === 'RATE_LIMITED')
    return waiting ? 'enrol.error.RATE_LIMITED' : 'enrol.error.RATE_LIMITED.done';
  if (problem.code === 'UNAVAILABLE' || problem.code === 'TIMEOUT')
    return 'enrol.error.UNAVAILABLE';
  return 'enrol.error.generic';
}

/** The technician opened the kiosk's set-up link: the kiosk trades the code for its identity. */
export function EnrollingScreen() {
  const t = useT();
  const session = useKioskSession();
  const { pending, problem, retryAt } = useConnection((s) => s.enrolment);
  const now = useNow();
  const waiting = retryAt !== null && retryAt > now;
  // A used or mistyped code will not work any better a second time.
  const canRetry = problem !== null && problem.code !== 'NOT_FOUND' && !waiting;

  return (
    <main className="screen screen--status" data-testid="kiosk-screen-enrolling">
      <h1>{t('enrol.title')}</h1>
      {pending ? (
        <p className="lead" aria-busy="true">
          {t('enrol.pending')}
        </p>
      ) : null}
      {problem ? (
        <p
          className="notice notice--warning"
          role="alert"
          data-testid="enrol-error"
          data-code={problem.code}
          data-reason={problem.reason ?? ''}
        >
          {t(problemKey(problem, waiting), {
            time: waiting ? formatClock(retryAt - now) : '',
          })}
        </p>
      ) : null}
      {canRetry ? (
        <Button testId="enrol-retry" onClick={() => session.connection.retryEnrolment()}>
          {t('enrol.retry')}
        </Button>
      ) : null}
    </main>
  );
}
