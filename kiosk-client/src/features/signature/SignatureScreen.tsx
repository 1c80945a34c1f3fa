import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { CallSignature, InCallDesk } from '@visio/shared/client';
import type { SignatureDeclineReason, SignatureRequest } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { PdfPages } from './PdfPages';
import { SignatureDrawing } from './SignatureDrawing';
import { SignaturePad } from './SignaturePad';
import { Fingerprint } from './Fingerprint';

/** The citizen's sentence for a refused signature or decline: never a code. */
function problemKey(code: string): MessageKey {
  if (code === 'no_signature') return 'signature.error.gone';
  if (code === 'too_many' || code === 'PAYLOAD_TOO_LARGE') return 'signature.error.full';
  if (code === 'TIMEOUT' || code === 'UNAVAILABLE') return 'signature.error.network';
  return 'signature.error.generic';
}

/**
 * Signing on the screen: while the advisor has a document waiting for a signature, the document
 * (its pages large), its fingerprint, and the pad with undo, clear, confirm and decline. Once it
 * ends — signed, declined, withdrawn — a short notice says so (with the fingerprint again).
 */
export function SignatureScreen({
  signature,
  desk,
}: {
  readonly signature: CallSignature;
  readonly desk: InCallDesk;
}) {
  const open = useStore(signature.store, (s) => s.open);
  const last = useStore(signature.store, (s) => s.last);
  if (open) return <SignDialog key={open.id} request={open} signature={signature} desk={desk} />;
  if (last) return <SignatureOutcome signature={signature} />;
  return null;
}

function SignDialog({
  request,
  signature,
  desk,
}: {
  readonly request: SignatureRequest;
  readonly signature: CallSignature;
  readonly desk: InCallDesk;
}) {
  const t = useT();
  const ids = useId();
  const busy = useStore(signature.store, (s) => s.busy);
  const problem = useStore(signature.store, (s) => s.problem);
  const drawing = useMemo(() => new SignatureDrawing(), []);
  const [strokes, setStrokes] = useState(0);
  const [version, setVersion] = useState(0);
  const [declining, setDeclining] = useState(false);
  const [bytes, setBytes] = useState<ArrayBuffer | null>(null);
  const [unreadable, setUnreadable] = useState(false);
  const firstRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let gone = false;
    void desk.bytesOf(request.documentId).then((b) => {
      if (gone) return;
      if (b) setBytes(b);
      else setUnreadable(true);
    });
    return () => {
      gone = true;
    };
  }, [desk, request.documentId]);

  const redraw = () => {
    setStrokes(drawing.strokeCount);
    setVersion((v) => v + 1);
  };
  const decline = (reason: SignatureDeclineReason) => void signature.decline(reason);
  const padLabel =
    strokes === 0 ? t('signature.pad.empty') : t('signature.pad.drawn', { count: strokes });

  return (
    <Dialog
      title={t('signature.title', { name: request.name })}
      // Escape does not throw the request away: the citizen answers it (sign or decline).
      onClose={() => setDeclining(true)}
      className="dialog--signature"
      testId="signature-screen"
      initialFocus={firstRef}
    >
      <p>{t('signature.lead')}</p>
      <div className="signature__layout">
        <div className="signature__document" tabIndex={0} aria-label={t('signature.documentArea')}>
          {bytes ? (
            <PdfPages bytes={bytes} name={request.name} />
          ) : unreadable ? (
            <p role="alert">{t('signature.pagesFailed')}</p>
          ) : (
            <p aria-busy="true">{t('documents.loading')}</p>
          )}
        </div>
        <div className="signature__sign">
          <Fingerprint sha256={request.sha256} testId="signature-fingerprint" />
          {problem ? (
            <p
              className="notice notice--warning"
              role="alert"
              data-testid="signature-error"
              data-code={problem.code}
            >
              {t(problemKey(problem.code))}
            </p>
          ) : null}
          {declining ? (
            <div className="signature__decline" data-testid="signature-decline-choices">
              <p id={`${ids}-why`}>{t('signature.decline.question')}</p>
              <div className="dialog__actions" role="group" aria-labelledby={`${ids}-why`}>
                <Button
                  ref={firstRef}
                  testId="signature-decline-cannot"
                  disabled={busy}
                  onClick={() => decline('cannot_sign')}
                >
                  {t('signature.decline.cannotSign')}
                </Button>
                <Button
                  testId="signature-decline-disagree"
                  disabled={busy}
                  onClick={() => decline('not_agreed')}
                >
                  {t('signature.decline.notAgreed')}
                </Button>
                <Button
                  variant="secondary"
                  testId="signature-decline-back"
                  onClick={() => setDeclining(false)}
                >
                  {t('signature.decline.back')}
                </Button>
              </div>
            </div>
          ) : (
            <>
              <p id={`${ids}-pad-label`} className="signature__pad-label">
                {t('signature.pad.label')}
              </p>
              <p id={`${ids}-pad-help`} className="signature__pad-help">
                {t('signature.pad.help')}
              </p>
              <SignaturePad
                drawing={drawing}
                version={version}
                onStroke={() => setStrokes(drawing.strokeCount)}
                label={`${t('signature.pad.label')} ${padLabel}`}
                describedBy={`${ids}-pad-help`}
              />
              <p className="visually-hidden" aria-live="polite">
                {padLabel}
              </p>
              <div className="dialog__actions signature__actions">
                <Button
                  ref={firstRef}
                  variant="secondary"
                  testId="signature-undo"
                  disabled={strokes === 0 || busy}
                  onClick={() => {
                    drawing.undo();
                    redraw();
                  }}
                >
                  {t('signature.undo')}
                </Button>
                <Button
                  variant="secondary"
                  testId="signature-clear"
                  disabled={strokes === 0 || busy}
                  onClick={() => {
                    drawing.clear();
                    redraw();
                  }}
                >
                  {t('signature.clear')}
                </Button>
                <Button
                  variant="secondary"
                  testId="signature-decline"
                  onClick={() => setDeclining(true)}
                >
                  {t('signature.decline')}
                </Button>
                <Button
                  testId="signature-confirm"
                  disabled={strokes === 0 || busy}
                  onClick={() => void signature.submit(drawing.toStrokes())}
                >
                  {busy ? t('signature.sending') : t('signature.confirm')}
                </Button>
              </div>
            </>
          )}
        </div>
      </div>
    </Dialog>
  );
}

const OUTCOME: Record<'signed' | 'declined' | 'cancelled', MessageKey> = {
  signed: 'signature.outcome.signed',
  declined: 'signature.outcome.declined',
  cancelled: 'signature.outcome.cancelled',
};

/** How it ended, until the citizen closes the notice. */
function SignatureOutcome({ signature }: { readonly signature: CallSignature }) {
  const t = useT();
  const last = useStore(signature.store, (s) => s.last);
  const closeRef = useRef<HTMLButtonElement>(null);
  if (!last) return null;
  return (
    <Dialog
      title={t(`${OUTCOME[last.outcome]}.title` as MessageKey)}
      onClose={() => signature.dismissLast()}
      testId="signature-outcome"
      className="dialog--signature-outcome"
      initialFocus={closeRef}
    >
      <p data-testid="signature-outcome-text" data-outcome={last.outcome}>
        {t(OUTCOME[last.outcome])}
      </p>
      <Fingerprint sha256={last.sha256} testId="signature-outcome-fingerprint" />
      <div className="dialog__actions">
        <Button
          ref={closeRef}
          testId="signature-outcome-close"
          onClick={() => signature.dismissLast()}
        >
          {t('signature.outcome.close')}
        </Button>
      </div>
    </Dialog>
  );
}
