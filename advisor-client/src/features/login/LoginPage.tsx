import { useId, useState, type FormEvent } from 'react';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { formatClock, useNow } from '../../primitives/useNow';
import type { LoginProblem } from '../../session/StaffApp';
import { useAppState, useStaffApp } from '../../session/StaffAppContext';
import { LanguageButton } from '../header/LanguageButton';
import { GuestJoin } from '../interpret/GuestJoin';

function problemKey(problem: LoginProblem, waiting: boolean): MessageKey {
  if (problem.code === 'RATE_LIMITED')
    return waiting ? 'login.error.RATE_LIMITED' : 'login.error.RATE_LIMITED.done';
  if (problem.code === 'UNAUTHORIZED') return 'login.error.bad_credentials';
  return `errors.${problem.code}`;
}

/** Sign-in with a login and a password; the server answers with an httpOnly session cookie. */
export function LoginPage() {
  const t = useT();
  const app = useStaffApp();
  const ids = useId();
  const auth = useAppState((s) => s.auth);
  const signingIn = useAppState((s) => s.signingIn);
  const problem = useAppState((s) => s.loginProblem);
  const now = useNow();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const waiting = problem?.retryAt != null && problem.retryAt > now;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!login.trim() || !password) {
      setMissing(true);
      return;
    }
    setMissing(false);
    void app.signIn(login.trim(), password).then(() => setPassword(''));
  };

  const why = auth.status === 'signedOut' ? auth.why : null;

  return (
    <div className="app">
      <header className="appbar">
        <span className="appbar__brand">{t('app.brand')}</span>
        <span className="appbar__spacer" />
        <LanguageButton />
      </header>
      <main className="page page--login">
        <h1 id={`${ids}-title`}>{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        {why ? (
          <p className="notice" role="status" data-testid="login-notice" data-why={why}>
            {t(why === 'expired' ? 'login.expired' : 'login.signedOut')}
          </p>
        ) : null}
        <form
          className="form login-form"
          data-testid="login-form"
          aria-labelledby={`${ids}-title`}
          noValidate
          onSubmit={submit}
        >
          <div className="form__row">
            <label htmlFor={`${ids}-user`}>{t('login.user')}</label>
            <input
              id={`${ids}-user`}
              name="username"
              type="text"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              autoFocus
              required
              aria-invalid={(missing && !login.trim()) || undefined}
              data-testid="login-user"
              value={login}
              onChange={(e) => setLogin(e.target.value)}
            />
          </div>
          <div className="form__row">
            <label htmlFor={`${ids}-password`}>{t('login.password')}</label>
            <input
              id={`${ids}-password`}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={(missing && !password) || undefined}
              data-testid="login-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {missing || problem ? (
            <p
              className="alert"
              role="alert"
              data-testid="login-error"
              data-code={missing ? 'INVALID_INPUT' : problem?.code}
              data-reason={missing ? 'missing' : (problem?.reason ?? '')}
            >
              {missing
                ? t('login.error.missing')
                : problem
                  ? t(problemKey(problem, waiting), {
                      time: waiting ? formatClock(problem.retryAt! - now) : '',
                    })
                  : null}
            </p>
          ) : null}
          <div>
            <Button
              type="submit"
              testId="login-submit"
              disabled={signingIn || waiting}
              aria-busy={signingIn}
            >
              {signingIn ? t('login.pending') : t('login.submit')}
            </Button>
          </div>
        </form>
        <GuestJoin />
      </main>
    </div>
  );
}
