import { useMemo, type ReactNode } from 'react';
import type { ImpactReport, ReportGroup } from '@visio/shared/protocol';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { DataTable } from '../../primitives/DataTable';
import { useAppState } from '../../session/StaffAppContext';

const LOCALES = { fr: 'fr-FR', en: 'en-GB' } as const;

/** Numbers in the staff member's language (decimal comma in French), one decimal at most. */
export function useNumber(): (value: number | string) => string {
  const language = useAppState((s) => s.language);
  return useMemo(() => {
    const format = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1 });
    return (value) => (typeof value === 'string' ? value : format.format(value));
  }, [language]);
}

/** A total's km and CO2e leave hidden groups out: they are a floor, and read "≥ …". */
export const atLeast = (group: ReportGroup) => (group.trips?.hiddenLeftOut ? '≥ ' : '');

const FIGURES: readonly MessageKey[] = [
  'report.col.interviews',
  'report.col.noShows',
  'report.col.waitP50',
  'report.col.waitP90',
  'report.col.waitBuckets',
  'report.col.quality',
  'report.col.incidents',
  'report.col.rtt',
  'report.col.signOrLip',
  'report.col.readAloud',
  'report.col.inEnglish',
  'report.col.interpreter',
  'report.col.km',
  'report.col.co2',
];

/** The figures of one group as table cells; a hidden figure reads "—" and says so. */
function GroupCells({ group }: { group: ReportGroup }) {
  const t = useT();
  const n = useNumber();
  const hidden = (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{t('report.hidden')}</span>
    </>
  );
  const cell = (value: ReactNode | null | undefined, key: string) => (
    <td className="numeric" key={key}>
      {value === null || value === undefined ? hidden : value}
    </td>
  );
  const w = group.waits;
  const q = group.quality;
  const a = group.accessibility;
  return (
    <>
      {cell(n(group.interviews), 'interviews')}
      {cell(n(group.noShows), 'noShows')}
      {cell(w?.p50Min === null || !w ? null : n(w.p50Min), 'p50')}
      {cell(w?.p90Min === null || !w ? null : n(w.p90Min), 'p90')}
      {cell(w && [w.under5, w.from5to15, w.from15to30, w.over30].map(n).join(' / '), 'buckets')}
      {cell(q && [q.good, q.fair, q.poor, q.notMeasured].map(n).join(' / '), 'quality')}
      {cell(q && n(q.incidents), 'incidents')}
      {cell(a && n(a.realTimeText), 'rtt')}
      {cell(a && n(a.signOrLipReading), 'signOrLip')}
      {cell(a && n(a.readAloud), 'readAloud')}
      {cell(a && n(a.inEnglish), 'inEnglish')}
      {cell(a && n(a.interpreter), 'interpreter')}
      {cell(group.trips && atLeast(group) + n(group.trips.kmSaved), 'km')}
      {cell(group.trips && atLeast(group) + n(group.trips.co2Kg), 'co2')}
    </>
  );
}

export interface GroupTableProps {
  readonly report: ImpactReport;
  readonly groups: readonly ReportGroup[];
  readonly title: MessageKey;
  /** Which of month, site and service name each row. */
  readonly keys: readonly ('month' | 'site' | 'service')[];
  readonly id: string;
  readonly testId: string;
}

/** One table of the report: a row per group, its keys as row headings, then its figures. */
export function GroupTable({ report, groups, title, keys, id, testId }: GroupTableProps) {
  const t = useT();
  const names = useMemo(
    () => new Map([...report.sites, ...report.services].map((p) => [p.id, p.name])),
    [report],
  );
  const keyText = (g: ReportGroup, key: 'month' | 'site' | 'service') =>
    key === 'month'
      ? (g.month ?? '')
      : (names.get((key === 'site' ? g.siteId : g.serviceId) ?? '') ?? '');
  const headingId = `${id}-title`;
  return (
    <section className="report-section" id={id} aria-labelledby={headingId} tabIndex={-1}>
      <h3 id={headingId}>{t(title)}</h3>
      <DataTable
        className="report-table"
        columns={[...keys.map((k) => t(`report.col.${k}`)), ...FIGURES.map((k) => t(k))]}
        scroll={{ labelledBy: headingId }}
        empty={groups.length === 0 ? t('report.empty') : undefined}
      >
        {groups.map((g) => (
          <tr
            key={`${g.month ?? ''}|${g.siteId ?? ''}|${g.serviceId ?? ''}`}
            data-testid={testId}
            data-suppressed={g.suppressed}
          >
            {keys.map((k, i) =>
              i === 0 ? (
                <th scope="row" key={k}>
                  {keyText(g, k)}
                </th>
              ) : (
                <td key={k}>{keyText(g, k)}</td>
              ),
            )}
            <GroupCells group={g} />
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
