import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStaffApp } from '../../session/StaffAppContext';

/** The session token of a `?token=` link was refused (expired, or a bad link). */
export function UnauthorizedScreen() {
  const t = useT();
  const app = useStaffApp();
  return (
    <main className="page page--status" data-testid="advisor-unauthorized">
      <h1>{t('unauthorized.title')}</h1>
      <p>{t('unauthorized.body')}</p>
      <Button onClick={() => app.leaveTokenSession()}>{t('unauthorized.signIn')}</Button>
    </main>
  );
}
