import { useState, type ChangeEvent } from 'react';
import { ACCEPTED_DOCUMENT_TYPES, type DeskProblem, type InCallDesk } from '@visio/shared/client';
import { useStore } from '@visio/shared/ui';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DocumentViewer } from './DocumentViewer';
import { ScanDialog } from './ScanDialog';

const ACCEPT = [...ACCEPTED_DOCUMENT_TYPES, '.pdf', '.jpg', '.jpeg', '.png'].join(',');

/** What the citizen is told about a document problem: a few plain reasons, no error codes. */
type DocumentProblemReason =
  'unsupported_type' | 'too_large' | 'too_many' | 'empty' | 'camera' | 'network' | 'generic';

function reasonOf({ what, code }: DeskProblem): DocumentProblemReason {
  if (what === 'capture') return 'camera';
  if (
    code === 'unsupported_type' ||
    code === 'too_large' ||
    code === 'too_many' ||
    code === 'empty'
  )
    return code;
  if (what === 'download' || code === 'UNAVAILABLE' || code === 'TIMEOUT') return 'network';
  return 'generic';
}

/**
 * The documents of the call: scan one with the camera or take a file from the scanner, and
 * view or print what the advisor sends. All of it is gone when the call ends.
 */
export function DocumentsPanel({ desk }: { readonly desk: InCallDesk }) {
  const t = useT();
  const documents = useStore(desk.store, (s) => s.documents);
  const problem = useStore(desk.store, (s) =>
    s.problem && s.problem.what !== 'chat' ? s.problem : null,
  );
  const uploading = useStore(desk.store, (s) => s.uploading);
  const scanRequests = useStore(desk.store, (s) => s.scanRequests);
  const viewing = useStore(desk.store, (s) => s.viewing);
  const [scanByCitizen, setScanByCitizen] = useState(false);
  // The advisor's latest request opens the scan screen until the citizen closes it.
  const [answeredRequest, setAnsweredRequest] = useState(0);
  const requested = scanRequests > answeredRequest;
  const reason = problem ? reasonOf(problem) : null;

  const fromScanner = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void desk.upload(file, file.name);
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
      {reason ? (
        <p
          className="notice notice--warning"
          role="alert"
          data-testid="document-error"
          data-reason={reason}
        >
          {t(`documents.error.${reason}` satisfies MessageKey)}
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
                onClick={() => void desk.view(d.id)}
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
          desk={desk}
          requested={requested}
          onClose={() => {
            desk.dismissProblem();
            setScanByCitizen(false);
            setAnsweredRequest(scanRequests);
          }}
        />
      ) : null}
      {viewed ? (
        <DocumentViewer desk={desk} document={viewed} onClose={() => desk.closeViewer()} />
      ) : null}
    </section>
  );
}
