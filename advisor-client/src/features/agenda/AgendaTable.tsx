import { useState } from 'react';
import type { AppointmentView } from '@visio/shared/protocol';
import { currentTimeZone } from '@visio/shared/time';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import { ServiceSwatch } from '../../primitives/ServiceSwatch';
import { formatClock, useNow } from '../../primitives/useNow';
import { useStore } from '@visio/shared/ui';
import { useStaffState } from '../../session/StaffSessionContext';
import type { Agenda } from './Agenda';
import { needsOutcome, splitEarlier } from './earlierToday';
import { StatusBadge } from './StatusBadge';
import { LinkGradeBadge } from '../linkTest/LinkGradeBadge';

/** Whether this advisor may take the citizen now (their own, or opened to the service). */
export function admissible(appointment: AppointmentView, staffId: string): boolean {
  return (
    appointment.status === 'checked_in' &&
    (appointment.advisor?.id === staffId || appointment.openToService)
  );
}

/**
 * Today's appointments: those still to come or under way in full; those that are over folded
 * under "Earlier today", and only drawn when opened, so that a full day keeps the page light.
 */
export function AgendaTable({ agenda }: { readonly agenda: Agenda }) {
  const t = useT();
  const appointments = useStore(agenda.store, (s) => s.appointments);
  const loaded = useStore(agenda.store, (s) => s.loaded);
  const zones = useStore(agenda.store, (s) => s.kioskZones);
  const here = currentTimeZone();
  const otherZone = appointments
    .map((a) => zones.get(a.kiosk.id))
    .find((zone) => zone !== undefined && zone !== here);
  const { earlier, current, outcomesToRecord } = splitEarlier(appointments);

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
        <>
          {earlier.length > 0 ? (
            <EarlierToday agenda={agenda} earlier={earlier} outcomesToRecord={outcomesToRecord} />
          ) : null}
          {current.length > 0 ? (
            <AppointmentsTable agenda={agenda} appointments={current} />
          ) : (
            <p data-testid="agenda-none-current">{t('agenda.noneCurrent')}</p>
          )}
        </>
      )}
    </section>
  );
}

function EarlierToday({
  agenda,
  earlier,
  outcomesToRecord,
}: {
  readonly agenda: Agenda;
  readonly earlier: readonly AppointmentView[];
  readonly outcomesToRecord: number;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <details
      className="agenda__earlier"
      data-testid="agenda-earlier"
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary data-testid="agenda-earlier-toggle">
        {t('agenda.earlier', { count: earlier.length })}
        {outcomesToRecord > 0 ? (
          <span className="agenda__to-record">
            {' — '}
            {t('agenda.earlierToRecord', { count: outcomesToRecord })}
          </span>
        ) : null}
      </summary>
      {open ? <AppointmentsTable agenda={agenda} appointments={earlier} /> : null}
    </details>
  );
}

function AppointmentsTable({
  agenda,
  appointments,
}: {
  readonly agenda: Agenda;
  readonly appointments: readonly AppointmentView[];
}) {
  const t = useT();
  return (
    <DataTable
      columns={[
        t('agenda.column.time'),
        t('agenda.column.service'),
        t('agenda.column.citizen'),
        t('agenda.column.kiosk'),
        t('agenda.column.status'),
        t('agenda.column.waited'),
        t('agenda.column.action'),
      ]}
    >
      {appointments.map((a) => (
        <AgendaRow key={a.id} agenda={agenda} appointment={a} />
      ))}
    </DataTable>
  );
}

function AgendaRow({
  agenda,
  appointment: a,
}: {
  readonly agenda: Agenda;
  readonly appointment: AppointmentView;
}) {
  const t = useT();
  const format = useFormat();
  const zone = useStore(agenda.store, (s) => s.kioskZones.get(a.kiosk.id));
  const admitting = useStore(agenda.store, (s) => s.admitting);
  const staffId = useStaffState((s) => s.principal?.staffId ?? '');
  const online = useStaffState((s) => s.connection === 'online');
  const inCall = useStaffState((s) => s.call !== null);
  const ref = a.citizenRef || t('agenda.walkIn');
  return (
    <tr
      data-testid={`appointment-${a.id}`}
      data-status={a.status}
      className={a.status === 'checked_in' ? 'row--arrived' : undefined}
    >
      <td className="nowrap">
        <strong>{format.time(a.startsAt, zone)}</strong>
        <div className="muted small">{t('agenda.duration', { minutes: a.durationMin })}</div>
      </td>
      <td>
        <ServiceSwatch colour={a.service.colour} /> {a.service.name}
      </td>
      <th scope="row">
        {ref}
        {a.signOrLipReading ? (
          <div className="small" data-testid={`sign-or-lip-reading-${a.id}`}>
            {t('agenda.signOrLipReading')}
          </div>
        ) : null}
      </th>
      <td>
        {a.kiosk.name}
        <div className="muted small">{a.kiosk.siteName}</div>
        {a.linkGrade ? (
          <div>
            <LinkGradeBadge grade={a.linkGrade} testId={`agenda-link-${a.id}`} />
          </div>
        ) : null}
      </td>
      <td>
        <StatusBadge status={a.status} />
        {a.outcome ? (
          <div className="muted">{t('agenda.outcome', { outcome: t(`outcome.${a.outcome}`) })}</div>
        ) : null}
      </td>
      <td className="numeric">
        {a.status === 'checked_in' && a.checkedInAt ? <Waited since={a.checkedInAt} /> : ''}
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
        ) : needsOutcome(a) ? (
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
}

/** The waiting time, ticking each second: only waiting citizens' cells re-render with it. */
function Waited({ since }: { readonly since: string }) {
  const now = useNow();
  return formatClock(now - Date.parse(since));
}
