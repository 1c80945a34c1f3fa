import { Button } from './Button';
import { Icon } from './Icon';
import { VideoView } from './VideoView';

export interface SelfViewProps {
  readonly stream: MediaStream | null;
  readonly label: string;
  /** Said over the picture while the camera is off. */
  readonly offLabel: string;
  readonly cameraOff: boolean;
  readonly className?: string;
}

/** Our own picture during a call, mirrored, with "camera off" over it while it is. */
export function SelfView({ stream, label, offLabel, cameraOff, className }: SelfViewProps) {
  return (
    <figure className={['self-view', className].filter(Boolean).join(' ')}>
      <VideoView stream={stream} self label={label} testId="self-video" />
      {cameraOff ? <figcaption className="self-view__off">{offLabel}</figcaption> : null}
    </figure>
  );
}

/** The browser kept the far side's sound off until a touch: this button is that touch. */
export function SoundUnlock({
  label,
  onClick,
}: {
  readonly label: string;
  readonly onClick: () => void;
}) {
  return (
    <Button className="sound-unlock" icon={<Icon name="speaker" />} onClick={onClick}>
      {label}
    </Button>
  );
}
