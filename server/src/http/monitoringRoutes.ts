import { Router } from 'express';
import { z } from 'zod';
import { CONSOLE_ROLES, type MonitoringModule } from '../monitoring/MonitoringModule';
import { QualityVerdictSchema } from '@visio/shared/protocol';
import { rest } from './rest';

const HistoryQuerySchema = z
  .object({
    quality: QualityVerdictSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * Read-only console views over HTTP for scripts and dashboards (the console app itself uses the
 * socket requests): `/api/monitoring/{fleet,alerts,calls/live,calls/history,health}`.
 * Technician and admin sessions only.
 */
export function monitoringRoutes(monitoring: MonitoringModule): Router {
  const router = Router();
  const roles = CONSOLE_ROLES;
  router.get(
    '/fleet',
    rest({ roles }, async () => ({ kiosks: await monitoring.fleet.list() })),
  );
  router.get(
    '/alerts',
    rest({ roles }, () => ({
      active: monitoring.alerts.list(),
      history: monitoring.alerts.recentlyCleared(100),
    })),
  );
  router.get(
    '/calls/live',
    rest({ roles }, async () => ({ calls: await monitoring.liveCalls() })),
  );
  router.get(
    '/calls/history',
    rest({ roles, query: HistoryQuerySchema }, async ({ query }) => ({
      calls: await monitoring.history.history(query),
    })),
  );
  router.get(
    '/health',
    rest({ roles }, () => monitoring.health.measure()),
  );
  return router;
}
