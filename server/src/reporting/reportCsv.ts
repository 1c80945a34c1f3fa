import type {
  ImpactReport,
  KioskAvailability,
  ReportGroup,
  ReportLanguage,
} from '@visio/shared/protocol';
import { formatNumber, reportLabels, type ReportLabel } from './reportLabels';

/** The figures of a group, in the CSV's (and the printable page's) column order. */
export const FIGURE_COLUMNS: readonly [ReportLabel, (g: ReportGroup) => number | string | null][] =
  [
    ['interviews', (g) => g.interviews],
    ['noShows', (g) => g.noShows],
    ['waitP50', (g) => g.waits?.p50Min ?? null],
    ['waitP90', (g) => g.waits?.p90Min ?? null],
    ['under5', (g) => g.waits?.under5 ?? null],
    ['from5to15', (g) => g.waits?.from5to15 ?? null],
    ['from15to30', (g) => g.waits?.from15to30 ?? null],
    ['over30', (g) => g.waits?.over30 ?? null],
    ['calls', (g) => g.quality?.calls ?? null],
    ['good', (g) => g.quality?.good ?? null],
    ['fair', (g) => g.quality?.fair ?? null],
    ['poor', (g) => g.quality?.poor ?? null],
    ['notMeasured', (g) => g.quality?.notMeasured ?? null],
    ['incidents', (g) => g.quality?.incidents ?? null],
    ['realTimeText', (g) => g.accessibility?.realTimeText ?? null],
    ['signOrLipReading', (g) => g.accessibility?.signOrLipReading ?? null],
    ['readAloud', (g) => g.accessibility?.readAloud ?? null],
    ['inEnglish', (g) => g.accessibility?.inEnglish ?? null],
    ['interpreter', (g) => g.accessibility?.interpreter ?? null],
    ['kmSaved', (g) => g.trips?.kmSaved ?? null],
    ['co2Kg', (g) => g.trips?.co2Kg ?? null],
  ];

const availabilityKey = (a: Pick<KioskAvailability, 'siteId' | 'month'>) =>
  `${a.siteId ?? '*'}|${a.month ?? '*'}`;

/**
 * One CSV field for a spreadsheet: quoted when it holds the separator, a quote or a line break;
 * a text that a spreadsheet would take for a formula (= + - @) is prefixed with an apostrophe.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The report as CSV for spreadsheets: UTF-8 with a byte-order mark (so that Excel reads the
 * accents), `;` between fields, CRLF line ends, decimal comma in French. One line per group,
 * its level first, then every total, then kiosk availability per site × month. The last column,
 * kiosk availability, is filled on the lines it applies to: each site's total, the grand total
 * and the availability lines.
 */
export function reportCsv(report: ImpactReport, language: ReportLanguage): string {
  const l = reportLabels(language);
  const names = new Map([...report.sites, ...report.services].map((p) => [p.id, p.name]));
  const header = [
    l.level,
    l.month,
    l.site,
    l.service,
    ...FIGURE_COLUMNS.map(([label]) => l[label]),
    l.availability,
  ];
  const availability = new Map(report.availability.map((a) => [availabilityKey(a), a.percent]));
  const percent = (siteId: string | null, month: string | null) => {
    const value = availability.get(availabilityKey({ siteId, month })) ?? null;
    return value === null ? '' : formatNumber(value, language);
  };
  const lines = [header];
  const levels = [
    ['level.groups', report.groups],
    ['level.bySite', report.bySite],
    ['level.byService', report.byService],
    ['level.byMonth', report.byMonth],
    ['level.total', [report.total]],
  ] as const;
  for (const [level, groups] of levels) {
    for (const g of groups) {
      lines.push([
        l[level],
        g.month ?? l.all,
        g.siteId ? (names.get(g.siteId) ?? '') : l.all,
        g.serviceId ? (names.get(g.serviceId) ?? '') : l.all,
        ...FIGURE_COLUMNS.map(([, value]) => {
          const v = value(g);
          return v === null ? '' : formatNumber(v, language);
        }),
        // Per site: its total's line, and the grand total's (a service's or month's has none).
        g.serviceId === null && g.month === null ? percent(g.siteId, null) : '',
      ]);
    }
  }
  for (const a of report.availability) {
    if (a.siteId === null || a.month === null) continue;
    lines.push([
      l['level.availability'],
      a.month,
      names.get(a.siteId) ?? '',
      l.all,
      ...FIGURE_COLUMNS.map(() => ''),
      percent(a.siteId, a.month),
    ]);
  }
  return `\uFEFF${lines.map((fields) => fields.map(csvField).join(';')).join('\r\n')}\r\n`;
}
