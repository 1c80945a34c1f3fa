import { parseCookie } from 'cookie';
import {
  Router,
  type CookieOptions,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import {
  CreateKioskBodySchema,
  EnrolBodySchema,
  KioskParamsSchema,
  LoginBodySchema,
  SESSION_COOKIE_NAME,
  SetOutOfServiceBodySchema,
  StaffRoleSchema,
  type EnrolmentCodeResponse,
  type EnrolResponse,
  type KioskListResponse,
  type SessionResponse,
  type StaffRole,
} from '@visio/shared/protocol';
import { clientNetwork } from '../auth/AttemptLimiter';
import type { AuthModule } from '../auth/AuthModule';
import type { IssuedEnrolmentCode } from '../auth/KioskEnrolment';
import { summarize, type StaffPrincipal } from '../auth/Principal';
import type { SessionService } from '../auth/SessionService';
import { rest } from './rest';

const ANY_STAFF: readonly StaffRole[] = StaffRoleSchema.options;
const KIOSK_MANAGERS: readonly StaffRole[] = ['admin', 'technician'];
const KIOSK_VIEWERS: readonly StaffRole[] = ['admin', 'technician', 'scheduler', 'advisor'];

export interface SessionCookieSettings {
  sessionTtlMs: number;
  /** Send the cookie over HTTPS only (deployments behind TLS). */
  cookieSecure: boolean;
}

/** The staff session token the request's `Cookie` header carries, if any. */
function sessionTokenOf(req: Request): string | undefined {
  const token = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE_NAME];
  return token ? token : undefined;
}

/** Reads the session cookie and sets `res.locals.principal` to the staff member, if any. */
export function sessionMiddleware(sessions: Pick<SessionService, 'resolve'>): RequestHandler {
  return async (req, res, next) => {
    const token = sessionTokenOf(req);
    if (token) {
      const principal = await sessions.resolve(token);
      if (principal) res.locals.principal = principal;
    }
    next();
  };
}

/** The session cookie: httpOnly (no script reads it) and same-site only. */
function cookieOptions(settings: SessionCookieSettings): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: settings.cookieSecure, path: '/' };
}

/**
 * Accounts, sessions and kiosk enrolment over REST (`/api/auth/*`, `/api/kiosks*`,
 * `/api/kiosk/enrol`), with absolute paths: mount at the app root, after the JSON body parser
 * and `sessionMiddleware`. Routes are thin: validate, call one service, map the result.
 */
export function authRoutes(
  auth: Pick<AuthModule, 'sessions' | 'directory' | 'enrolment'>,
  settings: SessionCookieSettings,
  logger: Logger,
): Router {
  const router = Router();
  const staffActor = (p: StaffPrincipal) => ({ kind: 'staff' as const, id: p.staffId });

  router.post(
    '/api/auth/login',
    rest({ body: LoginBodySchema }, async ({ body, req, res }): Promise<SessionResponse> => {
      const session = await auth.sessions.login({
        login: body.login,
        password: body.password,
        client: clientNetwork(req.ip),
        previousToken: sessionTokenOf(req),
      });
      noStore(res);
      res.cookie(SESSION_COOKIE_NAME, session.token, {
        ...cookieOptions(settings),
        maxAge: settings.sessionTtlMs,
      });
      logger.info({ staffId: session.principal.staffId }, 'staff signed in');
      return { principal: summarize(session.principal) };
    }),
  );

  router.post(
    '/api/auth/logout',
    rest({}, async ({ req, res }) => {
      const token = sessionTokenOf(req);
      if (token) await auth.sessions.logout(token);
      res.clearCookie(SESSION_COOKIE_NAME, cookieOptions(settings));
      return undefined;
    }),
  );

  router.get(
    '/api/auth/me',
    rest({ roles: ANY_STAFF }, (_input, principal): SessionResponse => {
      return { principal: summarize(principal) };
    }),
  );

  router.get(
    '/api/kiosks',
    rest({ roles: KIOSK_VIEWERS }, async (): Promise<KioskListResponse> => {
      return { kiosks: await auth.directory.listKioskSummaries() };
    }),
  );

  router.post(
    '/api/kiosks',
    rest(
      { roles: KIOSK_MANAGERS, body: CreateKioskBodySchema },
      async ({ body, res }, principal): Promise<EnrolmentCodeResponse> =>
        enrolmentCodeResponse(res, await auth.enrolment.createKiosk(body, staffActor(principal))),
    ),
  );

  router.post(
    '/api/kiosks/:kioskId/enrolment-code',
    rest(
      { roles: KIOSK_MANAGERS, params: KioskParamsSchema },
      async ({ params, res }, principal): Promise<EnrolmentCodeResponse> =>
        enrolmentCodeResponse(
          res,
          await auth.enrolment.newEnrolmentCode(params.kioskId, staffActor(principal)),
        ),
    ),
  );

  router.post(
    '/api/kiosks/:kioskId/revoke',
    rest({ roles: KIOSK_MANAGERS, params: KioskParamsSchema }, async ({ params }, principal) => {
      await auth.enrolment.revoke(params.kioskId, staffActor(principal));
      return undefined;
    }),
  );

  router.post(
    '/api/kiosks/:kioskId/out-of-service',
    rest(
      { roles: KIOSK_MANAGERS, params: KioskParamsSchema, body: SetOutOfServiceBodySchema },
      async ({ params, body }, principal) => ({
        kiosk: await auth.enrolment.setOutOfService(
          params.kioskId,
          body.outOfService,
          staffActor(principal),
        ),
      }),
    ),
  );

  router.post(
    '/api/kiosk/enrol',
    rest({ body: EnrolBodySchema }, async ({ body, req, res }): Promise<EnrolResponse> => {
      const enrolled = await auth.enrolment.enrol(body.code, clientNetwork(req.ip));
      noStore(res);
      logger.info({ kioskId: enrolled.kioskId }, 'kiosk enrolled');
      return enrolled;
    }),
  );

  return router;
}

/** Answers carrying a credential (token, one-time code) must not linger in any cache. */
function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}

function enrolmentCodeResponse(res: Response, issued: IssuedEnrolmentCode): EnrolmentCodeResponse {
  noStore(res);
  return {
    kiosk: issued.kiosk,
    enrolmentCode: issued.enrolmentCode,
    enrolmentPath: `/kiosk/?enrol=${issued.enrolmentCode}`,
    expiresAt: issued.expiresAt.toISOString(),
  };
}
