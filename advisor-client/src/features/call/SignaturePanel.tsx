import { useId, useRef, useState } from 'react';
import type { SignatureClosed } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import type { AdvisorCall } from './AdvisorCall';

/** The advisor's sentence for a refusal of the server (by reason) or a failed request. */
function problemKey(code: string): MessageKey {
  switch (code) {
    case 'not_pdf':
    case 'unreadable_pdf':
    case 'signature_open':
    case 'no_signature':
      return `signature.error.${code}`;
    default:
      return 'signature.error.generic';
  }
}

function outcomeKey(last: SignatureClosed): MessageKey {
  if (last.outcome === 'declined') return `signature.declined.${last.reason}`;
  return `signature.${last.outcome}`;
}

/** A SHA-256 in groups of eight, as the kiosk shows it: easy to read out and compare. */
function Fingerprint({ sha256, testId }: { readonly sha256: string; readonly testId: string }) {
  const t = useT();
  return (
    <p className="fingerprint">
      {t('signature.fingerprint')}{' '}
      <code data-testid={testId} data-sha256={sha256}>
        {(sha256.match(/.{1,8}/g) ?? []).join(' ')}
      </code>
    </p>
  );
}

/**
 * Signature on the kiosk's screen: send one of the call's PDFs (or a new one) to sign, follow the
 * request, and get the signed PDF back — with the original's SHA-256, the one the citizen sees.
 */
export function SignaturePanel({ call }: { readonly call: AdvisorCall }) {
  const t = useT();
  const ids = useId();
  const desk = call.party.desk;
  const signature = call.party.signature;
  const documents = useStore(desk.store, (s) => s.documents);
  const uploading = useStore(desk.store, (s) => s.uploading);
  const { open, last, busy, problem } = useStore(signature.store, (s) => s);
  const pdfs = documents.filter((d) => d.type === 'application/pdf');
  const [chosen, setChosen] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  // By default the latest PDF the advisor sent (not a signed copy that came back).
  const selected =
    pdfs.find((d) => d.id === chosen) ??
    pdfs.findLast((d) => d.from === 'advisor') ??
    pdfs[pdfs.length - 1];
  const signed =
    last?.outcome === 'signed' ? documents.find((d) => d.id === last.signedDocumentId) : undefined;

  const uploadAndSend = async (file: File) => {
    const document = await desk.upload(file, file.name);
    if (document) await signature.request(document.id);
  };
  const download = async () => {
    if (!signed) return;
    const url = await desk.urlOf(signed.id);
    if (!url) return;
    const link = window.document.createElement('a');
    link.href = url;
    link.download = signed.name;
    link.click();
  };

  return (
    <section
      className="panel signature"
      aria-labelledby={`${ids}-title`}
      data-testid="signature-panel"
    >
      <h3 id={`${ids}-title`}>{t('signature.title')}</h3>
      {last ? (
        <div
          className="signature__result"
          data-testid="signature-result"
          data-outcome={last.outcome}
        >
          <p role="status">{t(outcomeKey(last))}</p>
          <Fingerprint sha256={last.sha256} testId="signature-result-fingerprint" />
          {signed ? (
            <Button testId="signature-download" onClick={() => void download()}>
              {t('signature.download', { name: signed.name })}
            </Button>
          ) : null}
        </div>
      ) : null}
      {open ? (
        <>
          <p role="status" data-testid="signature-waiting">
            {t('signature.waiting', { name: open.name })}
          </p>
          <Fingerprint sha256={open.sha256} testId="signature-fingerprint" />
          <Button
            variant="secondary"
            testId="signature-cancel"
            disabled={busy}
            onClick={() => void signature.cancel()}
          >
            {t('signature.cancel')}
          </Button>
        </>
      ) : (
        <>
          <p className="hint">{t('signature.hint')}</p>
          {pdfs.length > 0 ? (
            <div className="signature__send">
              <label htmlFor={`${ids}-doc`}>{t('signature.document')}</label>
              <select
                id={`${ids}-doc`}
                data-testid="signature-document"
                value={selected?.id ?? ''}
                onChange={(event) => setChosen(event.target.value)}
              >
                {pdfs.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
              <Button
                testId="signature-send"
                disabled={busy || !selected}
                onClick={() => selected && void signature.request(selected.id)}
              >
                {t('signature.send')}
              </Button>
            </div>
          ) : null}
          <label htmlFor={`${ids}-file`}>{t('signature.upload')}</label>
          <input
            ref={fileRef}
            id={`${ids}-file`}
            type="file"
            accept="application/pdf,.pdf"
            data-testid="signature-upload"
            disabled={busy || uploading}
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file)
                void uploadAndSend(file).finally(
                  () => fileRef.current && (fileRef.current.value = ''),
                );
            }}
          />
        </>
      )}
      {problem ? (
        <p className="alert" role="alert" data-testid="signature-problem" data-code={problem.code}>
          {t(problemKey(problem.code))}
        </p>
      ) : null}
    </section>
  );
}
