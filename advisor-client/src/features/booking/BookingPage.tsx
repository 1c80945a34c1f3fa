import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT';
import { useStore } from '@visio/shared/ui';
import { BookingDesk } from './BookingDesk';
import { bookingErrorText } from './bookingErrors';
import { BookingForm } from './BookingForm';
import { ConvocationView } from './ConvocationView';
import { DayList } from './DayList';

/** The scheduler's page: book (then hand over the convocation), and the day's appointments. */
export function BookingPage() {
  const t = useT();
  const [desk] = useState(() => new BookingDesk());
  const convocation = useStore(desk.store, (s) => s.convocation);
  const reference = useStore(desk.store, (s) => s.reference);
  const loadProblem = useStore(desk.store, (s) => s.loadProblem);

  useEffect(() => {
    void desk.load();
  }, [desk]);

  return (
    <div className="booking" data-testid="booking">
      {loadProblem ? (
        <p
          className="alert"
          role="alert"
          data-testid="booking-load-error"
          data-code={loadProblem.code}
        >
          {loadProblem.code === 'FORBIDDEN'
            ? bookingErrorText(loadProblem, t)
            : t('booking.error.load')}
        </p>
      ) : null}
      {convocation ? (
        <ConvocationView desk={desk} convocation={convocation} />
      ) : reference ? (
        <BookingForm desk={desk} reference={reference} />
      ) : (
        <p aria-busy="true">{t('booking.loading')}</p>
      )}
      <DayList desk={desk} />
    </div>
  );
}
