import type { Alert } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { useStore } from '@visio/shared/ui';
import { ConsoleSection } from './ConsoleSection';
import type { TechConsole } from './TechConsole';

export function alertKey(alert: Alert): MessageKey {
  return `console.alert.${alert.type}`;
}

/** Kiosks that need a technician now, first on the page. */
export function AlertsSection({ console: c }: { readonly console: TechConsole }) {
  const t = useT();
  const format = useFormat();
  const alerts = useStore(c.store, (s) => s.alerts);
  const fleet = useStore(c.store, (s) => s.fleet);
  const nameOf = (id: string) => fleet.find((k) => k.kioskId === id)?.name ?? id;
  return (
    <ConsoleSection
      id="console-alerts"
      className={`console__alerts${alerts.length > 0 ? ' console__alerts--active' : ''}`}
      testId="alerts"
      titleId="console-alerts-title"
      title={`${t('console.alerts.title')} (${alerts.length})`}
    >
      {alerts.length === 0 ? (
        <p>{t('console.alerts.none')}</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id} data-testid={`alert-${a.type}-${a.kioskId}`} className="console__alert">
              <span className="console__alert-mark" aria-hidden="true">
                !
              </span>{' '}
              <strong>{t(alertKey(a), { name: nameOf(a.kioskId) })}</strong>{' '}
              <span className="hint">
                {t('console.alert.since', { time: format.dateTime(a.raisedAt) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </ConsoleSection>
  );
}
