import { useT } from '../../i18n/useT';

/** The device token was refused: only a technician can fix this. */
export function UnauthorizedScreen() {
  const t = useT();
  return (
    <main className="screen screen--status" data-testid="kiosk-screen-unauthorized">
      <h1>{t('unauthorized.title')}</h1>
      <p className="lead">{t('unauthorized.body')}</p>
    </main>
  );
}
