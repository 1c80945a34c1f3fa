import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { ImpactReport, ReportPlace } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useAppState } from '../../session/StaffAppContext';
import { useStaffState } from '../../session/StaffSessionContext';
import { DistancesSection } from './DistancesSection';
import { MonthBarChart } from './MonthBarChart';
import { ReportDesk, type ReportFilters } from './ReportDesk';
import { AvailabilityTable } from './AvailabilityTable';
import { GroupTable, atLeast, useNumber, type GroupTableProps } from './ReportTables';

/**
 * The impact report for coordinators and admins: filters, key figures, charts with their tables,
 * CSV and a printable page per site, and the distances behind the trips avoided.
 */
export function ReportPage() {
  const t = useT();
  const [desk] = useState(() => new ReportDesk());
  const { filters, report, loading, problem } = useStore(desk.store, (s) => s);
  const isAdmin = useStaffState((s) => s.principal?.roles.includes('admin') ?? false);

  useEffect(() => {
    void desk.load();
  }, [desk]);

  const problemKey: MessageKey =
    problem === 'INVALID_INPUT' || problem === 'FORBIDDEN'
      ? `report.error.${problem}`
      : 'report.error.load';

  return (
    <div className="report-page" data-testid="report">
      <h2>{t('report.title')}</h2>
      <p>{t('report.intro')}</p>
      <FiltersForm
        key={`${filters.from}|${filters.to}|${report ? 'loaded' : 'empty'}`}
        desk={desk}
        filters={filters}
        report={report}
        busy={loading}
      />
      {problem ? (
        <p className="alert" role="alert" data-testid="report-error" data-code={problem}>
          {t(problemKey)}
        </p>
      ) : null}
      {loading && !report ? <p aria-busy="true">{t('report.loading')}</p> : null}
      {report ? <ReportBody desk={desk} report={report} /> : null}
      {report ? <DistancesSection desk={desk} report={report} editable={isAdmin} /> : null}
    </div>
  );
}

function FiltersForm({
  desk,
  filters,
  report,
  busy,
}: {
  desk: ReportDesk;
  filters: ReportFilters;
  report: ImpactReport | null;
  busy: boolean;
}) {
  const t = useT();
  const [draft, setDraft] = useState(filters);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void desk.load(draft);
  };
  const set = (field: keyof ReportFilters) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [field]: event.target.value });
  return (
    <form
      className="form form--inline report-filters"
      aria-label={t('report.filters')}
      data-testid="report-filters"
      onSubmit={submit}
    >
      <MonthField
        label={t('report.from')}
        value={draft.from}
        onChange={set('from')}
        testId="report-from"
      />
      <MonthField label={t('report.to')} value={draft.to} onChange={set('to')} testId="report-to" />
      <PlaceField
        label={t('report.site')}
        value={draft.siteId}
        places={report?.sites ?? []}
        onChange={set('siteId')}
        testId="report-site"
      />
      <PlaceField
        label={t('report.service')}
        value={draft.serviceId}
        places={report?.services ?? []}
        onChange={set('serviceId')}
        testId="report-service"
      />
      <Button type="submit" testId="report-show" disabled={busy}>
        {t('report.show')}
      </Button>
    </form>
  );
}

interface FieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (event: { target: { value: string } }) => void;
  readonly testId: string;
}

function MonthField({ label, value, onChange, testId }: FieldProps) {
  const id = useId();
  return (
    <div className="form__row">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="month" value={value} onChange={onChange} data-testid={testId} required />
    </div>
  );
}

/** A site or a service, or all of them. */
function PlaceField({
  label,
  value,
  onChange,
  testId,
  places,
}: FieldProps & { readonly places: readonly ReportPlace[] }) {
  const t = useT();
  const id = useId();
  return (
    <div className="form__row">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={onChange} data-testid={testId}>
        <option value="">{t('report.all')}</option>
        {places.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function ReportBody({ desk, report }: { desk: ReportDesk; report: ImpactReport }) {
  const t = useT();
  const n = useNumber();
  const language = useAppState((s) => s.language);
  const ids = useId();
  const monthTable = `${ids}-months`;
  const total = report.total;
  const minutes = (value: number | null | undefined) =>
    value === null || value === undefined ? '—' : t('report.minutes', { value: n(value) });
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? '—' : t('report.percent', { value: n(value) });
  const key: [MessageKey, string, string][] = [
    ['report.key.interviews', n(total.interviews), 'interviews'],
    ['report.key.noShows', n(total.noShows), 'no-shows'],
    ['report.key.km', total.trips ? atLeast(total) + n(total.trips.kmSaved) : '—', 'km'],
    ['report.key.co2', total.trips ? atLeast(total) + n(total.trips.co2Kg) : '—', 'co2'],
    ['report.key.waitP50', minutes(total.waits?.p50Min), 'wait-p50'],
    ['report.key.waitP90', minutes(total.waits?.p90Min), 'wait-p90'],
    ['report.key.availability', percent(report.availability.at(-1)?.percent), 'availability'],
  ];
  const months = useMemo(() => report.byMonth.map((g) => g.month ?? ''), [report]);
  const interviews = useMemo(
    () => report.byMonth.map((g) => (typeof g.interviews === 'number' ? g.interviews : null)),
    [report],
  );
  const km = useMemo(() => report.byMonth.map((g) => g.trips?.kmSaved ?? null), [report]);
  const tables: Omit<GroupTableProps, 'report'>[] = [
    {
      groups: report.bySite,
      title: 'report.bySite',
      keys: ['site'],
      id: `${ids}-sites`,
      testId: 'report-site-row',
    },
    {
      groups: report.byService,
      title: 'report.byService',
      keys: ['service'],
      id: `${ids}-services`,
      testId: 'report-service-row',
    },
    {
      groups: report.byMonth,
      title: 'report.byMonth',
      keys: ['month'],
      id: monthTable,
      testId: 'report-month-row',
    },
    {
      groups: report.groups,
      title: 'report.groups',
      keys: ['month', 'site', 'service'],
      id: `${ids}-groups`,
      testId: 'report-group-row',
    },
  ];
  const sites = report.bySite.flatMap((g) => report.sites.filter((s) => s.id === g.siteId));

  return (
    <>
      <section className="report-section" aria-labelledby={`${ids}-key`}>
        <h3 id={`${ids}-key`}>{t('report.key')}</h3>
        <dl className="report-key" data-testid="report-key">
          {key.map(([label, value, testId]) => (
            <div key={label} className="report-key__item" data-testid={`report-key-${testId}`}>
              <dt>{t(label)}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="report-section" aria-labelledby={`${ids}-downloads`}>
        <h3 id={`${ids}-downloads`}>{t('report.downloads')}</h3>
        <ul className="report-links">
          <li>
            <a
              className="button button--secondary"
              href={desk.csvUrl(language)}
              download
              data-testid="report-csv"
            >
              {t('report.csv')}
            </a>
          </li>
          {sites.map((site) => (
            <li key={site.id}>
              <a
                className="button button--secondary"
                href={desk.printUrl(site.id, language)}
                target="_blank"
                rel="noopener"
                data-testid="report-print"
              >
                {t('report.printSite', { name: site.name })}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <div className="report-charts">
        <MonthBarChart
          title={t('report.chart.interviews')}
          months={months}
          values={interviews}
          colour="#0b3d91"
          tableId={monthTable}
          testId="report-chart-interviews"
          format={n}
        />
        <MonthBarChart
          title={t('report.chart.km')}
          months={months}
          values={km}
          colour="#0a6e3f"
          tableId={monthTable}
          testId="report-chart-km"
          format={n}
        />
      </div>
      {tables.map((table) => (
        <GroupTable key={table.id} report={report} {...table} />
      ))}
      <AvailabilityTable report={report} id={`${ids}-availability`} />
      <section className="report-section report-notes" aria-labelledby={`${ids}-notes`}>
        <h3 id={`${ids}-notes`}>{t('report.notes')}</h3>
        <p>{t('report.notes.smallGroups')}</p>
        <p>
          {t('report.notes.trips', {
            // Every digit of the factor (0.218, not 0.2).
            factor: String(report.carKgCo2ePerKm).replace('.', language === 'fr' ? ',' : '.'),
          })}
        </p>
        <p>{t('report.notes.waits')}</p>
        <p>{t('report.notes.notRecorded')}</p>
      </section>
    </>
  );
}
