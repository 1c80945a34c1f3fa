import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import { useStaffState } from '../../session/StaffSessionContext';
import type { Agenda } from './Agenda';
import { admissible } from './AgendaTable';

/** The latest arrival, in view until taken or dismissed (the live region has announced it). */
export function ArrivalNotice({ agenda }: { readonly agenda: Agenda }) {
  const t = useT();
  const arrival = useStore(agenda.store, (s) => s.arrival);
  const admitting = useStore(agenda.store, (s) => s.admitting);
  const staffId = useStaffState((s) => s.principal?.staffId ?? '');
  const inCall = useStaffState((s) => s.call !== null);
  if (!arrival) return null;
  const ref = arrival.citizenRef || t('agenda.walkIn');

  return (
    <div className="arrival" data-testid="arrival-notice" data-appointment-id={arrival.id}>
      <p>
        <span className="arrival__icon" aria-hidden="true">
          ●
        </span>{' '}
        {arrival.kind === 'walk_in'
          ? t('arrival.walkIn', { kiosk: arrival.kiosk.name, service: arrival.service.name })
          : t('arrival.text', { ref, kiosk: arrival.kiosk.name, service: arrival.service.name })}
      </p>
      {arrival.signOrLipReading ? <p className="small">{t('agenda.signOrLipReading')}</p> : null}
      <div className="arrival__actions">
        {admissible(arrival, staffId) ? (
          <Button
            testId="arrival-admit"
            aria-label={t('agenda.admitWho', { ref })}
            disabled={inCall || admitting !== null}
            onClick={() => void agenda.admit(arrival.id)}
          >
            {t('agenda.admit')}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={() => agenda.dismissArrival()}>
          {t('arrival.dismiss')}
        </Button>
      </div>
    </div>
  );
}
