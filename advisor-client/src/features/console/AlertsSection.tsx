import type { Alert, MediaStartFailure } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { useStore } from '@visio/shared/ui';
import { NightlyReasons } from '../nightlyTest/NightlyResult';
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
              {a.mediaFailure ? <MediaFailurePaths failure={a.mediaFailure} /> : null}
              {a.nightly ? <NightlyReasons reasons={a.nightly} /> : null}
            </li>
          ))}
        </ul>
      )}
    </ConsoleSection>
  );
}

/** Which side's network failed, and how each side's transports stood when the call failed. */
function MediaFailurePaths({ failure }: { readonly failure: MediaStartFailure }) {
  const t = useT();
  const none = t('console.fleet.unknown');
  const party = (p: 'kiosk' | 'advisor') => t(`console.alert.mediaParty.${p}`);
  return (
    <ul
      className="hint"
      data-testid="alert-media-paths"
      data-unreachable={failure.unreachable.join(' ')}
    >
      <li>
        {t('console.alert.mediaUnreachable', {
          parties:
            failure.unreachable.length > 0
              ? failure.unreachable.map(party).join(', ')
              : t('console.alert.mediaUnknown'),
        })}
      </li>
      {(['kiosk', 'advisor'] as const).map((p) => {
        const path = failure[p];
        return (
          <li key={p}>
            {t('console.alert.mediaPath', {
              party: party(p),
              sendIce: path.send?.ice ?? none,
              recvIce: path.recv?.ice ?? none,
              recvDtls: path.recv?.dtls ?? none,
              received: path.packetsReceived,
              sent: path.packetsSent,
            })}
          </li>
        );
      })}
    </ul>
  );
}
