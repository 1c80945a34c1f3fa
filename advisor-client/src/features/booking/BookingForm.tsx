import { useId, useState, type FormEvent } from 'react';
import type { ReferenceData } from '@visio/shared/protocol';
import { currentTimeZone, dayOf, localInstant, timeOf } from '@visio/shared/time';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import { kioskZone, type BookingDesk } from './BookingDesk';
import { bookingErrorText, FIELD_LABELS } from './bookingErrors';

interface FormValues {
  serviceId: string;
  advisorId: string;
  kioskId: string;
  date: string;
  time: string;
  duration: string;
  citizenRef: string;
  signOrLipReading: boolean;
}

/** The next quarter of an hour from now: a sensible default start. */
function nextQuarterHour(now = new Date()): Date {
  const quarter = 15 * 60_000;
  return new Date(Math.ceil((now.getTime() + 60_000) / quarter) * quarter);
}

/** Advisors who serve the service, and kiosks whose site offers it. */
export function choicesFor(reference: ReferenceData, serviceId: string) {
  const siteIds = new Set(
    reference.sites.filter((s) => s.serviceIds.includes(serviceId)).map((s) => s.id),
  );
  const siteName = new Map(reference.sites.map((s) => [s.id, s.name]));
  return {
    advisors: reference.advisors.filter((a) => a.serviceIds.includes(serviceId)),
    kiosks: reference.kiosks
      .filter((k) => siteIds.has(k.siteId))
      .map((k) => ({ ...k, siteName: siteName.get(k.siteId) ?? '' })),
  };
}

/**
 * Service first, then only the advisors who serve it and the kiosks whose site offers it, so
 * most refusals cannot happen; the server still has the last word (busy slots, opening hours).
 */
export function BookingForm({
  desk,
  reference,
}: {
  readonly desk: BookingDesk;
  readonly reference: ReferenceData;
}) {
  const t = useT();
  const ids = useId();
  const deskZone = useStore(desk.store, (s) => s.zone);
  const booking = useStore(desk.store, (s) => s.booking);
  const problem = useStore(desk.store, (s) => s.bookingProblem);
  const [values, setValues] = useState<FormValues>(() => {
    const start = nextQuarterHour();
    return {
      serviceId: '',
      advisorId: '',
      kioskId: '',
      date: dayOf(start, deskZone),
      time: timeOf(start, deskZone),
      duration: '30',
      citizenRef: '',
      signOrLipReading: false,
    };
  });
  const { advisors, kiosks } = choicesFor(reference, values.serviceId);
  // Times are typed as the kiosk's site keeps them, whatever the browser's zone.
  const zone = (values.kioskId && kioskZone(reference, values.kioskId)) || deskZone;
  const showZone = zone !== undefined && zone !== currentTimeZone();
  const set = (patch: Partial<FormValues>) => setValues((v) => ({ ...v, ...patch }));
  const invalid = new Set(
    problem?.details?.map((d) => Object.keys(FIELD_LABELS).find((f) => d.path.includes(f))) ?? [],
  );

  const chooseService = (serviceId: string) => {
    const next = choicesFor(reference, serviceId);
    setValues((v) => ({
      ...v,
      serviceId,
      // Keep a choice that still fits; pick the only one when there is just one.
      advisorId: next.advisors.some((a) => a.id === v.advisorId)
        ? v.advisorId
        : next.advisors.length === 1
          ? next.advisors[0]!.id
          : '',
      kioskId: next.kiosks.some((k) => k.id === v.kioskId)
        ? v.kioskId
        : next.kiosks.length === 1
          ? next.kiosks[0]!.id
          : '',
    }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const startsAt = localInstant(values.date, values.time, zone);
    const duration = Number(values.duration);
    const missing = (
      [
        ['serviceId', values.serviceId],
        ['advisorId', values.advisorId],
        ['kioskId', values.kioskId],
        ['startsAt', Number.isNaN(startsAt.getTime()) ? '' : 'ok'],
        ['citizenRef', values.citizenRef.trim()],
      ] as const
    ).filter(([, value]) => !value);
    if (missing.length > 0) {
      desk.refuse({
        code: 'INVALID_INPUT',
        reason: 'missing',
        details: missing.map(([path]) => ({ path, message: 'required' })),
      });
      return;
    }
    if (!Number.isInteger(duration) || duration < 10 || duration > 120) {
      desk.refuse({
        code: 'INVALID_INPUT',
        reason: 'duration',
        details: [{ path: 'durationMin', message: 'range' }],
      });
      return;
    }
    void desk.book({
      serviceId: values.serviceId,
      advisorId: values.advisorId,
      kioskId: values.kioskId,
      startsAt: startsAt.toISOString(),
      durationMin: duration,
      citizenRef: values.citizenRef.trim(),
      signOrLipReading: values.signOrLipReading,
    });
  };

  const field = (name: keyof typeof FIELD_LABELS) => ({
    id: `${ids}-${name}`,
    'aria-invalid': invalid.has(name) || undefined,
  });

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t('booking.form.title')}</h2>
      <form className="form form--grid" data-testid="booking-form" noValidate onSubmit={submit}>
        <div className="form__row">
          <label htmlFor={`${ids}-serviceId`}>{t('booking.form.service')}</label>
          <select
            {...field('serviceId')}
            data-testid="booking-service"
            value={values.serviceId}
            onChange={(e) => chooseService(e.target.value)}
          >
            <option value="">{t('booking.form.choose')}</option>
            {reference.services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form__row">
          <label htmlFor={`${ids}-advisorId`}>{t('booking.form.advisor')}</label>
          <select
            {...field('advisorId')}
            data-testid="booking-advisor"
            value={values.advisorId}
            disabled={!values.serviceId || advisors.length === 0}
            onChange={(e) => set({ advisorId: e.target.value })}
          >
            <option value="">
              {!values.serviceId
                ? t('booking.form.chooseServiceFirst')
                : advisors.length === 0
                  ? t('booking.form.noAdvisor')
                  : t('booking.form.choose')}
            </option>
            {advisors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form__row">
          <label htmlFor={`${ids}-kioskId`}>{t('booking.form.kiosk')}</label>
          <select
            {...field('kioskId')}
            data-testid="booking-kiosk"
            value={values.kioskId}
            disabled={!values.serviceId || kiosks.length === 0}
            onChange={(e) => set({ kioskId: e.target.value })}
          >
            <option value="">
              {!values.serviceId
                ? t('booking.form.chooseServiceFirst')
                : kiosks.length === 0
                  ? t('booking.form.noKiosk')
                  : t('booking.form.choose')}
            </option>
            {kiosks.map((k) => (
              <option key={k.id} value={k.id}>
                {t('booking.kioskOption', { kiosk: k.name, site: k.siteName })}
              </option>
            ))}
          </select>
        </div>
        <div className="form__group form__wide">
          <div className="form__row">
            <label htmlFor={`${ids}-date`}>{t('booking.form.date')}</label>
            <input
              id={`${ids}-date`}
              type="date"
              data-testid="booking-date"
              aria-invalid={invalid.has('startsAt') || undefined}
              value={values.date}
              onChange={(e) => set({ date: e.target.value })}
            />
          </div>
          <div className="form__row">
            <label htmlFor={`${ids}-startsAt`}>{t('booking.form.time')}</label>
            <input
              {...field('startsAt')}
              type="time"
              step={300}
              data-testid="booking-time"
              aria-describedby={showZone ? `${ids}-zone` : undefined}
              value={values.time}
              onChange={(e) => set({ time: e.target.value })}
            />
            {showZone ? (
              <p id={`${ids}-zone`} className="hint">
                {t('booking.form.zoneHint', { zone })}
              </p>
            ) : null}
          </div>
          <div className="form__row">
            <label htmlFor={`${ids}-durationMin`}>{t('booking.form.duration')}</label>
            <input
              {...field('durationMin')}
              type="number"
              min={10}
              max={120}
              step={5}
              inputMode="numeric"
              data-testid="booking-duration"
              value={values.duration}
              onChange={(e) => set({ duration: e.target.value })}
            />
          </div>
        </div>
        <div className="form__row form__wide">
          <label htmlFor={`${ids}-citizenRef`}>{t('booking.form.ref')}</label>
          <input
            {...field('citizenRef')}
            type="text"
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${ids}-refHint`}
            data-testid="booking-ref"
            value={values.citizenRef}
            onChange={(e) => set({ citizenRef: e.target.value })}
          />
          <p id={`${ids}-refHint`} className="hint">
            {t('booking.form.refHint')}
          </p>
        </div>
        <div className="form__row form__wide">
          <label>
            <input
              type="checkbox"
              data-testid="booking-sign-or-lip-reading"
              aria-describedby={`${ids}-signHint`}
              checked={values.signOrLipReading}
              onChange={(e) => set({ signOrLipReading: e.target.checked })}
            />{' '}
            {t('booking.form.signOrLipReading')}
          </label>
          <p id={`${ids}-signHint`} className="hint">
            {t('booking.form.signOrLipReadingHint')}
          </p>
        </div>
        {problem ? (
          <p
            className="alert form__wide"
            role="alert"
            data-testid="booking-error"
            data-code={problem.code}
            data-reason={problem.reason ?? ''}
          >
            {bookingErrorText(problem, t)}
          </p>
        ) : null}
        <div className="form__wide">
          <Button type="submit" testId="booking-submit" disabled={booking} aria-busy={booking}>
            {booking ? t('booking.form.submitting') : t('booking.form.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
