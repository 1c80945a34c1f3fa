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
  /** Playback volume, 0..1. */
  readonly volume?: number;
  /** The sound output (loudspeaker or handset) chosen by the citizen; null: the default. */
  readonly sinkId?: string | null;
}

type SinkVideo = HTMLVideoElement & { setSinkId?: (id: string) => Promise<void> };

/** Plays a MediaStream; re-binds when the stream object changes. */
export function VideoView({
  stream,
  label,
  self = false,
  muted = false,
  onAutoplayBlocked,
  testId,
  className,
  volume = 1,
  sinkId = null,
}: VideoViewProps) {
  const ref = useRef<SinkVideo>(null);

  useEffect(() => {
    if (ref.current) ref.current.volume = Math.min(1, Math.max(0, volume));
  }, [volume]);

  useEffect(() => {
    const video = ref.current;
    if (!video?.setSinkId || self) return;
    video.setSinkId(sinkId ?? '').catch((error: unknown) => console.warn('setSinkId', error));
  }, [sinkId, self]);
  const silent = self || muted;

  // A <video> bound to a live stream is kept alive by the browser after it leaves the page, and
  // keeps its whole detached tree with it (the advisor's camera stays open across calls, so each
  // call view and agenda left behind stayed in memory): unbind it when it goes.
  useEffect(() => {
    const video = ref.current;
    return () => {
      if (video) video.srcObject = null;
    };
  }, []);

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
