import { useT } from '../../i18n/useT';

/** The server is unreachable; socket.io keeps retrying in the background. */
export function OfflineScreen() {
  const t = useT();
  return (
    <main className="screen screen--status" data-testid="kiosk-screen-offline">
      <h1>{t('offline.title')}</h1>
      <p className="lead">{t('offline.body')}</p>
      <p>{t('offline.retrying')}</p>
    </main>
  );
}
