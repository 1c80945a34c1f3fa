import { useEffect, useRef } from 'react';

export interface VideoViewProps {
  readonly stream: MediaStream | null;
  /** Describes the picture for assistive technology. */
  readonly label: string;
  /** Our own picture: silent, and mirrored like a looking glass. */
  readonly self?: boolean;
  /** Keep the far side's sound off (e.g. until the browser allows audible autoplay). */
  readonly muted?: boolean;
  /** The browser refused to play sound without a touch first; the video plays muted. */
  readonly onAutoplayBlocked?: () => void;
  readonly testId: string;
  readonly className?: string;
}

/** Plays a MediaStream; re-binds when the stream object changes. */
export function VideoView({
  stream,
  label,
  self = false,
  muted = false,
  onAutoplayBlocked,
  testId,
  className,
}: VideoViewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const silent = self || muted;

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    video.muted = silent;
    if (!stream) return;
    video.play().catch((error: unknown) => {
      if (!(error instanceof DOMException) || error.name !== 'NotAllowedError' || silent) return;
      // Autoplay policy: play the picture without sound and ask for a touch to enable it.
      video.muted = true;
      void video.play().catch(() => undefined);
      onAutoplayBlocked?.();
    });
  }, [stream, silent, onAutoplayBlocked]);

  return (
    <video
      ref={ref}
      className={['video', self ? 'video--self' : 'video--remote', className]
        .filter(Boolean)
        .join(' ')}
      data-testid={testId}
      aria-label={label}
      autoPlay
      playsInline
      muted={silent}
    />
  );
}
