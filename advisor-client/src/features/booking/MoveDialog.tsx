import { useId, useState, type FormEvent } from 'react';
import type { AppointmentView, MoveAppointment, ReferenceData } from '@visio/shared/protocol';
import { dayOf, localInstant, timeOf } from '@visio/shared/time';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { Dialog } from '../../primitives/Dialog';
import { useStore } from '@visio/shared/ui';
import { useStaffState } from '../../session/StaffSessionContext';
import { kioskZone, type BookingDesk } from './BookingDesk';
import { bookingErrorText } from './bookingErrors';
import { choicesFor } from './BookingForm';

/** Another time, length, advisor or kiosk for a scheduled appointment; only changes are sent. */
export function MoveDialog({
  desk,
  reference,
  appointment,
  onClose,
}: {
  readonly desk: BookingDesk;
  readonly reference: ReferenceData;
  readonly appointment: AppointmentView;
  readonly onClose: () => void;
}) {
  const t = useT();
  const ids = useId();
  const changing = useStore(desk.store, (s) => s.changing === appointment.id);
  const problem = useStore(desk.store, (s) => s.changeProblem);
  const start = new Date(appointment.startsAt);
  const [date, setDate] = useState(() => dayOf(start, kioskZone(reference, appointment.kiosk.id)));
  const [time, setTime] = useState(() => timeOf(start, kioskZone(reference, appointment.kiosk.id)));
  const [duration, setDuration] = useState(String(appointment.durationMin));
  const [advisorId, setAdvisorId] = useState(appointment.advisor?.id ?? '');
  const [kioskId, setKioskId] = useState(appointment.kiosk.id);
  const [nothing, setNothing] = useState(false);
  const { advisors, kiosks } = choicesFor(reference, appointment.service.id);
  const ref = appointment.citizenRef;
  // Giving an appointment to another advisor is a scheduler's act; the server refuses it to others.
  const mayReassign = useStaffState(
    (s) => s.principal?.roles.some((r) => r === 'scheduler' || r === 'admin') ?? false,
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: MoveAppointment = {};
    const startsAt = localInstant(date, time, kioskZone(reference, kioskId));
    if (!Number.isNaN(startsAt.getTime()) && startsAt.getTime() !== start.getTime())
      changes.startsAt = startsAt.toISOString();
    if (Number(duration) !== appointment.durationMin) changes.durationMin = Number(duration);
    if (advisorId && advisorId !== appointment.advisor?.id) changes.advisorId = advisorId;
    if (kioskId !== appointment.kiosk.id) changes.kioskId = kioskId;
    if (Object.keys(changes).length === 0) {
      setNothing(true);
      return;
    }
    setNothing(false);
    void desk.move(appointment.id, changes).then((moved) => moved && onClose());
  };

  return (
    <Dialog title={t('move.title', { ref })} onClose={onClose} testId="move-dialog">
      <form className="form" noValidate onSubmit={submit}>
        <div className="form__group">
          <div className="form__row">
            <label htmlFor={`${ids}-date`}>{t('booking.form.date')}</label>
            <input
              id={`${ids}-date`}
              type="date"
              data-testid="move-date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
            />
          </div>
          <div className="form__row">
            <label htmlFor={`${ids}-time`}>{t('booking.form.time')}</label>
            <input
              id={`${ids}-time`}
              type="time"
              step={300}
              data-testid="move-time"
              value={time}
              onChange={(e) => setTime(e.target.value)}
            />
          </div>
          <div className="form__row">
            <label htmlFor={`${ids}-duration`}>{t('booking.form.duration')}</label>
            <input
              id={`${ids}-duration`}
              type="number"
              min={10}
              max={120}
              step={5}
              data-testid="move-duration"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
            />
          </div>
        </div>
        <div className="form__row">
          <label htmlFor={`${ids}-advisor`}>{t('booking.form.advisor')}</label>
          <select
            id={`${ids}-advisor`}
            data-testid="move-advisor"
            value={advisorId}
            disabled={!mayReassign}
            onChange={(e) => setAdvisorId(e.target.value)}
          >
            {advisors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form__row">
          <label htmlFor={`${ids}-kiosk`}>{t('booking.form.kiosk')}</label>
          <select
            id={`${ids}-kiosk`}
            data-testid="move-kiosk"
            value={kioskId}
            onChange={(e) => setKioskId(e.target.value)}
          >
            {kiosks.map((k) => (
              <option key={k.id} value={k.id}>
                {t('booking.kioskOption', { kiosk: k.name, site: k.siteName })}
              </option>
            ))}
          </select>
        </div>
        {nothing ? (
          <p className="notice" role="status">
            {t('move.nothing')}
          </p>
        ) : null}
        {problem ? (
          <p
            className="alert"
            role="alert"
            data-testid="move-error"
            data-code={problem.code}
            data-reason={problem.reason ?? ''}
          >
            {bookingErrorText(problem, t)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <Button variant="secondary" onClick={onClose}>
            {t('move.close')}
          </Button>
          <Button type="submit" testId="move-submit" disabled={changing}>
            {t('move.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
