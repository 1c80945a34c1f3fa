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

export interface HttpAppDeps {
  logger: Logger;
  clients: { kioskDist: string; advisorDist: string };
  /** Readiness checks by name; the server is ready when all pass. */
  readiness: Record<string, () => boolean>;
  /** The REST API (body parsing, session middleware, routes), mounted at the root. */
  api?: Router;
}

/**
 * The express app: health probes, the REST API and the two client apps. Handlers stay
 * thin; anything with a rule in it lives in a domain service.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/readyz', (_req, res) => {
    const checks = Object.fromEntries(
      Object.entries(deps.readiness).map(([name, check]) => [name, check()]),
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
    const status = (err as { status?: number; type?: string }).status;
    if (status === 413)
      return void res
        .status(413)
        .json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' } });
    if (status === 400)
      return void res
        .status(400)
        .json({ error: { code: 'INVALID_INPUT', message: 'Malformed request body' } });
    deps.logger.error({ err, path: req.path }, 'HTTP request failed');
    if (!res.headersSent)
      res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong' } });
  });
  return app;
}

function serveClient(app: Express, mount: string, dist: string, logger: Logger): void {
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
    res.sendFile(index);
  });
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader(
    'Permissions-Policy',
    'camera=(self), microphone=(self), display-capture=(self), speaker-selection=(self)',
  );
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob: data:",
      "connect-src 'self' ws: wss:",
      // Documents of a call are shown from blob: URLs (PDF viewer, print frame).
      "frame-src 'self' blob:",
      "object-src 'self' blob:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
  );
  next();
}
