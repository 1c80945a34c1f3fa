import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { VideoView } from '../../primitives/VideoView';
import type { InCallDesk } from '@visio/shared/client';
import { useStore } from '@visio/shared/ui';
import { useDevices } from '../../session/KioskSessionContext';
import { captureStill } from './captureStill';

/**
 * Scanning with the camera: hold the paper inside the frame, take the picture, check it, send it
 * (or take it again). Opened by the citizen or when the advisor asks for a document.
 */
export function ScanDialog({
  desk,
  requested,
  onClose,
}: {
  readonly desk: InCallDesk;
  readonly requested: boolean;
  readonly onClose: () => void;
}) {
  const t = useT();
  const localStream = useDevices((s) => s.stream);
  const uploading = useStore(desk.store, (s) => s.uploading);
  const [still, setStill] = useState<{ blob: Blob; url: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => () => desk.revoke(still?.url ?? null), [desk, still]);

  const capture = async () => {
    if (!localStream) return void desk.report('capture', 'UNAVAILABLE');
    setBusy(true);
    try {
      const blob = await captureStill(localStream);
      setStill({ blob, url: desk.keepUrl(URL.createObjectURL(blob)) });
    } catch {
      desk.report('capture', 'UNAVAILABLE');
    } finally {
      setBusy(false);
    }
  };
  const send = async () => {
    if (!still) return;
    const name = `${t('scan.fileName')}-${new Date().toISOString().slice(11, 19).replaceAll(':', '')}.jpg`;
    if (await desk.upload(still.blob, name)) onClose();
  };

  return (
    <Dialog
      title={t('scan.title')}
      onClose={onClose}
      className="dialog--scan"
      testId="scan-dialog"
      initialFocus={closeRef}
    >
      {requested ? (
        <p className="notice" role="alert" data-testid="scan-prompt">
          {t('scan.requested')}
        </p>
      ) : null}
      <p>{still ? t('scan.checkHint') : t('scan.hint')}</p>
      <div className="scan-view">
        {still ? (
          <img src={still.url} alt={t('scan.preview')} data-testid="scan-preview" />
        ) : (
          <>
            <VideoView stream={localStream} muted label={t('scan.live')} testId="scan-live" />
            <div className="scan-view__guide" aria-hidden="true" />
          </>
        )}
      </div>
      <div className="dialog__actions">
        <Button ref={closeRef} variant="secondary" testId="scan-cancel" onClick={onClose}>
          {t('scan.cancel')}
        </Button>
        {still ? (
          <>
            <Button variant="secondary" testId="scan-retake" onClick={() => setStill(null)}>
              {t('scan.retake')}
            </Button>
            <Button testId="scan-send" disabled={uploading} onClick={() => void send()}>
              {uploading ? t('scan.sending') : t('scan.send')}
            </Button>
          </>
        ) : (
          <Button testId="scan-capture" disabled={busy} onClick={() => void capture()}>
            {busy ? t('scan.capturing') : t('scan.capture')}
          </Button>
        )}
      </div>
    </Dialog>
  );
}
