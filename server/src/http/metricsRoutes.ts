import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { MetricsService } from '../monitoring/MetricsService';

/**
 * `GET /metrics` in Prometheus text format. Open by default (counts and figures only, no personal
 * data); with a token configured, scrapers send `Authorization: Bearer <token>`.
 */
export function metricsRoutes(
  metrics: MetricsService,
  options: { token?: string | undefined } = {},
): Router {
  const router = Router();
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  router.get('/metrics', (req, res, next) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        res
          .status(401)
          .json({ error: { code: 'UNAUTHORIZED', message: 'Metrics token required' } });
        return;
      }
    }
    metrics.metrics().then((text) => {
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    }, next);
  });
  return router;
}
