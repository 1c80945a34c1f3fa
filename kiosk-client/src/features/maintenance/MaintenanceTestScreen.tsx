import { useStore } from '@visio/shared/ui';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { VideoView } from '../../primitives/VideoView';
import { useKioskSession } from '../../session/KioskSessionContext';

/**
 * Over everything while the nightly test call runs: says what is happening, shows the test
 * picture coming back through the server, and gives the kiosk back to anyone who needs it.
 */
export function MaintenanceTestScreen() {
  const t = useT();
  const runner = useKioskSession().nightlyTest;
  const { running, path, looped } = useStore(runner.store, (s) => s);
  if (!running) return null;
  return (
    <main
      className="screen screen--status maintenance"
      data-testid="kiosk-screen-maintenance-test"
      data-path={path ?? ''}
      aria-labelledby="maintenance-title"
    >
      <h1 id="maintenance-title">{t('maintenance.title')}</h1>
      <p className="lead">{t('maintenance.body')}</p>
      <p role="status">
        {path ? t('maintenance.path', { path: t(`maintenance.path.${path}`) }) : ''}
      </p>
      {looped ? (
        <VideoView
          stream={looped}
          label={t('maintenance.preview')}
          muted
          testId="maintenance-preview"
          className="maintenance__preview"
        />
      ) : null}
      <Button testId="maintenance-stop" onClick={() => runner.stop()}>
        {t('maintenance.stop')}
      </Button>
    </main>
  );
}
