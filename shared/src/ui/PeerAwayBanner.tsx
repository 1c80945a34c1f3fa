import { useNow } from './useNow';

export interface PeerAwayBannerProps {
  /** Since when the other party is away (ms since the epoch, the server's clock). */
  readonly since: number;
  /** The app's sentence for that many seconds. */
  readonly words: (seconds: number) => string;
  readonly className?: string;
}

/**
 * The other party's connection is lost and the server waits for it: for how long already,
 * counted every second. Not a live region: the call announces it once, and a screen reader
 * must not read the seconds as they pass.
 */
export function PeerAwayBanner({ since, words, className = 'banner' }: PeerAwayBannerProps) {
  const now = useNow();
  // The server's clock and ours may differ a little: never below zero.
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  return (
    <p className={className} data-testid="peer-away">
      {words(seconds)}
    </p>
  );
}
