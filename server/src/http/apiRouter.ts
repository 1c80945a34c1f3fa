import { Router } from 'express';
import type { Logger } from 'pino';
import type { AuthModule } from '../auth/AuthModule';
import type { CallDocumentAccess } from '../calls/DocumentRelay';
import type { MonitoringModule } from '../monitoring/MonitoringModule';
import type { ImpactReportService } from '../reporting/ImpactReportService';
import type { SchedulingModule } from '../scheduling/SchedulingModule';
import { authRoutes, sessionMiddleware, type SessionCookieSettings } from './authRoutes';
import { bookingRoutes } from './bookingRoutes';
import { documentRoutes } from './documentRoutes';
import { metricsRoutes } from './metricsRoutes';
import { monitoringRoutes } from './monitoringRoutes';
import { interpreterRoutes, type InterpreterGuestPasses } from './interpreterRoutes';
import { reportRoutes } from './reportRoutes';

export interface ApiDeps {
  auth: AuthModule;
  cookie: SessionCookieSettings;
  scheduling: SchedulingModule;
  monitoring: MonitoringModule;
  /** A call's documents: this node's, or relayed to the node carrying the call. */
  documents: CallDocumentAccess;
  /** Guest passes for interpreters without an account (invitation links). */
  interpreters: InterpreterGuestPasses;
  reports: ImpactReportService;
  /** When set, `/metrics` wants `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** `/metrics` is served here, on the public port (not when it has a port of its own). */
  metricsOnPublicPort: boolean;
  logger: Logger;
}

/**
 * Every REST route, in order: the staff session from its cookie, then accounts and kiosks,
 * booking, monitoring, the impact report, metrics and call documents. No body is read here: each route reads its
 * own once the sender is let in (`rest`, `documentRoutes`).
 */
export function apiRouter(deps: ApiDeps): Router {
  const { auth, scheduling, monitoring, documents } = deps;
  const api = Router();
  api.use(sessionMiddleware(auth.sessions));
  api.use(authRoutes(auth, deps.cookie, deps.logger.child({ module: 'auth' })));
  api.use('/api', bookingRoutes(scheduling));
  api.use('/api/monitoring', monitoringRoutes(monitoring));
  api.use('/api', reportRoutes(deps.reports));
  api.use('/api', interpreterRoutes(deps.interpreters));
  if (deps.metricsOnPublicPort)
    api.use(metricsRoutes(monitoring.metrics, { token: deps.metricsToken }));
  api.use('/api', documentRoutes(documents, auth.directory));
  return api;
}
