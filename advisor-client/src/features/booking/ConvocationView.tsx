import { useEffect, useRef, useState } from 'react';
import QRCode from 'qrcode';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStore } from '@visio/shared/ui';
import { kioskZone, type BookingDesk, type Convocation } from './BookingDesk';

/** The check-in code as an SVG QR code, ready for an <img> (and sharp on paper). */
async function qrDataUrl(code: string): Promise<string> {
  const svg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * What the citizen takes home: where and when, the 6-digit code in large type with its QR code,
 * and what to do at the kiosk. The code exists only here and now (the server keeps a hash).
 * Printing shows this section only (see the print styles).
 */
export function ConvocationView({
  desk,
  convocation,
}: {
  readonly desk: BookingDesk;
  readonly convocation: Convocation;
}) {
  const t = useT();
  const format = useFormat();
  const [qr, setQr] = useState<{ code: string; url: string } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { appointment, code } = convocation;
  const reference = useStore(desk.store, (s) => s.reference);
  // The citizen reads the time of the place they go to.
  const zone = reference ? kioskZone(reference, appointment.kiosk.id) : undefined;

  useEffect(() => {
    let live = true;
    qrDataUrl(code).then(
      (url) => live && setQr({ code, url }),
      (error: unknown) => console.warn('QR code generation failed', error),
    );
    return () => {
      live = false;
    };
  }, [code]);

  // Keyboard and screen-reader users land on the result of their booking.
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <section
      className="panel convocation"
      data-testid="convocation"
      aria-labelledby="convocation-heading"
    >
      <p className="notice no-print" role="status">
        {t('convocation.booked')}
      </p>
      <h2 id="convocation-heading" ref={headingRef} tabIndex={-1}>
        {t('convocation.title')}
      </h2>
      <dl className="convocation__facts">
        <dt>{t('convocation.service')}</dt>
        <dd>{appointment.service.name}</dd>
        <dt>{t('convocation.place')}</dt>
        <dd>
          {appointment.kiosk.siteName} — {appointment.kiosk.name}
        </dd>
        <dt>{t('convocation.when')}</dt>
        <dd>
          {format.date(appointment.startsAt, zone)}, {format.time(appointment.startsAt, zone)}
        </dd>
        <dt>{t('convocation.ref')}</dt>
        <dd>{appointment.citizenRef}</dd>
      </dl>
      <div className="convocation__code-block">
        <div>
          <p className="convocation__code-label" id="convocation-code-label">
            {t('convocation.code')}
          </p>
          <p
            className="convocation__code"
            data-testid="convocation-code"
            aria-labelledby="convocation-code-label convocation-code"
            id="convocation-code"
          >
            {code}
          </p>
        </div>
        {qr?.code === code ? (
          <img
            className="convocation__qr"
            data-testid="convocation-qr"
            src={qr.url}
            width={180}
            height={180}
            alt={t('convocation.qr', { code: [...code].join(' ') })}
          />
        ) : null}
      </div>
      <h3>{t('convocation.howTo')}</h3>
      <ol className="convocation__steps">
        <li>{t('convocation.step1')}</li>
        <li>{t('convocation.step2')}</li>
        <li>{t('convocation.step3')}</li>
      </ol>
      <p className="notice notice--warning no-print" data-testid="convocation-once">
        {t('convocation.onlyNow')}
      </p>
      <div className="actions no-print">
        <Button testId="convocation-print" onClick={() => window.print()}>
          {t('convocation.print')}
        </Button>
        <Button
          variant="secondary"
          testId="convocation-close"
          onClick={() => desk.closeConvocation()}
        >
          {t('convocation.another')}
        </Button>
      </div>
    </section>
  );
}
