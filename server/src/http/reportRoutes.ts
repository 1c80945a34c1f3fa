import { Router } from 'express';
import {
  ReportQuerySchema,
  SetOfficeDistanceBodySchema,
  type StaffRole,
} from '@visio/shared/protocol';
import type { ImpactReportService } from '../reporting/ImpactReportService';
import { reportCsv } from '../reporting/reportCsv';
import { PRINT_PAGE_CSP, reportPrintPage } from '../reporting/reportPrintPage';
import { rest } from './rest';

/** Who reads the impact report: the region's and partners' coordinators, and admins. */
const REPORT_READERS: readonly StaffRole[] = ['coordinator', 'admin'];
const DISTANCE_EDITORS: readonly StaffRole[] = ['admin'];

const PrintQuerySchema = ReportQuerySchema.required({ siteId: true });

/**
 * The impact report (`/api/report`): JSON, CSV for spreadsheets, and a printable one-page
 * summary per site; the distances behind "trips avoided", which an admin sets. Aggregates only.
 */
export function reportRoutes(reports: ImpactReportService): Router {
  const router = Router();
  router.get(
    '/report',
    rest({ roles: REPORT_READERS, query: ReportQuerySchema }, ({ query, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return reports.report(query);
    }),
  );
  router.get(
    '/report.csv',
    rest({ roles: REPORT_READERS, query: ReportQuerySchema }, async ({ query, res }) => {
      const report = await reports.report(query);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="visio-public-report-${report.from}-${report.to}.csv"`,
      );
      res.type('text/csv; charset=utf-8').send(reportCsv(report, query.lang));
    }),
  );
  router.get(
    '/report/print',
    rest({ roles: REPORT_READERS, query: PrintQuerySchema }, async ({ query, res }) => {
      const report = await reports.report(query);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Security-Policy', PRINT_PAGE_CSP);
      res.type('text/html; charset=utf-8').send(reportPrintPage(report, query.siteId, query.lang));
    }),
  );
  router.get(
    '/report/distances',
    rest({ roles: REPORT_READERS }, async () => ({ distances: await reports.distances() })),
  );
  router.put(
    '/report/distances',
    rest({ roles: DISTANCE_EDITORS, body: SetOfficeDistanceBodySchema }, async ({ body }) => ({
      distance: await reports.setDistance(body),
    })),
  );
  return router;
}
