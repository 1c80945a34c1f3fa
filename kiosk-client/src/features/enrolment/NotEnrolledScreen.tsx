import { useT } from '../../i18n/useT';

/** No device token at all: only a technician, with the kiosk's set-up link, can fix this. */
export function NotEnrolledScreen() {
  const t = useT();
  return (
    <main className="screen screen--status" data-testid="kiosk-screen-not-enrolled">
      <h1>{t('notEnrolled.title')}</h1>
      <p className="lead">{t('notEnrolled.body')}</p>
    </main>
  );
}
