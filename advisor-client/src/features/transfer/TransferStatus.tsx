import { useStore } from '@visio/shared/ui';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import type { TransferDesk } from './TransferDesk';

/** In the call: our offer waiting for the colleague's answer, which we may withdraw. */
export function TransferPending({ desk }: { readonly desk: TransferDesk }) {
  const t = useT();
  const pending = useStore(desk.store, (s) => s.pending);
  if (!pending) return null;
  return (
    <div className="notice transfer-pending" role="status" data-testid="transfer-pending">
      <p>{t('transfer.pending', { name: pending.colleagueName, service: pending.serviceName })}</p>
      <Button variant="secondary" testId="transfer-withdraw" onClick={() => void desk.cancel()}>
        {t('transfer.withdraw')}
      </Button>
    </div>
  );
}

/** How our last offer ended (declined, expired, withdrawn, accepted), until dismissed. */
export function TransferOutcomeNotice({ desk }: { readonly desk: TransferDesk }) {
  const t = useT();
  const last = useStore(desk.store, (s) => s.lastOutcome);
  if (!last) return null;
  return (
    <div
      className="notice"
      role="status"
      data-testid="transfer-outcome"
      data-outcome={last.outcome}
    >
      <p>{t(`transfer.outcome.${last.outcome}`, { name: last.colleagueName })}</p>
      <Button variant="secondary" onClick={() => desk.dismissOutcome()}>
        {t('errors.dismiss')}
      </Button>
    </div>
  );
}
