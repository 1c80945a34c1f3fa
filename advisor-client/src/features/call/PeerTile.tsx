import { VideoView } from '../../primitives/VideoView';

export interface PeerTileProps {
  readonly stream: MediaStream | null;
  /** Describes the picture for assistive technology. */
  readonly label: string;
  /** Who this is, shown over the picture: a role, never a name. */
  readonly caption: string;
  readonly testId: string;
  readonly muted?: boolean;
  readonly onAutoplayBlocked?: () => void;
  /** Said over the tile until the peer's picture arrives. */
  readonly waitingText?: string;
}

/** Another party of a three-way call beside the far side, as large, with its role over it. */
export function PeerTile({
  stream,
  label,
  caption,
  testId,
  muted,
  onAutoplayBlocked,
  waitingText,
}: PeerTileProps) {
  return (
    <figure className="stage__tile stage__tile--peer">
      <VideoView
        stream={stream}
        label={label}
        testId={testId}
        {...(muted === undefined ? {} : { muted })}
        {...(onAutoplayBlocked ? { onAutoplayBlocked } : {})}
      />
      {waitingText && (stream?.getVideoTracks().length ?? 0) === 0 ? (
        <p className="stage__overlay">{waitingText}</p>
      ) : null}
      <figcaption className="stage__caption">{caption}</figcaption>
    </figure>
  );
}
