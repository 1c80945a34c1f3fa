import { useId } from 'react';
import type { TransferOffered } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStaffState } from '../../session/StaffSessionContext';
import type { TransferDesk } from './TransferDesk';
import { transferProblemKey } from './transferProblemKey';

/** Calls colleagues offer us, each with their private note, to accept or decline. */
export function TransferOffers({ desk }: { readonly desk: TransferDesk }) {
  const t = useT();
  const incoming = useStore(desk.store, (s) => s.incoming);
  const problem = useStore(desk.store, (s) => (s.problem?.context === 'answer' ? s.problem : null));
  if (incoming.length === 0 && !problem) return null;
  return (
    <>
      {problem ? (
        <div
          className="alert"
          role="alert"
          data-testid="transfer-answer-error"
          data-code={problem.code}
        >
          <p>{t(transferProblemKey(problem))}</p>
          <Button variant="secondary" onClick={() => desk.dismissProblem()}>
            {t('errors.dismiss')}
          </Button>
        </div>
      ) : null}
      {incoming.map((offer) => (
        <TransferOfferCard key={offer.transferId} desk={desk} offer={offer} />
      ))}
    </>
  );
}

function TransferOfferCard({
  desk,
  offer,
}: {
  readonly desk: TransferDesk;
  readonly offer: TransferOffered;
}) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const answering = useStore(desk.store, (s) => s.answering !== null);
  const inCall = useStaffState((s) => s.call !== null);
  return (
    <section
      className="transfer-offer"
      aria-labelledby={`${ids}-title`}
      data-testid="transfer-offer"
      data-transfer-id={offer.transferId}
    >
      <h2 id={`${ids}-title`}>{t('transfer.offer.title')}</h2>
      <p>
        {t('transfer.offer.text', {
          from: offer.fromAdvisorName,
          service: offer.serviceName,
          kiosk: offer.kioskName,
          site: offer.siteName,
        })}
      </p>
      {offer.fromServiceName ? (
        <p className="small">
          {t('transfer.offer.fromService', { service: offer.fromServiceName })}
        </p>
      ) : null}
      <h3>{t('transfer.offer.note')}</h3>
      <p className="transfer-offer__note" data-testid="transfer-offer-note">
        {offer.note || t('transfer.offer.noNote')}
      </p>
      <p className="small">{t('transfer.offer.expires', { time: format.time(offer.expiresAt) })}</p>
      <div className="arrival__actions">
        <Button
          testId="transfer-accept"
          disabled={answering || inCall}
          onClick={() => void desk.accept(offer)}
        >
          {t('transfer.offer.accept')}
        </Button>
        <Button
          variant="secondary"
          testId="transfer-decline"
          disabled={answering}
          onClick={() => void desk.decline(offer)}
        >
          {t('transfer.offer.decline')}
        </Button>
      </div>
    </section>
  );
}
