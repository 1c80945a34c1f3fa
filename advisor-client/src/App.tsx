import { useEffect } from 'react';
import { AgendaPage } from './features/agenda/AgendaPage';
import { BookingPage } from './features/booking/BookingPage';
import { CallView } from './features/call/CallView';
import { ConsolePage } from './features/console/ConsolePage';
import { AppHeader } from './features/header/AppHeader';
import { InterpretPage } from './features/interpret/InterpretPage';
import { KiosksPage } from './features/kiosks/KiosksPage';
import { LoginPage } from './features/login/LoginPage';
import { ReportPage } from './features/report/ReportPage';
import { ErrorAlert } from './features/status/ErrorAlert';
import { TransferOffers } from './features/transfer/TransferOffers';
import { TransferOutcomeNotice } from './features/transfer/TransferStatus';
import { UnauthorizedScreen } from './features/status/UnauthorizedScreen';
import { useT } from './i18n/useT';
import { LiveAnnouncer } from './primitives/LiveAnnouncer';
import { useAppState } from './session/StaffAppContext';
import { StaffSessionContext, useStaffSession, useStaffState } from './session/StaffSessionContext';

export function App() {
  const t = useT();
  const language = useAppState((s) => s.language);
  const auth = useAppState((s) => s.auth);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);

  if (auth.status === 'checking') {
    return (
      <main className="page page--status" aria-busy="true">
        <p>{t('login.checking')}</p>
      </main>
    );
  }
  if (auth.status === 'signedOut') return <LoginPage />;
  return (
    <StaffSessionContext value={auth.session}>
      <SignedIn />
    </StaffSessionContext>
  );
}

function SignedIn() {
  const t = useT();
  const session = useStaffSession();
  const connection = useStaffState((s) => s.connection);
  const view = useStaffState((s) => s.view);
  const inCall = useStaffState((s) => s.call !== null);
  const endedNotice = useStaffState((s) => s.endedNotice);
  const announcement = useStaffState((s) => s.announcement);

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
    <div className="app" data-connection={connection} data-view={view ?? ''}>
      <AppHeader />
      <main className="page">
        <h1 className="visually-hidden">{t(view ? `nav.${view}` : 'app.title')}</h1>
        {connection === 'offline' ? (
          <p className="banner" role="alert">
            {t('offline.banner')}
          </p>
        ) : null}
        {connection === 'connecting' ? <p aria-busy="true">{t('connecting.title')}</p> : null}
        <ErrorAlert />
        {session.transfers ? (
          <>
            <TransferOutcomeNotice desk={session.transfers} />
            <TransferOffers desk={session.transfers} />
          </>
        ) : null}
        {inCall ? (
          <CallView />
        ) : (
          <>
            {endedNotice ? (
              <p className="notice" data-testid="call-ended-notice">
                {t(endedNotice)}
              </p>
            ) : null}
            {view === 'agenda' && session.agenda ? <AgendaPage agenda={session.agenda} /> : null}
            {view === 'booking' ? <BookingPage /> : null}
            {view === 'kiosks' ? <KiosksPage /> : null}
            {view === 'console' ? <ConsolePage /> : null}
            {view === 'report' ? <ReportPage /> : null}
            {view === 'interpret' ? <InterpretPage /> : null}
          </>
        )}
      </main>
      {announcer}
    </div>
  );
}
