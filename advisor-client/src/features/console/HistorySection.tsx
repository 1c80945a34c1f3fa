import { useId } from 'react';
import { interpreterRole } from './interpreterRole';
import type { QualityVerdict } from '@visio/shared/protocol';
import { useFormat } from '../../i18n/useFormat';
import { useT } from '../../i18n/useT';
import { DataTable } from '../../primitives/DataTable';
import { useStore } from '@visio/shared/ui';
import { formatDuration } from './duration';
import { ConsoleSection } from './ConsoleSection';
import type { TechConsole } from './TechConsole';

/** Recent calls and how they went, filterable by quality verdict. */
export function HistorySection({ console: c }: { readonly console: TechConsole }) {
  const t = useT();
  const format = useFormat();
  const ids = useId();
  const history = useStore(c.store, (s) => s.history);
  const quality = useStore(c.store, (s) => s.historyQuality);
  const none = t('console.fleet.unknown');
  return (
    <ConsoleSection
      id="console-history"
      testId="history"
      titleId={`${ids}-title`}
      title={t('console.history.title')}
    >
      <div className="console__filters">
        <label htmlFor={`${ids}-quality`}>{t('console.history.quality')}</label>
        <select
          id={`${ids}-quality`}
          data-testid="history-quality"
          value={quality ?? ''}
          onChange={(e) => c.setHistoryQuality((e.target.value || null) as QualityVerdict | null)}
        >
          <option value="">{t('console.history.any')}</option>
          <option value="good">{t('console.verdict.good')}</option>
          <option value="fair">{t('console.verdict.fair')}</option>
          <option value="poor">{t('console.verdict.poor')}</option>
        </select>
      </div>
      <DataTable
        className="console__table"
        scroll={{ labelledBy: `${ids}-title` }}
        empty={history.length === 0 ? t('console.history.none') : null}
        columns={[
          t('console.history.col.started'),
          t('console.history.col.kiosk'),
          t('console.history.col.advisor'),
          t('console.history.col.service'),
          t('console.history.col.duration'),
          t('console.history.col.end'),
          t('console.history.col.quality'),
          t('console.history.col.incidents'),
        ]}
      >
        {history.map((h) => (
          <tr
            key={h.callId}
            data-testid={`history-${h.callId}`}
            data-verdict={h.quality?.verdict ?? ''}
          >
            <td>{format.dateTime(h.startedAt)}</td>
            <td>{h.kioskName ?? none}</td>
            <td>
              {h.advisorName ?? none}
              {h.interpreter ? ` + ${interpreterRole(t, h.interpreter)}` : ''}
            </td>
            <td>{h.serviceName ?? none}</td>
            <td>{h.durationSeconds === null ? none : formatDuration(h.durationSeconds)}</td>
            <td>{h.endReason ?? none}</td>
            <td>
              {t(
                h.quality?.verdict
                  ? `console.verdict.${h.quality.verdict}`
                  : 'console.verdict.none',
              )}
              {h.quality?.reasons.length ? ` (${h.quality.reasons.join(', ')})` : ''}
            </td>
            <td data-testid={`history-incidents-${h.callId}`} data-count={h.incidents.length}>
              {h.incidents.length === 0
                ? none
                : h.incidents
                    .map((i) => {
                      const what = t(`console.history.incident.${i.cause}`);
                      return i.durationMs === null
                        ? t('console.history.incident.open', { what })
                        : t('console.history.incident.duration', {
                            what,
                            seconds: (i.durationMs / 1000).toFixed(1),
                          });
                    })
                    .join(', ')}
            </td>
          </tr>
        ))}
      </DataTable>
    </ConsoleSection>
  );
}
