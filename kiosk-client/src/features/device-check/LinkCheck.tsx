import { useT } from '../../i18n/useT';
import { useKioskSession } from '../../session/KioskSessionContext';
import { useLinkTest } from './useLinkTest';

/**
 * The kiosk's link to the server, told as one plain sentence (never figures). The reachable
 * paths ride along as data attributes for tests and for the technician who looks at the page.
 */
export function LinkCheck() {
  const t = useT();
  const session = useKioskSession();
  const state = useLinkTest(session.connection.signalling);
  if (state.phase === 'none') return null;
  const result = state.phase === 'done' ? state.result : null;
  return (
    <section className="check-step link-check" aria-labelledby="link-heading">
      <h2 id="link-heading">{t('deviceCheck.link')}</h2>
      <p
        className={`notice link-check__sentence link-check__sentence--${result?.grade ?? 'running'}`}
        role="status"
        data-testid="link-check"
        data-phase={state.phase}
        data-grade={result?.grade ?? ''}
        data-udp={result ? String(result.reachable.udp) : ''}
        data-tcp={result ? String(result.reachable.tcp) : ''}
        data-turn={result ? String(result.reachable.turn) : ''}
      >
        {result ? t(`deviceCheck.link.${result.grade}`) : t('deviceCheck.link.running')}
      </p>
    </section>
  );
}
