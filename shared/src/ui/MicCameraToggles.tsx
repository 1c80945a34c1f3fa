import { Icon } from './Icon';
import { ToggleButton } from './ToggleButton';

export interface MicCameraTogglesProps {
  /** Each app's wording (its own i18n): the action, and what is shown while it is on. */
  readonly labels: { mic: string; micOff: string; camera: string; cameraOff: string };
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  readonly onMicMutedChange: (muted: boolean) => void;
  readonly onCameraOffChange: (off: boolean) => void;
  /** No call media yet: nothing to switch. */
  readonly disabled: boolean;
}

/** The keys both apps word the switches with (`call.mic`, `call.mic.off`…). */
export type MicCameraKey = 'call.mic' | 'call.mic.off' | 'call.camera' | 'call.camera.off';

/** The switches' labels in an app's words, from the keys both apps share. */
export function micCameraLabels(t: (key: MicCameraKey) => string): MicCameraTogglesProps['labels'] {
  return {
    mic: t('call.mic'),
    micOff: t('call.mic.off'),
    camera: t('call.camera'),
    cameraOff: t('call.camera.off'),
  };
}

/** The microphone and camera switches of a call, the same at the kiosk and at the desk. */
export function MicCameraToggles({
  labels,
  micMuted,
  cameraOff,
  onMicMutedChange,
  onCameraOffChange,
  disabled,
}: MicCameraTogglesProps) {
  return (
    <>
      <ToggleButton
        testId="toggle-mic"
        label={labels.mic}
        pressedText={labels.micOff}
        pressed={micMuted}
        onPressedChange={onMicMutedChange}
        icon={<Icon name="microphone" />}
        pressedIcon={<Icon name="microphoneOff" />}
        disabled={disabled}
      />
      <ToggleButton
        testId="toggle-camera"
        label={labels.camera}
        pressedText={labels.cameraOff}
        pressed={cameraOff}
        onPressedChange={onCameraOffChange}
        icon={<Icon name="camera" />}
        pressedIcon={<Icon name="cameraOff" />}
        disabled={disabled}
      />
    </>
  );
}
