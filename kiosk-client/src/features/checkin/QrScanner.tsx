import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT';
import { VideoView } from '../../primitives/VideoView';
import { useQrScanner } from './useQrScanner';

/** After this long without a code read, the citizen is told how to help it (or to type). */
const SLOW_MS = 20_000;

/**
 * The camera's picture with a square frame for the convocation's QR code. The code read is
 * handed over once (`onCode`); the camera is closed then, and when this leaves the screen.
 */
export function QrScanner({ onCode }: { readonly onCode: (code: string) => void }) {
  const t = useT();
  const { stream, state } = useQrScanner(onCode);
  const [slow, setSlow] = useState(false);

  useEffect(() => {
    if (state !== 'scanning') return;
    const timer = setTimeout(() => setSlow(true), SLOW_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const status =
    state === 'unavailable'
      ? t('qr.unavailable')
      : state === 'starting'
        ? t('qr.starting')
        : slow
          ? t('qr.slow')
          : t('qr.scanning');

  return (
    <section className="qr-scanner" aria-labelledby="qr-title" data-testid="qr-scanner">
      <h2 id="qr-title">{t('qr.title')}</h2>
      <p>{t('qr.hint')}</p>
      {state === 'unavailable' ? null : (
        <div className="scan-view qr-scanner__view">
          <VideoView stream={stream} muted label={t('qr.live')} testId="qr-live" />
          <div className="qr-scanner__guide" aria-hidden="true" />
        </div>
      )}
      <p
        className={state === 'unavailable' ? 'notice notice--warning' : 'qr-scanner__status'}
        role="status"
        data-testid="qr-status"
        data-state={state}
      >
        {status}
      </p>
      <p className="qr-scanner__private">{t('qr.private')}</p>
    </section>
  );
}
