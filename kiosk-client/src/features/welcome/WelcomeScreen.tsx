import { useEffect, useState } from 'react';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import type { RequestProblem } from '../../session/RequestProblem';
import { useConnection, useVisit, useVisitSend } from '../../session/KioskSessionContext';
import { readableFill } from './serviceColour';

const NOTICE_MS = 15_000;
const WALK_IN_REASONS = ['walk_in_closed', 'kiosk_busy', 'out_of_service'] as const;

function walkInErrorKey(problem: RequestProblem): MessageKey {
  const reason = WALK_IN_REASONS.find((r) => r === problem.reason);
  return reason ? `walkIn.error.${reason}` : 'walkIn.error.generic';
}

/**
 * Between citizens: "I have an appointment", and the site's services (up to six, as on the
 * historic kiosks) — those with an open walk-in slot let the citizen join the queue at once.
 */
export function WelcomeScreen() {
  const t = useT();
  const send = useVisitSend();
  const home = useConnection((s) => s.home);
  const notice = useVisit((s) => s.context.visit.notice);
  const pending = useVisit((s) => s.matches({ step: { welcome: 'joining' } }));
  const walkInProblem = useVisit((s) => s.context.visit.walkInProblem);
  // Which appointment-only service the citizen touched, to explain how to get an appointment.
  const [appointmentOnly, setAppointmentOnly] = useState<string | null>(null);

  // Explanations are for whoever asked: gone after a while, before the next person comes.
  useEffect(() => {
    if (!appointmentOnly) return;
    const timer = setTimeout(() => setAppointmentOnly(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [appointmentOnly]);

  const services = home?.services ?? [];
  const touchedService = services.find((s) => s.id === appointmentOnly);

  return (
    <main className="screen screen--welcome" data-testid="kiosk-screen-welcome">
      <div className="welcome__intro">
        <h1>{t('welcome.title')}</h1>
        {home ? <p className="lead">{t('welcome.site', { site: home.kiosk.siteName })}</p> : null}
      </div>
      {notice ? (
        <p className="notice" data-testid="welcome-notice" data-notice={notice}>
          {t(notice)}
        </p>
      ) : null}
      <Button
        className="appointment-button"
        testId="appointment-button"
        disabled={pending}
        onClick={() => send({ type: 'code.open' })}
      >
        <span className="appointment-button__title">{t('welcome.appointment')}</span>
        <span className="appointment-button__hint">{t('welcome.appointmentHint')}</span>
      </Button>
      <Button
        variant="secondary"
        className="appointment-button appointment-button--scan"
        testId="scan-appointment-button"
        disabled={pending}
        onClick={() => send({ type: 'code.open', entry: 'scan' })}
      >
        <span className="appointment-button__title">{t('welcome.scan')}</span>
        <span className="appointment-button__hint">{t('welcome.scanHint')}</span>
      </Button>
      {walkInProblem ? (
        <p
          className="notice notice--warning"
          role="alert"
          data-testid="walkin-error"
          data-code={walkInProblem.code}
          data-reason={walkInProblem.reason ?? ''}
        >
          {t(walkInErrorKey(walkInProblem))}
        </p>
      ) : null}
      {touchedService ? (
        <p className="notice" role="status" data-testid="appointment-only-notice">
          {t('welcome.appointmentOnlyNotice', { service: touchedService.name })}
        </p>
      ) : null}
      <section className="services" aria-labelledby="services-heading">
        <h2 id="services-heading">{t('welcome.servicesTitle')}</h2>
        {!home ? (
          <p aria-busy="true">{t('welcome.loading')}</p>
        ) : services.length === 0 ? (
          <p>{t('welcome.noServices')}</p>
        ) : (
          <>
            {services.some((s) => s.walkInOpen) ? <p>{t('welcome.servicesHint')}</p> : null}
            <ul className="services__list">
              {services.map((service) => (
                <li key={service.id}>
                  <button
                    type="button"
                    className={`service service--${service.walkInOpen ? 'open' : 'closed'}`}
                    style={{ '--service-colour': readableFill(service.colour) } as object}
                    data-testid={`service-${service.id}`}
                    data-walk-in={service.walkInOpen}
                    aria-disabled={!service.walkInOpen}
                    disabled={pending}
                    onClick={() => {
                      if (service.walkInOpen) {
                        setAppointmentOnly(null);
                        send({ type: 'walkIn.join', serviceId: service.id });
                      } else {
                        setAppointmentOnly(service.id);
                      }
                    }}
                  >
                    <span className="service__name">{service.name}</span>
                    <span className="service__mode">
                      {service.walkInOpen ? t('welcome.walkIn') : t('welcome.appointmentOnly')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </main>
  );
}
