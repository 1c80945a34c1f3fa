import { useRef } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import type { InCallDesk } from '@visio/shared/client';
import type { DocumentInfo } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import { printDocument } from './printDocument';

/** One document full size: an image inline, a PDF in a frame; Print prints this one only. */
export function DocumentViewer({
  desk,
  document,
  onClose,
}: {
  readonly desk: InCallDesk;
  readonly document: DocumentInfo;
  readonly onClose: () => void;
}) {
  const t = useT();
  const closeRef = useRef<HTMLButtonElement>(null);
  const url = useStore(desk.store, (s) => s.documentUrls[document.id] ?? null);

  return (
    <Dialog
      title={document.name}
      onClose={onClose}
      className="dialog--viewer"
      testId="document-viewer"
      initialFocus={closeRef}
    >
      <div className="viewer" data-type={document.type}>
        {!url ? (
          <p aria-busy="true">{t('documents.loading')}</p>
        ) : document.type === 'application/pdf' ? (
          <iframe src={url} title={document.name} data-testid="document-frame" />
        ) : (
          <img src={url} alt={document.name} data-testid="document-image" />
        )}
      </div>
      <div className="dialog__actions">
        <Button ref={closeRef} variant="secondary" testId="document-close" onClick={onClose}>
          {t('documents.close')}
        </Button>
        <Button testId="print-document" disabled={!url} onClick={() => url && printDocument(url)}>
          {t('documents.print')}
        </Button>
      </div>
    </Dialog>
  );
}
