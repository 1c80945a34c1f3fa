import { useEffect, useRef } from 'react';
import type { EnrolmentCodeResponse } from '@visio/shared/protocol';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';

/** A kiosk's one-time set-up link and code: shown once, never retrievable afterwards. */
export function EnrolmentCodePanel({
  issued,
  onClose,
}: {
  readonly issued: EnrolmentCodeResponse;
  readonly onClose: () => void;
}) {
  const t = useT();
  const format = useFormat();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const link = `${window.location.origin}${issued.enrolmentPath}`;

  useEffect(() => headingRef.current?.focus(), [issued.enrolmentCode]);

  return (
    <section
      className="panel enrolment"
      data-testid="enrolment-code-panel"
      aria-labelledby="enrolment-heading"
    >
      <h2 id="enrolment-heading" ref={headingRef} tabIndex={-1}>
        {t('kiosks.code.title', { name: issued.kiosk.name })}
      </h2>
      <p>{t('kiosks.code.instructions')}</p>
      <dl className="enrolment__facts">
        <dt>{t('kiosks.code.link')}</dt>
        <dd>
          <code data-testid="enrolment-link">{link}</code>
        </dd>
        <dt>{t('kiosks.code.code')}</dt>
        <dd>
          <code className="enrolment__code" data-testid="enrolment-code">
            {issued.enrolmentCode}
          </code>
        </dd>
      </dl>
      <p>{t('kiosks.code.expires', { date: format.dateTime(issued.expiresAt) })}</p>
      <p className="notice notice--warning">{t('kiosks.code.onlyNow')}</p>
      <Button variant="secondary" testId="enrolment-close" onClick={onClose}>
        {t('kiosks.code.close')}
      </Button>
    </section>
  );
}
