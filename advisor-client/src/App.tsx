import { useEffect } from 'react';
import { CallView } from './features/call/CallView';
import { DevicePanel } from './features/devices/DevicePanel';
import { AppHeader } from './features/header/AppHeader';
import { KioskList } from './features/kiosks/KioskList';
import { ErrorAlert } from './features/status/ErrorAlert';
import { UnauthorizedScreen } from './features/status/UnauthorizedScreen';
import { useT } from './i18n/useT';
import { LiveAnnouncer } from './primitives/LiveAnnouncer';
import { useStaffSession, useStaffState } from './session/StaffSessionContext';

export function App() {
  const t = useT();
  const session = useStaffSession();
  const language = useStaffState((s) => s.language);
  const connection = useStaffState((s) => s.connection);
  const inCall = useStaffState((s) => s.call !== null);
  const endedNotice = useStaffState((s) => s.endedNotice);
  const announcement = useStaffState((s) => s.announcement);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);

  const announcer = (
    <LiveAnnouncer
      message={announcement ? t(announcement.key, announcement.params) : ''}
      seq={announcement?.seq ?? 0}
    />
  );

  if (connection === 'unauthorized') {
    return (
      <>
        <UnauthorizedScreen />
        {announcer}
      </>
    );
  }

  return (
    <div className="app" data-connection={connection}>
      <AppHeader />
      <main className="page">
        <h1 className="visually-hidden">{t('app.title')}</h1>
        {connection === 'offline' ? (
          <p className="banner" role="alert">
            {t('offline.banner')}
          </p>
        ) : null}
        {connection === 'connecting' ? <p aria-busy="true">{t('connecting.title')}</p> : null}
        <ErrorAlert />
        {inCall ? (
          <CallView />
        ) : (
          <div className="home">
            {endedNotice ? (
              <p className="notice" data-testid="call-ended-notice">
                {t(endedNotice)}
              </p>
            ) : null}
            {session.kioskDirectory ? <KioskList directory={session.kioskDirectory} /> : null}
            <DevicePanel />
          </div>
        )}
      </main>
      {announcer}
    </div>
  );
}
