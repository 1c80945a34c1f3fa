import { useEffect, type ComponentType } from 'react';
import { CallScreen } from './features/call/CallScreen';
import { ReadAloudToggle } from './features/accessibility/ReadAloud';
import { CodeScreen } from './features/checkin/CodeScreen';
import { DeviceCheckScreen } from './features/device-check/DeviceCheckScreen';
import { InactivityGuard } from './features/inactivity/InactivityGuard';
import { SurveyScreen } from './features/survey/SurveyScreen';
import { EnrollingScreen } from './features/enrolment/EnrollingScreen';
import { NotEnrolledScreen } from './features/enrolment/NotEnrolledScreen';
import { LanguageSwitch } from './features/language/LanguageSwitch';
import { ConnectingScreen } from './features/status/ConnectingScreen';
import { OfflineScreen } from './features/status/OfflineScreen';
import { OutOfServiceScreen } from './features/status/OutOfServiceScreen';
import { UnauthorizedScreen } from './features/status/UnauthorizedScreen';
import { WaitingScreen } from './features/waiting/WaitingScreen';
import { WelcomeScreen } from './features/welcome/WelcomeScreen';
import { useT } from './i18n/useT';
import { MaintenanceTestScreen } from './features/maintenance/MaintenanceTestScreen';
import { LiveAnnouncer } from './primitives/LiveAnnouncer';
import type { KioskScreen } from './session/KioskScreen';
import { useStore } from '@visio/shared/ui';
import { useConnection, useKioskSession, useScreen, useVisit } from './session/KioskSessionContext';

const SCREENS: Record<KioskScreen, ComponentType> = {
  enrolling: EnrollingScreen,
  'not-enrolled': NotEnrolledScreen,
  unauthorized: UnauthorizedScreen,
  connecting: ConnectingScreen,
  offline: OfflineScreen,
  'out-of-service': OutOfServiceScreen,
  welcome: WelcomeScreen,
  code: CodeScreen,
  'device-check': DeviceCheckScreen,
  waiting: WaitingScreen,
  call: CallScreen,
  survey: SurveyScreen,
};

/** Where a citizen may be: these screens offer the other language. */
const CITIZEN_SCREENS: ReadonlySet<KioskScreen> = new Set([
  'welcome',
  'code',
  'device-check',
  'waiting',
  'call',
  'survey',
  'out-of-service',
]);

export function App() {
  const t = useT();
  const screen = useScreen();
  const language = useVisit((s) => s.context.visit.language);
  const announcement = useVisit((s) => s.context.visit.announcement);
  const kioskName = useConnection((s) => s.home?.kiosk.name ?? null);
  const Screen = SCREENS[screen];
  const maintenance = useStore(useKioskSession().nightlyTest.store, (s) => s.running);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);

  return (
    <div className="kiosk" data-screen={screen}>
      <header className="topbar">
        <span className="topbar__brand">{t('app.title')}</span>
        {kioskName ? <span className="topbar__kiosk">{kioskName}</span> : null}
        {CITIZEN_SCREENS.has(screen) ? <ReadAloudToggle screen={screen} /> : null}
        {CITIZEN_SCREENS.has(screen) ? <LanguageSwitch /> : null}
      </header>
      {maintenance ? <MaintenanceTestScreen /> : <Screen />}
      <InactivityGuard />
      <LiveAnnouncer
        message={announcement ? t(announcement.key, announcement.params) : ''}
        seq={announcement?.seq ?? 0}
      />
    </div>
  );
}
