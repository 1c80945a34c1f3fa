import { useId, useState, type FormEvent } from 'react';
import type { ImpactReport, OfficeDistance } from '@visio/shared/protocol';
import { useStore } from '@visio/shared/ui';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { DataTable } from '../../primitives/DataTable';
import type { ReportDesk } from './ReportDesk';
import { useNumber } from './ReportTables';

/**
 * The distance from each site to each partner's nearest office, which "trips avoided" rests on:
 * read by coordinators, set by admins.
 */
export function DistancesSection({
  desk,
  report,
  editable,
}: {
  desk: ReportDesk;
  report: ImpactReport;
  editable: boolean;
}) {
  const t = useT();
  const ids = useId();
  const n = useNumber();
  const { distances, distanceSaved } = useStore(desk.store, (s) => s);
  const name = (id: string, places: ImpactReport['sites']) =>
    places.find((p) => p.id === id)?.name ?? '';
  return (
    <section className="report-section" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('report.distances')}</h3>
      <p>{t('report.distances.intro')}</p>
      {editable ? null : <p>{t('report.distances.readOnly')}</p>}
      <DataTable
        className="report-distances"
        columns={[t('report.col.site'), t('report.col.service'), t('report.col.distance')]}
      >
        {distances.map((d) => {
          const site = name(d.siteId, report.sites);
          const service = name(d.serviceId, report.services);
          return (
            <tr key={`${d.siteId}|${d.serviceId}`} data-testid="report-distance-row">
              <th scope="row">{site}</th>
              <td>{service}</td>
              <td>
                {editable ? (
                  <DistanceForm desk={desk} distance={d} site={site} service={service} />
                ) : d.km === null ? (
                  t('report.distances.unset')
                ) : (
                  n(d.km)
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <p role="status" className={distanceSaved && distanceSaved !== 'saved' ? 'alert' : ''}>
        {distanceSaved === 'saved'
          ? t('report.distances.saved')
          : distanceSaved
            ? t('report.distances.error')
            : ''}
      </p>
    </section>
  );
}

function DistanceForm({
  desk,
  distance,
  site,
  service,
}: {
  desk: ReportDesk;
  distance: OfficeDistance;
  site: string;
  service: string;
}) {
  const t = useT();
  const id = useId();
  const saving = useStore(
    desk.store,
    (s) => s.savingDistance === `${distance.siteId}|${distance.serviceId}`,
  );
  const [value, setValue] = useState(distance.km === null ? '' : String(distance.km));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const km = value.trim() === '' ? null : Number(value.replace(',', '.'));
    void desk.setDistance({ ...distance, km: km !== null && Number.isFinite(km) ? km : -1 });
  };
  return (
    <form className="form form--inline report-distance" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('report.distances.field', { site, service })}
      </label>
      <input
        id={id}
        inputMode="decimal"
        size={6}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        data-testid="report-distance-input"
      />
      <Button
        type="submit"
        variant="secondary"
        disabled={saving}
        aria-label={t('report.distances.saveFor', { site, service })}
      >
        {t('report.distances.save')}
      </Button>
    </form>
  );
}
