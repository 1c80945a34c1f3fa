import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { VideoView } from '../../primitives/VideoView';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';

/** The advisor's own picture before a call, and what to do if the devices cannot be opened. */
export function DevicePanel() {
  const t = useT();
  const session = useStaffSession();
  const localStream = useStaffState((s) => s.localStream);
  const problem = useStaffState((s) => s.deviceProblem);
  const opening = useStaffState((s) => s.openingDevices);

  return (
    <section className="panel panel--devices" aria-labelledby="devices-heading">
      <h2 id="devices-heading">{t('devices.title')}</h2>
      <div className="preview">
        <VideoView
          stream={localStream}
          self
          label={t('devices.selfPreview')}
          testId="self-preview"
        />
      </div>
      {opening ? <p aria-busy="true">{t('devices.opening')}</p> : null}
      {problem ? (
        <div className="alert" role="alert">
          <p>{t(`devices.error.${problem}` satisfies MessageKey)}</p>
          <Button variant="secondary" onClick={() => void session.openDevices()}>
            {t('devices.retry')}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
