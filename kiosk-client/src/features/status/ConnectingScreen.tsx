import { useT } from '../../i18n/useT';

/** While the kiosk opens its connection for the first time. */
export function ConnectingScreen() {
  const t = useT();
  return (
    <main className="screen screen--status" data-testid="kiosk-screen-connecting" aria-busy="true">
      <h1>{t('connecting.title')}</h1>
    </main>
  );
}
