import { AppError, type ErrorCode } from '@visio/shared/protocol';
import { api, onSessionRefused } from '../api';
import { DEFAULT_LANGUAGE, translate, type Language } from '../i18n/translate';
import { forgetStaffToken, keepStaffToken } from './staffToken';
import { StaffSession, type StaffPrincipal } from './StaffSession';
import { Store } from '@visio/shared/ui';

export type AuthState =
  | { readonly status: 'checking' }
  | { readonly status: 'signedOut'; readonly why: 'expired' | 'signedOut' | null }
  | { readonly status: 'signedIn'; readonly session: StaffSession };

export interface LoginProblem {
  readonly code: ErrorCode;
  readonly reason: string | null;
  /** With RATE_LIMITED: when signing in may be tried again (ms since the epoch). */
  readonly retryAt: number | null;
  readonly seq: number;
}

export interface StaffAppState {
  readonly language: Language;
  readonly auth: AuthState;
  readonly signingIn: boolean;
  readonly loginProblem: LoginProblem | null;
}

const LANGUAGE_KEY = 'visio-public.advisor.language';

/**
 * The staff app before and around a session: the language, and who is signed in. Staff browsers
 * sign in with a login and password (an httpOnly cookie then authenticates REST and the socket);
 * a `?token=` link (tools, tests) skips the form and authenticates the socket with the token.
 */
export class StaffApp {
  readonly store = new Store<StaffAppState>({
    language: storedLanguage(),
    auth: { status: 'checking' },
    signingIn: false,
    loginProblem: null,
  });
  private problemSeq = 0;

  constructor(private token: string | null) {}

  start(): void {
    onSessionRefused(() => {
      if (!this.token) this.endSession('expired');
    });
    if (this.token) {
      this.openSession(null);
      return;
    }
    api.me().then(
      ({ principal }) => {
        if (principal.kind === 'staff') this.openSession(principal);
        else this.store.set({ auth: { status: 'signedOut', why: null } });
      },
      (error: unknown) => {
        this.store.set({ auth: { status: 'signedOut', why: null } });
        // No session is the normal case here; anything else deserves a sentence.
        if (!(error instanceof AppError && error.code === 'UNAUTHORIZED')) this.loginFailed(error);
      },
    );
  }

  /** The current session, if signed in. */
  get session(): StaffSession | null {
    const { auth } = this.store.get();
    return auth.status === 'signedIn' ? auth.session : null;
  }

  setLanguage(language: Language): void {
    try {
      window.localStorage.setItem(LANGUAGE_KEY, language);
    } catch {
      // Not remembered across visits; fine.
    }
    this.store.set({ language });
  }

  async signIn(login: string, password: string): Promise<void> {
    if (this.store.get().signingIn) return;
    this.store.set({ signingIn: true, loginProblem: null });
    try {
      const { principal } = await api.login({ login, password });
      if (principal.kind !== 'staff') throw new AppError('FORBIDDEN', 'Not a staff account');
      this.store.set({ signingIn: false });
      this.openSession(principal);
    } catch (error) {
      this.store.set({ signingIn: false });
      this.loginFailed(error);
    }
  }

  async signOut(): Promise<void> {
    this.endSession('signedOut');
    try {
      await api.logout();
    } catch (error) {
      console.warn('logout failed', error);
    }
  }

  /**
   * An interpreter without an account opened an invitation link: its code exchanges for a guest
   * token (kept for this tab, as a `?token=` one), and a session opens with it.
   */
  async joinAsGuestInterpreter(code: string): Promise<void> {
    const { token } = await api.interpreterGuest(code);
    keepStaffToken(token);
    this.token = token;
    this.openSession(null);
  }

  /** A `?token=` session the server refused: back to the sign-in form. */
  leaveTokenSession(): void {
    this.endSession(null);
  }

  private openSession(principal: StaffPrincipal | null): void {
    this.session?.close();
    const session = new StaffSession({
      token: this.token,
      principal,
      translate: (key, params) => translate(this.store.get().language, key, params),
      onUnauthorized: () => {
        // A link's token is shown as refused (UnauthorizedScreen); a cookie session signs in again.
        if (!this.token) this.endSession('expired');
      },
    });
    session.start();
    this.store.set({ auth: { status: 'signedIn', session }, loginProblem: null });
  }

  private endSession(why: 'expired' | 'signedOut' | null): void {
    this.session?.close();
    if (this.token) forgetStaffToken();
    this.token = null;
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
    this.store.set({ auth: { status: 'signedOut', why } });
  }

  private loginFailed(error: unknown): void {
    this.problemSeq += 1;
    const wait = error instanceof AppError ? error.retryAfterSeconds : undefined;
    this.store.set({
      loginProblem: {
        code: error instanceof AppError ? error.code : 'INTERNAL',
        reason: error instanceof AppError ? (error.reason ?? null) : null,
        retryAt: wait === undefined ? null : Date.now() + wait * 1000,
        seq: this.problemSeq,
      },
    });
  }
}

function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_KEY);
    return stored === 'en' || stored === 'fr' ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}
