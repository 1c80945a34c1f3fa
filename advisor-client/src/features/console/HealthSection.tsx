import { useId } from 'react';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { DataTable } from '../../primitives/DataTable';
import { useStore } from '@visio/shared/ui';
import { formatDuration } from './duration';
import { ConsoleSection } from './ConsoleSection';
import type { TechConsole } from './TechConsole';

/** The server itself: uptime, sockets, memory, event loop, media workers. */
export function HealthSection({ console: c }: { readonly console: TechConsole }) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const health = useStore(c.store, (s) => s.health);
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const pct = (v: number | null) => (v === null ? t('console.fleet.unknown') : `${v.toFixed(1)} %`);
  return (
    <ConsoleSection
      id="console-health"
      testId="health"
      titleId={`${ids}-title`}
      title={t('console.health.title')}
    >
      {!health ? (
        <p aria-busy="true">{t('console.loading')}</p>
      ) : (
        <>
          <p>
            {t('console.health.uptime', { duration: formatDuration(health.uptimeSeconds) })} ·{' '}
            <time dateTime={health.at}>{format.time(health.at)}</time>
          </p>
          <p>
            {t('console.health.sockets', {
              sockets: health.sockets,
              calls: health.activeCalls,
              kiosks: health.kiosksOnline,
            })}
          </p>
          <p>
            {t('console.health.memory', {
              rss: mb(health.process.rssBytes),
              heap: mb(health.process.heapUsedBytes),
              heapTotal: mb(health.process.heapTotalBytes),
              cpu: pct(health.process.cpuPercent),
            })}
          </p>
          <p>
            {t('console.health.loop', {
              mean: health.eventLoop.meanMs.toFixed(1),
              p99: health.eventLoop.p99Ms.toFixed(1),
              max: health.eventLoop.maxMs.toFixed(1),
            })}
          </p>
          <p
            className={health.workerDeaths.total > 0 ? 'alert' : undefined}
            data-testid="worker-deaths"
          >
            {t('console.health.deaths', { count: health.workerDeaths.total })}
            {health.workerDeaths.recent
              .map((d) => ` · #${d.slot} pid ${d.pid} ${format.dateTime(d.at)}`)
              .join('')}
          </p>
          <DataTable
            className="console__table"
            scroll="plain"
            caption={t('console.health.workers')}
            columns={[
              t('console.health.col.slot'),
              t('console.health.col.pid'),
              t('console.health.col.cpu'),
              t('console.health.col.routers'),
              t('console.health.col.transports'),
              t('console.health.col.producers'),
              t('console.health.col.consumers'),
            ]}
          >
            {health.workers.map((w) => (
              <tr key={w.slot} data-testid={`health-worker-${w.slot}`} data-pid={w.pid}>
                <th scope="row">{w.slot}</th>
                <td>{w.pid}</td>
                <td>{pct(w.cpuPercent)}</td>
                <td>{w.routers}</td>
                <td>{w.transports}</td>
                <td>{w.producers}</td>
                <td>{w.consumers}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </ConsoleSection>
  );
}
