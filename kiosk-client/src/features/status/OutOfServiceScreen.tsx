import { useT } from '../../i18n/useT';

/** A technician took the kiosk out of service (a fault, works at the host site). */
export function OutOfServiceScreen() {
  const t = useT();
  return (
    <main className="screen screen--status" data-testid="kiosk-screen-out-of-service">
      <h1>{t('outOfService.title')}</h1>
      <p className="lead">{t('outOfService.body')}</p>
    </main>
  );
}
