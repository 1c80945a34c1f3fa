import fs from 'node:fs';
import path from 'node:path';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import type { Logger } from 'pino';
import { bodyRefusal } from './bodyRefusal';
import { allowAppFeatures, securityHeaders } from './securityHeaders';

export interface HttpAppDeps {
  logger: Logger;
  clients: { kioskDist: string; advisorDist: string };
  /** Readiness checks by name (a check may ask the database); the server is ready when all pass. */
  readiness: Record<string, () => boolean | Promise<boolean>>;
  /** The REST API (session middleware, routes), mounted at the root. */
  api?: Router;
  /** Proxies in front whose X-Forwarded-For is believed (0: none, the peer is the client). */
  trustProxyHops?: number;
  /** The server is reached over HTTPS (PUBLIC_URL): browsers may be told to insist on it. */
  https?: boolean;
}

/**
 * The express app: health probes, the REST API and the two client apps. Handlers stay
 * thin; anything with a rule in it lives in a domain service.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // A hop count, never "any local peer": a process on the same host could otherwise claim any
  // address and escape the per-network limits of sign-in and enrolment.
  app.set('trust proxy', deps.trustProxyHops ?? 0);
  app.use(securityHeaders({ https: deps.https ?? false }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = Object.fromEntries(
      await Promise.all(
        Object.entries(deps.readiness).map(async ([name, check]) => [
          name,
          await Promise.resolve(check()).catch(() => false),
        ]),
      ),
    );
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  if (deps.api) app.use(deps.api);
  app.get('/', (_req, res) => res.redirect(302, '/advisor/'));
  serveClient(app, '/kiosk', deps.clients.kioskDist, deps.logger);
  serveClient(app, '/advisor', deps.clients.advisorDist, deps.logger);

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such API route' } });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Body parser refusals are the client's fault, with their own status.
    const refused = bodyRefusal(err);
    if (refused && !res.headersSent)
      return void res.status(refused.status).json({ error: refused.error });
    deps.logger.error({ err, path: req.path }, 'HTTP request failed');
    if (!res.headersSent)
      res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong' } });
  });
  return app;
}

function serveClient(
  app: Express,
  mount: '/kiosk' | '/advisor',
  dist: string,
  logger: Logger,
): void {
  const appName = mount === '/kiosk' ? 'kiosk' : 'advisor';
  const index = path.join(dist, 'index.html');
  if (!fs.existsSync(index)) {
    logger.warn({ mount, dist }, 'client not built; run `npm run build:clients`');
  }
  // `/kiosk` → `/kiosk/` (keeping the query): the apps resolve their assets relative to the slash.
  app.use(mount, (req, res, next) => {
    const [pathname, query] = req.originalUrl.split('?', 2) as [string, string | undefined];
    if (pathname !== mount) return next();
    res.redirect(301, `${mount}/${query === undefined ? '' : `?${query}`}`);
  });
  app.use(
    mount,
    express.static(dist, {
      index: false,
      setHeaders: (res, file) => {
        // Vite fingerprints assets: cache them for good; never cache the HTML that names them.
        if (file.includes(`${path.sep}assets${path.sep}`))
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        if (file.endsWith('.html')) allowAppFeatures(res, appName);
      },
    }),
  );
  // Single-page app: every other path under the mount gets the app's index.html.
  app.use(mount, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!fs.existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('This app is not built. Run `npm run build:clients`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    allowAppFeatures(res, appName);
    res.sendFile(index);
  });
}
