import { useT } from '../../i18n/useT';
import type { Language } from '../../i18n/translate';
import { Button } from '../../primitives/Button';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';

/** Who is signed in, whether the server is reachable, and the language switch. */
export function AppHeader() {
  const t = useT();
  const session = useStaffSession();
  const myName = useStaffState((s) => s.myName);
  const connection = useStaffState((s) => s.connection);
  const other = t('language.otherCode') as Language;
  const connectionKey =
    connection === 'online'
      ? 'header.connection.online'
      : connection === 'connecting'
        ? 'header.connection.connecting'
        : 'header.connection.offline';

  return (
    <header className="appbar">
      <span className="appbar__brand">{t('app.brand')}</span>
      {myName ? (
        <span className="appbar__who" data-testid="advisor-name">
          {t('header.signedInAs', { name: myName })}
        </span>
      ) : null}
      <span className={`connection connection--${connection}`} data-testid="connection-state">
        <span className="connection__dot" aria-hidden="true" />
        {t(connectionKey)}
      </span>
      <Button
        variant="secondary"
        lang={other}
        testId="language-switch"
        onClick={() => session.setLanguage(other)}
      >
        {t('language.other')}
      </Button>
    </header>
  );
}
