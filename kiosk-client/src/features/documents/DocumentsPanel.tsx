import { useState, type ChangeEvent } from 'react';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useKioskSession } from '../../session/KioskSessionContext';
import { useStore } from '@visio/shared/ui';
import { DocumentViewer } from './DocumentViewer';
import { ScanDialog } from './ScanDialog';

const ACCEPT = 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png';

/**
 * The documents of the call: scan one with the camera or take a file from the scanner, and
 * view or print what the advisor sends. All of it is gone when the call ends.
 */
export function DocumentsPanel() {
  const t = useT();
  const desk = useKioskSession().inCall;
  const documents = useStore(desk.store, (s) => s.documents);
  const problem = useStore(desk.store, (s) => s.documentProblem);
  const uploading = useStore(desk.store, (s) => s.uploading);
  const scanRequest = useStore(desk.store, (s) => s.scanRequest);
  const [scanByCitizen, setScanByCitizen] = useState(false);
  // The advisor's latest request opens the scan screen until the citizen closes it.
  const [answeredRequest, setAnsweredRequest] = useState(0);
  const requested = scanRequest > answeredRequest;
  const [viewing, setViewing] = useState<string | null>(null);

  const fromScanner = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void desk.upload(file, file.name);
  };
  const open = (id: string) => {
    setViewing(id);
    void desk.open(id);
  };
  const viewed = documents.find((d) => d.id === viewing);

  return (
    <section
      className="panel documents-panel"
      data-testid="documents-panel"
      aria-labelledby="documents-heading"
    >
      <h2 id="documents-heading" className="panel__title">
        {t('documents.title')}
      </h2>
      <div className="documents__actions">
        <Button testId="scan-button" onClick={() => setScanByCitizen(true)}>
          {t('documents.scan')}
        </Button>
        <label className="button button--secondary file-button">
          <span className="button__label">
            {uploading ? t('scan.sending') : t('documents.fromScanner')}
          </span>
          <input
            type="file"
            className="visually-hidden"
            accept={ACCEPT}
            data-testid="scanner-file-input"
            onChange={fromScanner}
          />
        </label>
      </div>
      {problem ? (
        <p
          className="notice notice--warning"
          role="alert"
          data-testid="document-error"
          data-reason={problem.reason}
        >
          {t(`documents.error.${problem.reason}` satisfies MessageKey)}
        </p>
      ) : null}
      {documents.length === 0 ? (
        <p>{t('documents.none')}</p>
      ) : (
        <ul className="documents__list" data-testid="documents-list">
          {documents.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                className="document"
                data-testid={`document-${d.id}`}
                data-from={d.from}
                onClick={() => open(d.id)}
              >
                <span className="document__name">{d.name}</span>
                <span className="document__from">
                  {d.from === 'kiosk' ? t('documents.fromYou') : t('documents.fromAdvisor')}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {scanByCitizen || requested ? (
        <ScanDialog
          requested={requested}
          onClose={() => {
            desk.clearProblem();
            setScanByCitizen(false);
            setAnsweredRequest(scanRequest);
          }}
        />
      ) : null}
      {viewed ? <DocumentViewer document={viewed} onClose={() => setViewing(null)} /> : null}
    </section>
  );
}
