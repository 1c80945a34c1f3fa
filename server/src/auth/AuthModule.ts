import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { AuditLog } from '../store/AuditLog';
import type { Store } from '../store/Store';
import { localAttemptCounters, type AttemptCounters } from './AttemptLimiter';
import { KioskEnrolment } from './KioskEnrolment';
import { PasswordHasher, type ScryptCost } from './PasswordHasher';
import { ServerSecret } from './ServerSecret';
import { SessionService } from './SessionService';
import { StaffAccounts } from './StaffAccounts';
import { StoreDirectory } from './StoreDirectory';

const PURGE_INTERVAL_MS = 3_600_000;

export interface AuthModuleOptions {
  store: Store;
  config: Config;
  logger: Logger;
  /** Milliseconds since the epoch; tests move it to expire sessions, codes and rate limits. */
  clock?: () => number;
  /** scrypt cost for new password hashes; tests lower it. */
  passwordCost?: ScryptCost;
  /** Where failed sign-ins and enrolment codes are counted; default: this process's memory. */
  attemptCounters?: AttemptCounters;
}

/**
 * Accounts, sessions and kiosk enrolment assembled on one store: the store-backed `Directory`
 * and the services, with the periodic purge of expired sessions. Their REST routes, the session
 * cookie and its middleware are `http/authRoutes.ts`'s.
 */
export class AuthModule {
  private readonly purgeTimer: NodeJS.Timeout;

  private constructor(
    readonly directory: StoreDirectory,
    readonly accounts: StaffAccounts,
    readonly sessions: SessionService,
    readonly enrolment: KioskEnrolment,
    readonly secret: ServerSecret,
    private readonly logger: Logger,
  ) {
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
    const secret = await ServerSecret.loadOrCreate(config.data.dir, config.auth.serverSecret);
    const audit = new AuditLog(store.db);
    const accounts = new StaffAccounts(
      store.db,
      new PasswordHasher(options.passwordCost),
      audit,
      now,
    );
    const counters = options.attemptCounters ?? localAttemptCounters;
    const sessions = new SessionService(
      store.db,
      accounts,
      audit,
      config.auth.sessionTtlMs,
      now,
      counters,
    );
    const directory = new StoreDirectory(store.db, sessions, now);
    const enrolment = new KioskEnrolment(store.db, secret, audit, directory, now, counters);
    return new AuthModule(directory, accounts, sessions, enrolment, secret, logger);
  }

  /** Stops the periodic purge of expired sessions. */
  close(): void {
    clearInterval(this.purgeTimer);
  }
}
