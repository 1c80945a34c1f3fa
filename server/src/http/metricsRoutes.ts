import { timingSafeEqual } from 'node:crypto';
import express, { Router, type Express } from 'express';
import type { MetricsService } from '../monitoring/MetricsService';

/**
 * `GET /metrics` in Prometheus text format (counts and figures only, no personal data). With a
 * token configured, scrapers send `Authorization: Bearer <token>`; production serves it on the
 * public port only then.
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

/**
 * An app serving `/metrics` alone, for a port of its own (METRICS_PORT) that only the monitoring
 * network reaches; everything else there is 404.
 */
export function createMetricsApp(
  metrics: MetricsService,
  options: { token?: string | undefined } = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRoutes(metrics, options));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Only /metrics is served here' } });
  });
  return app;
}
