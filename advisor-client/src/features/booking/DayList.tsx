import { useId, useState } from 'react';
import type { AppointmentView } from '@visio/shared/protocol';
import { addDays, currentTimeZone, dayOf, localInstant } from '@visio/shared/time';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import { ConfirmDialog } from '../../primitives/ConfirmDialog';
import { ServiceSwatch } from '../../primitives/ServiceSwatch';
import { useStore } from '@visio/shared/ui';
import { StatusBadge } from '../agenda/StatusBadge';
import type { BookingDesk } from './BookingDesk';
import { bookingErrorText } from './bookingErrors';
import { MoveDialog } from './MoveDialog';

/** A day's appointments, with moving and cancelling. */
export function DayList({ desk }: { readonly desk: BookingDesk }) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const day = useStore(desk.store, (s) => s.day);
  const zone = useStore(desk.store, (s) => s.zone);
  const appointments = useStore(desk.store, (s) => s.appointments);
  const loaded = useStore(desk.store, (s) => s.listLoaded);
  const reference = useStore(desk.store, (s) => s.reference);
  const changing = useStore(desk.store, (s) => s.changing);
  const changeProblem = useStore(desk.store, (s) => s.changeProblem);
  const message = useStore(desk.store, (s) => s.message);
  const [cancelling, setCancelling] = useState<AppointmentView | null>(null);
  const [moving, setMoving] = useState<AppointmentView | null>(null);

  return (
    <section className="panel" aria-labelledby={`${ids}-title`} data-testid="booking-list">
      <h2 id={`${ids}-title`}>{t('booking.day.title')}</h2>
      <div className="toolbar">
        <Button variant="secondary" onClick={() => desk.showDay(addDays(day, -1))}>
          {t('booking.day.previous')}
        </Button>
        <label htmlFor={`${ids}-day`} className="visually-hidden">
          {t('booking.day.label')}
        </label>
        <input
          id={`${ids}-day`}
          type="date"
          data-testid="booking-day"
          value={day}
          onChange={(e) => desk.showDay(e.target.value)}
        />
        <Button variant="secondary" onClick={() => desk.showDay(addDays(day, 1))}>
          {t('booking.day.next')}
        </Button>
        <Button variant="secondary" onClick={() => desk.showDay(dayOf(new Date(), zone))}>
          {t('booking.day.today')}
        </Button>
        <Button variant="secondary" onClick={() => void desk.refreshList()}>
          {t('booking.day.refresh')}
        </Button>
      </div>
      <p className="muted">
        {format.date(localInstant(day, '12:00', zone), zone)}
        {zone && zone !== currentTimeZone() ? ` — ${t('booking.day.zoneHint', { zone })}` : ''}
      </p>
      {message ? (
        <p className="notice" role="status" data-testid="booking-message">
          {t(message)}
        </p>
      ) : null}
      {changeProblem && !moving ? (
        <p
          className="alert"
          role="alert"
          data-testid="booking-change-error"
          data-code={changeProblem.code}
          data-reason={changeProblem.reason ?? ''}
        >
          {bookingErrorText(changeProblem, t)}
        </p>
      ) : null}
      {!loaded ? (
        <p aria-busy="true">{t('booking.loading')}</p>
      ) : appointments.length === 0 ? (
        <p>{t('booking.day.empty')}</p>
      ) : (
        <DataTable
          columns={[
            t('booking.column.time'),
            t('booking.column.service'),
            t('booking.column.advisor'),
            t('booking.column.kiosk'),
            t('booking.column.ref'),
            t('booking.column.status'),
            t('booking.column.actions'),
          ]}
        >
          {appointments.map((a) => {
            const ref = a.citizenRef || t('agenda.walkIn');
            const movable = a.kind === 'appointment' && a.status === 'scheduled';
            const cancellable = a.status === 'scheduled' || a.status === 'checked_in';
            return (
              <tr key={a.id} data-testid={`booking-row-${a.id}`} data-status={a.status}>
                <td className="nowrap">
                  <strong>{format.time(a.startsAt, zone)}</strong>
                  <div className="muted small">
                    {t('agenda.duration', { minutes: a.durationMin })}
                  </div>
                </td>
                <td>
                  <ServiceSwatch colour={a.service.colour} /> {a.service.name}
                </td>
                <td>{a.advisor?.name ?? '—'}</td>
                <td>
                  {a.kiosk.name}
                  <div className="muted small">{a.kiosk.siteName}</div>
                </td>
                <th scope="row">{ref}</th>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>
                  <div className="actions">
                    {movable && reference ? (
                      <Button
                        variant="secondary"
                        testId={`move-${a.id}`}
                        aria-label={t('booking.moveWho', { ref })}
                        disabled={changing !== null}
                        onClick={() => {
                          desk.clearChangeProblem();
                          setMoving(a);
                        }}
                      >
                        {t('booking.move')}
                      </Button>
                    ) : null}
                    {cancellable ? (
                      <Button
                        variant="danger"
                        testId={`cancel-${a.id}`}
                        aria-label={t('booking.cancelWho', { ref })}
                        disabled={changing !== null}
                        onClick={() => setCancelling(a)}
                      >
                        {t('booking.cancel')}
                      </Button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {cancelling ? (
        <ConfirmDialog
          title={t('booking.cancel.title')}
          body={t('booking.cancel.body', {
            ref: cancelling.citizenRef || t('agenda.walkIn'),
            service: cancelling.service.name,
            when: format.dateTime(cancelling.startsAt, zone),
          })}
          confirmLabel={t('booking.cancel.yes')}
          cancelLabel={t('booking.cancel.no')}
          busy={changing !== null}
          onCancel={() => setCancelling(null)}
          onConfirm={() => {
            void desk.cancel(cancelling.id).then(() => setCancelling(null));
          }}
        />
      ) : null}
      {moving && reference ? (
        <MoveDialog
          desk={desk}
          reference={reference}
          appointment={moving}
          onClose={() => {
            setMoving(null);
            desk.clearChangeProblem();
          }}
        />
      ) : null}
    </section>
  );
}
