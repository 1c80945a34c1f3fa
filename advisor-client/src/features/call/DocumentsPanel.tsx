import { useId, useRef } from 'react';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { ACCEPTED_DOCUMENT_TYPES, type DeskProblem } from '@visio/shared/client';
import { useStore } from '@visio/shared/ui';
import type { MessageKey } from '../../i18n/translate';
import type { AdvisorCall } from './AdvisorCall';
import { DocumentViewer } from './DocumentViewer';

const REFUSED: Partial<Record<DeskProblem['code'], MessageKey>> = {
  unsupported_type: 'documents.error.unsupported_type',
  too_large: 'documents.error.too_large',
  too_many: 'documents.error.too_many',
  empty: 'documents.error.empty',
};

/** The sentence for a problem of the desk: why a document was refused, or what failed. */
function problemKey({ what, code }: DeskProblem): MessageKey {
  if (what === 'chat' || what === 'download' || what === 'scan') return `documents.error.${what}`;
  return REFUSED[code] ?? `errors.${code as Exclude<typeof code, keyof typeof REFUSED>}`;
}

/** Documents of the call: send one, ask the citizen for a scan, open what was exchanged. */
export function DocumentsPanel({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const ids = useId();
  const desk = call.party.desk;
  const documents = useStore(desk.store, (s) => s.documents);
  const uploading = useStore(desk.store, (s) => s.uploading);
  const scanRequested = useStore(call.store, (s) => s.scanRequested);
  const viewing = useStore(desk.store, (s) => s.viewing);
  const problem = useStore(desk.store, (s) => s.problem);
  const fileRef = useRef<HTMLInputElement>(null);

  const problemText = problem ? t(problemKey(problem)) : null;
  const shown = documents.find((d) => d.id === viewing) ?? null;

  return (
    <section className="panel documents" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('documents.title')}</h3>
      <p className="hint">{t('documents.ephemeral')}</p>
      <label htmlFor={`${ids}-file`}>{t('documents.upload')}</label>
      <input
        ref={fileRef}
        id={`${ids}-file`}
        type="file"
        data-testid="document-upload"
        accept={ACCEPTED_DOCUMENT_TYPES.join(',')}
        disabled={uploading}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file)
            void desk
              .upload(file, file.name)
              .finally(() => fileRef.current && (fileRef.current.value = ''));
        }}
      />
      {uploading ? <p aria-busy="true">{t('documents.uploading')}</p> : null}
      {problemText ? (
        <p className="alert" role="alert" data-testid="documents-problem" data-code={problem?.code}>
          {problemText}
        </p>
      ) : null}
      <Button variant="secondary" testId="request-scan" onClick={() => void call.requestScan()}>
        {t('documents.requestScan')}
      </Button>
      {scanRequested ? (
        <p role="status" className="hint">
          {t('documents.scanRequested')}
        </p>
      ) : null}
      <h4 id={`${ids}-list`}>{t('documents.list')}</h4>
      <ul className="documents__list" data-testid="documents-list" aria-labelledby={`${ids}-list`}>
        {documents.length === 0 ? <li className="hint">{t('documents.empty')}</li> : null}
        {documents.map((d) => (
          <li key={d.id}>
            <button
              type="button"
              className="link-button"
              data-testid={`document-${d.id}`}
              aria-pressed={viewing === d.id}
              aria-label={t('documents.open', { name: d.name })}
              onClick={() => void desk.view(d.id)}
            >
              {d.name}
            </button>{' '}
            <span className="hint">
              ({t(`documents.from.${d.from}`)},{' '}
              {t('documents.size', { kb: Math.max(1, Math.round(d.size / 1024)) })})
            </span>
          </li>
        ))}
      </ul>
      {shown ? <DocumentViewer key={shown.id} desk={desk} document={shown} /> : null}
    </section>
  );
}
