import { useT } from '../../i18n/useT';
import { VideoView } from '../../primitives/VideoView';
import { useKioskState } from '../../session/KioskSessionContext';

/** Idle screen between citizens: a greeting, what happens next, and a small self-view. */
export function WelcomeScreen() {
  const t = useT();
  const localStream = useKioskState((s) => s.localStream);
  const deviceProblem = useKioskState((s) => s.deviceProblem);
  const notice = useKioskState((s) => s.notice);

  return (
    <main className="screen screen--welcome" data-testid="kiosk-screen-welcome">
      <h1>{t('welcome.title')}</h1>
      <p className="lead">{t('welcome.subtitle')}</p>
      <p>{t('welcome.hint')}</p>
      {notice ? <p className="notice">{t(notice)}</p> : null}
      {deviceProblem ? (
        <p className="notice notice--warning" role="alert">
          {t('welcome.deviceProblem')}
        </p>
      ) : null}
      <figure className="self-view self-view--welcome">
        <VideoView stream={localStream} self label={t('welcome.selfView')} testId="self-video" />
      </figure>
    </main>
  );
}
