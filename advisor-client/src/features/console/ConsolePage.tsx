import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT';
import { useStaffSession } from '../../session/StaffSessionContext';
import { useStore } from '@visio/shared/ui';
import { ActionDialog, actionLabel } from './ActionDialog';
import { AlertsSection, alertKey } from './AlertsSection';
import { FleetSection } from './FleetSection';
import { HealthSection } from './HealthSection';
import { HistorySection } from './HistorySection';
import { LiveCallsSection } from './LiveCallsSection';
import { TechConsole, type ConsoleAction } from './TechConsole';

/** The technician console: alerts first, then the fleet, live calls, history and server health. */
export function ConsolePage() {
  const t = useT();
  const session = useStaffSession();
  const [techConsole] = useState(
    () =>
      new TechConsole(session.signalling, {
        onAlertRaised: (alert, name) => session.announce(alertKey(alert), { name }),
        onAlertCleared: (alert, name) =>
          session.announce('console.alert.cleared', { text: t(alertKey(alert), { name }) }),
        // Troubles and the way back from them, once each: the start of a call is not news.
        onCallMediaChanged: (call, before) => {
          const { state } = call.media;
          if (state === 'connecting' || (state === 'flowing' && before === 'connecting')) return;
          session.announce(`console.media.announce.${state}`, {
            name: `${call.kioskName} / ${call.advisorName}`,
          });
        },
        onActionDone: (action, delivered) =>
          session.announce(delivered ? 'console.action.done' : 'console.action.notDelivered', {
            what: actionLabel(t, action),
          }),
      }),
  );
  const [action, setAction] = useState<ConsoleAction | null>(null);
  const loaded = useStore(techConsole.store, (s) => s.loaded);
  const failed = useStore(techConsole.store, (s) => s.failed);

  useEffect(() => {
    techConsole.attach();
    return () => techConsole.detach();
  }, [techConsole]);

  return (
    <section className="console" data-testid="console" aria-labelledby="console-title">
      <h2 id="console-title">{t('console.title')}</h2>
      <p className="hint">{t('console.noMedia')}</p>
      <nav aria-label={t('console.sections')}>
        <ul className="console__toc">
          <li>
            <a href="#console-alerts">{t('console.alerts.title')}</a>
          </li>
          <li>
            <a href="#console-fleet">{t('console.fleet.title')}</a>
          </li>
          <li>
            <a href="#console-calls">{t('console.calls.title')}</a>
          </li>
          <li>
            <a href="#console-history">{t('console.history.title')}</a>
          </li>
          <li>
            <a href="#console-health">{t('console.health.title')}</a>
          </li>
        </ul>
      </nav>
      {!loaded ? <p aria-busy="true">{t('console.loading')}</p> : null}
      {failed ? (
        <p className="alert" role="alert">
          {t('console.error')}
        </p>
      ) : null}
      <AlertsSection console={techConsole} />
      <FleetSection console={techConsole} onAction={setAction} />
      <LiveCallsSection console={techConsole} onAction={setAction} />
      <HistorySection console={techConsole} />
      <HealthSection console={techConsole} />
      {action ? (
        <ActionDialog console={techConsole} action={action} onClose={() => setAction(null)} />
      ) : null}
    </section>
  );
}
