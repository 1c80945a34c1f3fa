import { createHash } from 'node:crypto';
import type { ImpactReport, ReportGroup, ReportLanguage } from '@visio/shared/protocol';
import { FIGURE_COLUMNS } from './reportCsv';
import { formatNumber, reportLabels, type ReportLabel } from './reportLabels';

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

// One A4 sheet: small type, tight tables, nothing but black on white.
const STYLE = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.35 system-ui, sans-serif; color: #111; background: #fff; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
p { margin: 1mm 0; }
.key { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin: 3mm 0; padding: 0; }
.key div { border: 1px solid #555; padding: 2mm; }
.key dt { font-size: 9pt; }
.key dd { margin: 0; font-size: 14pt; font-weight: 700; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
thead th { font-size: 8pt; }
td { white-space: nowrap; }
th, td { border: 1px solid #777; padding: 1mm 1.5mm; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eee; }
.notes { font-size: 8.5pt; margin-top: 4mm; }
@media print { .screen-only { display: none; } body { padding: 0; } }
`;

/** The columns one sheet has room for, from the CSV's. */
const COMPACT_LABELS: readonly ReportLabel[] = [
  'interviews',
  'noShows',
  'waitP50',
  'waitP90',
  'good',
  'fair',
  'poor',
  'realTimeText',
  'kmSaved',
  'co2Kg',
];
const COMPACT = FIGURE_COLUMNS.filter(([label]) => COMPACT_LABELS.includes(label));

/** The Content-Security-Policy of the page: its own style, nothing else (no script at all). */
export const PRINT_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`;

/**
 * The one-page summary of one site for its partners and elected officials: key figures, a line
 * per partner service and per month, and how to read them. `report` is the report of that site.
 */
export function reportPrintPage(
  report: ImpactReport,
  siteId: string,
  language: ReportLanguage,
): string {
  const l = reportLabels(language);
  const n = (v: number | string | null) => escape(formatNumber(v, language));
  const names = new Map([...report.sites, ...report.services].map((p) => [p.id, p.name]));
  const site = names.get(siteId) ?? '';
  const total = report.bySite.find((g) => g.siteId === siteId) ?? report.total;
  const availability = report.availability.find((a) => a.siteId === siteId && a.month === null);
  const key: [ReportLabel, number | string | null][] = [
    ['interviews', total.interviews],
    ['noShows', total.noShows],
    ['kmSaved', total.trips?.kmSaved ?? null],
    ['co2Kg', total.trips?.co2Kg ?? null],
    ['waitP50', total.waits?.p50Min ?? null],
    ['waitP90', total.waits?.p90Min ?? null],
    ['good', total.quality?.good ?? null],
    ['realTimeText', total.accessibility?.realTimeText ?? null],
    ['availability', availability?.percent ?? null],
  ];
  const table = (caption: ReportLabel, first: string, rows: [string, ReportGroup][]) => `
<h2>${escape(l[caption])}</h2>
<table>
<thead><tr><th scope="col">${escape(first)}</th>${COMPACT.map(([label]) => `<th scope="col">${escape(l[label])}</th>`).join('')}</tr></thead>
<tbody>${rows
    .map(
      ([name, g]) =>
        `<tr><th scope="row">${escape(name)}</th>${COMPACT.map(([label, value]) => `<td>${atLeast(label, g)}${n(value(g))}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody>
</table>`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(`${l.title} — ${site}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escape(l.title)} — ${escape(site)}</h1>
<p>${escape(l.period)} ${escape(report.from)} → ${escape(report.to)} · ${escape(l.generated)} ${escape(report.generatedAt.slice(0, 10))}</p>
<p class="screen-only">${escape(l.print)}</p>
<dl class="key">${key
    .map(
      ([label, value]) =>
        `<div><dt>${escape(l[label])}</dt><dd>${atLeast(label, total)}${n(value)}</dd></div>`,
    )
    .join('')}</dl>
${table(
  'perService',
  l.service,
  report.byService.map((g) => [names.get(g.serviceId ?? '') ?? '', g]),
)}
${table(
  'perMonth',
  l.month,
  report.byMonth.map((g) => [g.month ?? '', g]),
)}
<div class="notes">
<p>${escape(l.smallGroups)}</p>
<p>${escape(l.trips.replace('{factor}', factorText(report.carKgCo2ePerKm, language)))}</p>
<p>${escape(l.availabilityNote)}</p>
<p>${escape(l.notRecorded)}</p>
</div>
</main>
</body>
</html>
`;
}

/** The emission factor with all its digits (0.218, not 0.2), decimal comma in French. */
function factorText(factor: number, language: ReportLanguage): string {
  return language === 'fr' ? String(factor).replace('.', ',') : String(factor);
}

/** A total's km and CO2e leave hidden groups out: they are a floor, and read "≥ …". */
function atLeast(label: ReportLabel, group: ReportGroup): string {
  return (label === 'kmSaved' || label === 'co2Kg') && group.trips?.hiddenLeftOut ? '≥ ' : '';
}
