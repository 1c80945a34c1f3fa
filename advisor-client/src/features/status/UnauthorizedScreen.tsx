import { useT } from '../../i18n/useT';

/** The staff token was refused (expired session or a bad link). */
export function UnauthorizedScreen() {
  const t = useT();
  return (
    <main className="page page--status" data-testid="advisor-unauthorized">
      <h1>{t('unauthorized.title')}</h1>
      <p>{t('unauthorized.body')}</p>
    </main>
  );
}
