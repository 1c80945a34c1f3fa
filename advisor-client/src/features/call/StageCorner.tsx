import { useT } from '../../i18n/useT';
import { useStaffState } from '../../session/StaffSessionContext';
import { SelfView, SoundUnlock } from '@visio/shared/ui';

/**
 * Over the call stage: the staff member's own picture small, and the button that lets the far
 * side's sound play when the browser kept it off.
 */
export function StageCorner({
  cameraOff,
  soundBlocked,
  onUnlockSound,
}: {
  readonly cameraOff: boolean;
  readonly soundBlocked: boolean;
  readonly onUnlockSound: () => void;
}) {
  const t = useT();
  const localStream = useStaffState((s) => s.localStream);
  return (
    <>
      {soundBlocked ? <SoundUnlock label={t('call.soundBlocked')} onClick={onUnlockSound} /> : null}
      <SelfView
        stream={localStream}
        label={t('call.selfView')}
        offLabel={t('call.camera.off')}
        cameraOff={cameraOff}
      />
    </>
  );
}
