import type { AppointmentView } from '@visio/shared/protocol';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { ServiceSwatch } from '../../primitives/ServiceSwatch';
import { formatClock, useNow } from '../../primitives/useNow';
import { useStore } from '../../session/Store';
import { useStaffState } from '../../session/StaffSessionContext';
import type { Agenda } from './Agenda';
import { browserZone } from '../booking/localDay';
import { StatusBadge } from './StatusBadge';

/** Whether this advisor may take the citizen now (their own, or opened to the service). */
export function admissible(appointment: AppointmentView, staffId: string): boolean {
  return (
    appointment.status === 'checked_in' &&
    (appointment.advisor?.id === staffId || appointment.openToService)
  );
}

export function AgendaTable({ agenda }: { readonly agenda: Agenda }) {
  const t = useT();
  const format = useFormat();
  const now = useNow();
  const appointments = useStore(agenda.store, (s) => s.appointments);
  const loaded = useStore(agenda.store, (s) => s.loaded);
  const admitting = useStore(agenda.store, (s) => s.admitting);
  const zones = useStore(agenda.store, (s) => s.kioskZones);
  const here = browserZone();
  const otherZone = appointments
    .map((a) => zones.get(a.kiosk.id))
    .find((zone) => zone !== undefined && zone !== here);
  const staffId = useStaffState((s) => s.principal?.staffId ?? '');
  const online = useStaffState((s) => s.connection === 'online');
  const inCall = useStaffState((s) => s.call !== null);

  return (
    <section className="panel" aria-labelledby="agenda-heading" data-testid="agenda">
      <h2 id="agenda-heading">{t('agenda.title')}</h2>
      {otherZone ? (
        <p className="muted small">{t('agenda.zoneHint', { zone: otherZone })}</p>
      ) : null}
      {!loaded ? (
        <p aria-busy="true">{t('agenda.loading')}</p>
      ) : appointments.length === 0 ? (
        <p>{t('agenda.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('agenda.column.time')}</th>
              <th scope="col">{t('agenda.column.service')}</th>
              <th scope="col">{t('agenda.column.citizen')}</th>
              <th scope="col">{t('agenda.column.kiosk')}</th>
              <th scope="col">{t('agenda.column.status')}</th>
              <th scope="col">{t('agenda.column.waited')}</th>
              <th scope="col">{t('agenda.column.action')}</th>
            </tr>
          </thead>
          <tbody>
            {appointments.map((a) => {
              const ref = a.citizenRef || t('agenda.walkIn');
              return (
                <tr
                  key={a.id}
                  data-testid={`appointment-${a.id}`}
                  data-status={a.status}
                  className={a.status === 'checked_in' ? 'row--arrived' : undefined}
                >
                  <td className="nowrap">
                    <strong>{format.time(a.startsAt, zones.get(a.kiosk.id))}</strong>
                    <div className="muted small">
                      {t('agenda.duration', { minutes: a.durationMin })}
                    </div>
                  </td>
                  <td>
                    <ServiceSwatch colour={a.service.colour} /> {a.service.name}
                  </td>
                  <th scope="row">{ref}</th>
                  <td>
                    {a.kiosk.name}
                    <div className="muted small">{a.kiosk.siteName}</div>
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                    {a.outcome ? (
                      <div className="muted">
                        {t('agenda.outcome', { outcome: t(`outcome.${a.outcome}`) })}
                      </div>
                    ) : null}
                  </td>
                  <td className="numeric">
                    {a.status === 'checked_in' && a.checkedInAt
                      ? formatClock(now - Date.parse(a.checkedInAt))
                      : ''}
                  </td>
                  <td>
                    {admissible(a, staffId) ? (
                      <Button
                        testId={`admit-${a.id}`}
                        aria-label={t('agenda.admitWho', { ref })}
                        disabled={!online || inCall || admitting !== null}
                        aria-busy={admitting === a.id}
                        onClick={() => void agenda.admit(a.id)}
                      >
                        {admitting === a.id ? t('agenda.admitting') : t('agenda.admit')}
                      </Button>
                    ) : (a.status === 'completed' || a.status === 'failed') && !a.outcome ? (
                      <Button
                        variant="secondary"
                        testId={`record-outcome-${a.id}`}
                        onClick={() => agenda.openOutcome(a.id)}
                      >
                        {t('agenda.recordOutcome')}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
