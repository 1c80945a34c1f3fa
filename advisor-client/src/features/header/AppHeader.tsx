import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStaffApp } from '../../session/StaffAppContext';
import { useStaffState } from '../../session/StaffSessionContext';
import { viewsFor } from '../../session/views';
import { LanguageButton } from './LanguageButton';

/** Who is signed in, the pages their role may use, the connection, language and sign-out. */
export function AppHeader() {
  const t = useT();
  const app = useStaffApp();
  const principal = useStaffState((s) => s.principal);
  const view = useStaffState((s) => s.view);
  const connection = useStaffState((s) => s.connection);
  const inCall = useStaffState((s) => s.call !== null);
  const views = principal ? viewsFor(principal.roles) : [];
  const connectionKey =
    connection === 'online'
      ? 'header.connection.online'
      : connection === 'connecting'
        ? 'header.connection.connecting'
        : 'header.connection.offline';

  return (
    <header className="appbar">
      <span className="appbar__brand">{t('app.brand')}</span>
      {views.length > 0 && !inCall ? (
        <nav aria-label={t('nav.label')}>
          <ul className="nav">
            {views.map((v) => (
              <li key={v}>
                <a
                  href={`#${v}`}
                  className="nav__link"
                  data-testid={`nav-${v}`}
                  aria-current={v === view ? 'page' : undefined}
                >
                  {t(`nav.${v}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <span className="appbar__spacer" />
      {principal ? (
        <span className="appbar__who" data-testid="advisor-name">
          {t('header.signedInAs', { name: principal.name })}
        </span>
      ) : null}
      <span className={`connection connection--${connection}`} data-testid="connection-state">
        <span className="connection__dot" aria-hidden="true" />
        {t(connectionKey)}
      </span>
      <LanguageButton />
      <Button variant="secondary" testId="logout" onClick={() => void app.signOut()}>
        {t('header.signOut')}
      </Button>
    </header>
  );
}
