import express, {
  type CookieOptions,
  type RequestHandler,
  type Response,
  type Router,
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
import type { Config } from '../config/config';
import { rest } from '../http/rest';
import { AuditLog } from '../store/AuditLog';
import type { Store } from '../store/Store';
import { clientNetwork } from './AttemptLimiter';
import { KioskEnrolment, type IssuedEnrolmentCode } from './KioskEnrolment';
import { PasswordHasher, type ScryptCost } from './PasswordHasher';
import { summarize, type StaffPrincipal } from './Principal';
import { ServerSecret } from './ServerSecret';
import { SessionService } from './SessionService';
import { StaffAccounts } from './StaffAccounts';
import { StoreDirectory } from './StoreDirectory';

/** Name of the httpOnly cookie holding the staff session token. */
export const SESSION_COOKIE = SESSION_COOKIE_NAME;

const ANY_STAFF: readonly StaffRole[] = StaffRoleSchema.options;
const KIOSK_MANAGERS: readonly StaffRole[] = ['admin', 'technician'];
const KIOSK_VIEWERS: readonly StaffRole[] = ['admin', 'technician', 'scheduler', 'advisor'];
const PURGE_INTERVAL_MS = 3_600_000;

export interface AuthModuleOptions {
  store: Store;
  config: Config;
  logger: Logger;
  /** Milliseconds since the epoch; tests move it to expire sessions, codes and rate limits. */
  clock?: () => number;
  /** scrypt cost for new password hashes; tests lower it. */
  passwordCost?: ScryptCost;
}

/** The session token in a `Cookie` header, if any (for HTTP requests and socket handshakes). */
export function readSessionCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1 || pair.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(separator + 1).trim();
    return value.length > 0 ? value : undefined;
  }
  return undefined;
}

/**
 * Accounts, sessions and kiosk enrolment assembled on one store: the store-backed `Directory`,
 * the services, the session middleware and the REST routes (`/api/auth/*`, `/api/kiosks*`,
 * `/api/kiosk/enrol`). Routes are thin: validate, call one service, map the result.
 */
export class AuthModule {
  /** Reads the session cookie and sets `res.locals.principal` to the staff member, if any. */
  readonly sessionMiddleware: RequestHandler;
  private readonly purgeTimer: NodeJS.Timeout;

  private constructor(
    readonly directory: StoreDirectory,
    readonly accounts: StaffAccounts,
    readonly sessions: SessionService,
    readonly enrolment: KioskEnrolment,
    readonly secret: ServerSecret,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.sessionMiddleware = async (req, res, next) => {
      const token = readSessionCookie(req.headers.cookie);
      if (token) {
        const principal = await this.sessions.resolve(token);
        if (principal) res.locals.principal = principal;
      }
      next();
    };
    this.purgeTimer = setInterval(() => {
      this.sessions.purgeExpired().then(
        (purged) => purged > 0 && this.logger.debug({ purged }, 'expired sessions purged'),
        (err: unknown) => this.logger.warn({ err }, 'purging expired sessions failed'),
      );
    }, PURGE_INTERVAL_MS).unref();
  }

  static async create(options: AuthModuleOptions): Promise<AuthModule> {
    const { store, config } = options;
    const now = options.clock ?? Date.now;
    const logger = options.logger.child({ module: 'auth' });
    const secret = await ServerSecret.loadOrCreate(config.data.dir);
    const audit = new AuditLog(store.db);
    const accounts = new StaffAccounts(
      store.db,
      new PasswordHasher(options.passwordCost),
      audit,
      now,
    );
    const sessions = new SessionService(store.db, accounts, audit, config.auth.sessionTtlMs, now);
    const directory = new StoreDirectory(store.db, sessions, now);
    const enrolment = new KioskEnrolment(store.db, secret, audit, directory, now);
    return new AuthModule(directory, accounts, sessions, enrolment, secret, config, logger);
  }

  /** Stops the periodic purge of expired sessions. */
  close(): void {
    clearInterval(this.purgeTimer);
  }

  /** REST routes with absolute paths: mount at the app root, after `express.json()` and the middleware. */
  router(): Router {
    const router = express.Router();
    const staffActor = (p: StaffPrincipal) => ({ kind: 'staff' as const, id: p.staffId });

    router.post(
      '/api/auth/login',
      rest({ body: LoginBodySchema }, async ({ body, req, res }): Promise<SessionResponse> => {
        const session = await this.sessions.login({
          login: body.login,
          password: body.password,
          client: clientNetwork(req.ip),
          previousToken: readSessionCookie(req.headers.cookie),
        });
        noStore(res);
        res.cookie(SESSION_COOKIE, session.token, {
          ...this.cookieOptions(),
          maxAge: this.config.auth.sessionTtlMs,
        });
        this.logger.info({ staffId: session.principal.staffId }, 'staff signed in');
        return { principal: summarize(session.principal) };
      }),
    );

    router.post(
      '/api/auth/logout',
      rest({}, async ({ req, res }) => {
        const token = readSessionCookie(req.headers.cookie);
        if (token) await this.sessions.logout(token);
        res.clearCookie(SESSION_COOKIE, this.cookieOptions());
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
        return { kiosks: await this.directory.listKioskSummaries() };
      }),
    );

    router.post(
      '/api/kiosks',
      rest(
        { roles: KIOSK_MANAGERS, body: CreateKioskBodySchema },
        async ({ body, res }, principal): Promise<EnrolmentCodeResponse> =>
          enrolmentCodeResponse(res, await this.enrolment.createKiosk(body, staffActor(principal))),
      ),
    );

    router.post(
      '/api/kiosks/:kioskId/enrolment-code',
      rest(
        { roles: KIOSK_MANAGERS, params: KioskParamsSchema },
        async ({ params, res }, principal): Promise<EnrolmentCodeResponse> =>
          enrolmentCodeResponse(
            res,
            await this.enrolment.newEnrolmentCode(params.kioskId, staffActor(principal)),
          ),
      ),
    );

    router.post(
      '/api/kiosks/:kioskId/revoke',
      rest({ roles: KIOSK_MANAGERS, params: KioskParamsSchema }, async ({ params }, principal) => {
        await this.enrolment.revoke(params.kioskId, staffActor(principal));
        return undefined;
      }),
    );

    router.post(
      '/api/kiosks/:kioskId/out-of-service',
      rest(
        { roles: KIOSK_MANAGERS, params: KioskParamsSchema, body: SetOutOfServiceBodySchema },
        async ({ params, body }, principal) => ({
          kiosk: await this.enrolment.setOutOfService(
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
        const enrolled = await this.enrolment.enrol(body.code, clientNetwork(req.ip));
        noStore(res);
        this.logger.info({ kioskId: enrolled.kioskId }, 'kiosk enrolled');
        return enrolled;
      }),
    );

    return router;
  }

  private cookieOptions(): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.auth.cookieSecure,
      path: '/',
    };
  }
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
