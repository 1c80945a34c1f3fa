import { useT } from '../../i18n/useT';
import { useStaffSession } from '../../session/StaffSessionContext';
import { MicCameraToggles, micCameraLabels, type CallSnapshot } from '@visio/shared/ui';

/** The staff member's microphone and camera toggles in a call (advisor or interpreter). */
export function CallToggles({ snapshot }: { readonly snapshot: CallSnapshot | null }) {
  const t = useT();
  const session = useStaffSession();
  return (
    <MicCameraToggles
      labels={micCameraLabels(t)}
      micMuted={snapshot?.localMuted.microphone ?? false}
      cameraOff={snapshot?.localMuted.camera ?? false}
      onMicMutedChange={(muted) => session.setMicrophoneMuted(muted)}
      onCameraOffChange={(off) => session.setCameraOff(off)}
      disabled={!snapshot}
    />
  );
}
