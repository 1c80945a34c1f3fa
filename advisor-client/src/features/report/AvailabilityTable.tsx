import { useMemo } from 'react';
import type { ImpactReport, KioskAvailability } from '@visio/shared/protocol';
import { useT } from '../../i18n/useT';
import { DataTable } from '../../primitives/DataTable';
import { useNumber } from './ReportTables';

/**
 * Kiosk availability: a row per site (then all sites), a column per month and one for the
 * period; each cell the share of opening hours its kiosks were usable, "—" where none counted.
 */
export function AvailabilityTable({ report, id }: { report: ImpactReport; id: string }) {
  const t = useT();
  const n = useNumber();
  const headingId = `${id}-title`;
  const months = useMemo(
    () => [...new Set(report.availability.flatMap((a) => (a.month ? [a.month] : [])))],
    [report],
  );
  const rows = useMemo(() => {
    const names = new Map(report.sites.map((s) => [s.id, s.name]));
    const bySite = new Map<string | null, Map<string | null, KioskAvailability>>();
    for (const a of report.availability) {
      const row = bySite.get(a.siteId) ?? new Map<string | null, KioskAvailability>();
      row.set(a.month, a);
      bySite.set(a.siteId, row);
    }
    return [...bySite].map(([siteId, cells]) => ({
      siteId,
      name: siteId === null ? t('report.availability.allSites') : (names.get(siteId) ?? ''),
      cells,
    }));
  }, [report, t]);
  const cell = (a: KioskAvailability | undefined) =>
    a?.percent === null || a === undefined ? (
      <span title={t('report.availability.none')}>
        —<span className="visually-hidden"> {t('report.availability.none')}</span>
      </span>
    ) : (
      t('report.percent', { value: n(a.percent) })
    );
  return (
    <section className="report-section" id={id} aria-labelledby={headingId} tabIndex={-1}>
      <h3 id={headingId}>{t('report.availability')}</h3>
      <p>{t('report.availability.intro')}</p>
      <DataTable
        className="report-table"
        columns={[t('report.col.site'), ...months, t('report.availability.period')]}
        scroll={{ labelledBy: headingId }}
      >
        {rows.map((row) => (
          <tr key={row.siteId ?? '*'} data-testid="report-availability-row">
            <th scope="row">{row.name}</th>
            {months.map((month) => (
              <td key={month} data-month={month}>
                {cell(row.cells.get(month))}
              </td>
            ))}
            <td data-testid="report-availability-period">{cell(row.cells.get(null))}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
