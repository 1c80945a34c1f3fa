import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { AppError } from '@visio/shared/protocol';
import type { AuditLog } from '../store/AuditLog';
import type { Database } from '../store/schema';
import {
  localAttemptCounters,
  type AttemptCounter,
  type AttemptCounters,
  type AttemptRule,
} from './AttemptLimiter';
import type { StaffPrincipal } from './Principal';
import { normalizeLogin, parseRoles, type StaffAccounts } from './StaffAccounts';

const FIFTEEN_MINUTES = 15 * 60_000;

/** Failed logins allowed before attempts are refused for a while. */
export const LOGIN_LIMITS: { perLogin: AttemptRule; perClient: AttemptRule } = {
  /** Guessing one person's password from one network. */
  perLogin: { max: 5, windowMs: FIFTEEN_MINUTES },
  /** Trying many logins from one network. */
  perClient: { max: 20, windowMs: FIFTEEN_MINUTES },
};

/** 32 random bytes, base64url: what the cookie holds. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface OpenedSession {
  /** Shown once, in the cookie; only its SHA-256 is stored. */
  token: string;
  sessionId: string;
  expiresAt: Date;
  principal: StaffPrincipal;
}

export interface ResolvedSession {
  sessionId: string;
  expiresAt: Date;
  principal: StaffPrincipal;
}

export interface LoginAttempt {
  login: string;
  password: string;
  /** The client's network (see `clientNetwork`), for the rate limits. */
  client: string;
  /** The session the browser held before, closed so that one browser keeps one session. */
  previousToken?: string | undefined;
}

export interface SessionServiceEvents {
  /**
   * A session ended before its expiry (logout, or replaced by a new login in the same browser):
   * sockets opened with it should be closed.
   */
  sessionEnded: [{ sessionId: string; staffId: string; reason: 'logout' | 'replaced' }];
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Staff sessions: opened by a login that passes the rate limits and the password check, held by
 * the browser as an opaque token, resolved to a principal while unexpired and the member active.
 */
export class SessionService extends EventEmitter<SessionServiceEvents> {
  private readonly perLogin: AttemptCounter;
  private readonly perClient: AttemptCounter;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly accounts: StaffAccounts,
    private readonly audit: AuditLog,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    counters: AttemptCounters = localAttemptCounters,
  ) {
    super();
    this.perLogin = counters('login', LOGIN_LIMITS.perLogin, now);
    this.perClient = counters('login_client', LOGIN_LIMITS.perClient, now);
  }

  /**
   * UNAUTHORIZED with one message whatever was wrong (unknown login, bad password, inactive), and
   * RATE_LIMITED (with the wait) once too many attempts failed — checked before any hashing.
   */
  async login(attempt: LoginAttempt): Promise<OpenedSession> {
    const loginKey = `${attempt.client}\n${normalizeLogin(attempt.login)}`;
    const wait = Math.max(
      await this.perLogin.retryAfterSeconds(loginKey),
      await this.perClient.retryAfterSeconds(attempt.client),
    );
    if (wait > 0) {
      throw AppError.withReason(
        'RATE_LIMITED',
        'too_many_attempts',
        `Too many failed sign-in attempts; try again in ${Math.ceil(wait / 60)} min`,
        wait,
      );
    }
    const check = await this.accounts.verifyCredentials(attempt.login, attempt.password);
    if (!check.ok) {
      await this.perLogin.recordFailure(loginKey);
      await this.perClient.recordFailure(attempt.client);
      // The login itself is not recorded (it may be a mistyped password); the account is, if any.
      await this.audit.record({
        actor: { kind: 'system' },
        action: 'auth.login_failed',
        target: check.staffId ? { type: 'staff', id: check.staffId } : undefined,
        details: { reason: check.reason },
      });
      throw AppError.withReason('UNAUTHORIZED', 'bad_credentials', 'Wrong login or password');
    }
    await this.perLogin.reset(loginKey);
    if (attempt.previousToken) await this.end(attempt.previousToken, 'replaced');
    const { account } = check;
    const principal: StaffPrincipal = {
      kind: 'staff',
      staffId: account.staffId,
      name: account.name,
      roles: account.roles,
    };
    const opened = await this.open(principal);
    await this.audit.record({
      actor: { kind: 'staff', id: account.staffId },
      action: 'auth.login',
      target: { type: 'session', id: opened.sessionId },
    });
    return opened;
  }

  /** The principal behind a token, or undefined if unknown, expired, or the member inactive. */
  async resolve(token: string): Promise<StaffPrincipal | undefined> {
    return (await this.resolveSession(token))?.principal;
  }

  /** Like `resolve`, with the session's id and expiry (a socket can close itself at expiry). */
  async resolveSession(token: string): Promise<ResolvedSession | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const row = await this.db
      .selectFrom('staff_sessions as session')
      .innerJoin('staff', 'staff.id', 'session.staff_id')
      .select([
        'session.id as sessionId',
        'session.expires_at as expiresAt',
        'staff.id as staffId',
        'staff.name as name',
        'staff.roles as roles',
      ])
      .where('session.token_hash', '=', hashSessionToken(token))
      .where('session.expires_at', '>', new Date(this.now()).toISOString())
      .where('staff.active', '=', 1)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      sessionId: row.sessionId,
      expiresAt: new Date(row.expiresAt),
      principal: {
        kind: 'staff',
        staffId: row.staffId,
        name: row.name,
        roles: parseRoles(row.roles),
      },
    };
  }

  /** Ends the session behind `token`, if any. Unknown or expired tokens are not an error. */
  async logout(token: string): Promise<void> {
    await this.end(token, 'logout');
  }

  /** Deletes expired sessions; returns how many. Expired ones never resolve anyway: this is tidying. */
  async purgeExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('staff_sessions')
      .where('expires_at', '<=', new Date(this.now()).toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async open(principal: StaffPrincipal): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const sessionId = randomUUID();
    const now = this.now();
    const expiresAt = new Date(now + this.ttlMs);
    await this.db
      .insertInto('staff_sessions')
      .values({
        id: sessionId,
        staff_id: principal.staffId,
        token_hash: hashSessionToken(token),
        created_at: new Date(now).toISOString(),
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { token, sessionId, expiresAt, principal };
  }

  private async end(token: string, why: 'logout' | 'replaced'): Promise<void> {
    if (!TOKEN_SHAPE.test(token)) return;
    const session = await this.db
      .deleteFrom('staff_sessions')
      .where('token_hash', '=', hashSessionToken(token))
      .returning(['id', 'staff_id'])
      .executeTakeFirst();
    if (!session) return;
    await this.audit.record({
      actor: { kind: 'staff', id: session.staff_id },
      action: 'auth.logout',
      target: { type: 'session', id: session.id },
      details: { reason: why },
    });
    this.emit('sessionEnded', { sessionId: session.id, staffId: session.staff_id, reason: why });
  }
}
