import {
  AppError,
  type ErrorCode,
  type ImpactReport,
  type OfficeDistance,
  type ReportLanguage,
} from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';
import { api } from '../../api';

/** What the report is asked for: whole months, and optionally one site and one service. */
export interface ReportFilters {
  readonly from: string;
  readonly to: string;
  readonly siteId: string;
  readonly serviceId: string;
}

export interface ReportDeskState {
  readonly filters: ReportFilters;
  readonly report: ImpactReport | null;
  readonly loading: boolean;
  readonly problem: ErrorCode | null;
  readonly distances: readonly OfficeDistance[];
  /** The pair whose distance is being saved ("site|service"), and how the last save went. */
  readonly savingDistance: string | null;
  readonly distanceSaved: 'saved' | ErrorCode | null;
}

const codeOf = (error: unknown): ErrorCode => (error instanceof AppError ? error.code : 'INTERNAL');

function lastTwelveMonths(now: Date): { from: string; to: string } {
  const to = now.toISOString().slice(0, 7);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  return { from: start.toISOString().slice(0, 7), to };
}

/** The impact report page's state: filters, the report, and the distances behind trips avoided. */
export class ReportDesk {
  readonly store: Store<ReportDeskState>;

  constructor(now = new Date()) {
    this.store = new Store<ReportDeskState>({
      filters: { ...lastTwelveMonths(now), siteId: '', serviceId: '' },
      report: null,
      loading: false,
      problem: null,
      distances: [],
      savingDistance: null,
      distanceSaved: null,
    });
  }

  async load(filters: ReportFilters = this.store.get().filters): Promise<void> {
    this.store.set({ filters, loading: true, problem: null });
    try {
      const [report, { distances }] = await Promise.all([
        api.report(this.query(filters)),
        api.reportDistances(),
      ]);
      this.store.set({ report, distances, loading: false });
    } catch (error) {
      this.store.set({ problem: codeOf(error), loading: false });
    }
  }

  /** Admin: sets one (site, service) distance, then reloads the report that uses it. */
  async setDistance(distance: OfficeDistance): Promise<void> {
    this.store.set({
      savingDistance: `${distance.siteId}|${distance.serviceId}`,
      distanceSaved: null,
    });
    try {
      await api.setReportDistance(distance);
      this.store.set({ savingDistance: null, distanceSaved: 'saved' });
      await this.load();
    } catch (error) {
      this.store.set({ savingDistance: null, distanceSaved: codeOf(error) });
    }
  }

  /** The CSV of the report shown, with headings in `language`. */
  csvUrl(language: ReportLanguage): string {
    return `/api/report.csv?${new URLSearchParams({ ...this.query(this.store.get().filters), lang: language })}`;
  }

  /** The printable one-page summary of a site, for the period shown. */
  printUrl(siteId: string, language: ReportLanguage): string {
    const { from, to } = this.store.get().filters;
    return `/api/report/print?${new URLSearchParams({ from, to, siteId, lang: language })}`;
  }

  private query(filters: ReportFilters): Record<string, string> {
    return {
      from: filters.from,
      to: filters.to,
      ...(filters.siteId ? { siteId: filters.siteId } : {}),
      ...(filters.serviceId ? { serviceId: filters.serviceId } : {}),
    };
  }
}
