import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { ServiceSwatch } from '../../primitives/ServiceSwatch';
import { formatClock, useNow } from '../../primitives/useNow';
import { useStore } from '@visio/shared/ui';
import { useStaffState } from '../../session/StaffSessionContext';
import type { Agenda } from './Agenda';
import { LinkGradeBadge } from '../linkTest/LinkGradeBadge';

/**
 * Citizens of this advisor's services whom they may take now: walk-ins, and colleagues'
 * citizens once opened to the service. The advisor's own citizens are in the agenda above.
 */
export function QueueSection({ agenda }: { readonly agenda: Agenda }) {
  const t = useT();
  const now = useNow();
  const queue = useStore(agenda.store, (s) => s.queue);
  const loaded = useStore(agenda.store, (s) => s.queueLoaded);
  const admitting = useStore(agenda.store, (s) => s.admitting);
  const staffId = useStaffState((s) => s.principal?.staffId ?? '');
  const online = useStaffState((s) => s.connection === 'online');
  const inCall = useStaffState((s) => s.call !== null);
  const entries = queue.filter((e) => e.kind === 'walk_in' || e.advisor?.id !== staffId);

  return (
    <section className="panel" aria-labelledby="queue-heading" data-testid="queue">
      <h2 id="queue-heading">{t('queue.title')}</h2>
      <p className="muted">{t('queue.hint')}</p>
      {!loaded ? (
        <p aria-busy="true">{t('queue.loading')}</p>
      ) : entries.length === 0 ? (
        <p data-testid="queue-empty">{t('queue.empty')}</p>
      ) : (
        <ol className="queue">
          {entries.map((entry) => {
            const who =
              entry.kind === 'walk_in'
                ? t('queue.kind.walk_in')
                : t('queue.kind.appointment', { advisor: entry.advisor?.name ?? '' });
            const waited = entry.checkedInAt
              ? formatClock(now - Date.parse(entry.checkedInAt))
              : '';
            return (
              <li
                key={entry.id}
                className="queue__entry"
                data-testid={`queue-entry-${entry.id}`}
                data-kind={entry.kind}
              >
                <div>
                  <strong>
                    {entry.citizenRef ? `${entry.citizenRef} — ` : ''}
                    {who}
                  </strong>
                  <div>
                    <ServiceSwatch colour={entry.service.colour} /> {entry.service.name} ·{' '}
                    {t('agenda.kioskAt', { kiosk: entry.kiosk.name, site: entry.kiosk.siteName })}
                  </div>
                  <div className="muted">{t('queue.waited', { time: waited })}</div>
                  {entry.linkGrade ? (
                    <LinkGradeBadge grade={entry.linkGrade} testId={`queue-link-${entry.id}`} />
                  ) : null}
                </div>
                <Button
                  testId={`take-${entry.id}`}
                  aria-label={t('queue.takeWho', { who: entry.citizenRef || who })}
                  disabled={!online || inCall || admitting !== null}
                  aria-busy={admitting === entry.id}
                  onClick={() => void agenda.admit(entry.id)}
                >
                  {admitting === entry.id ? t('agenda.admitting') : t('queue.take')}
                </Button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
