import { useEffect, type ComponentType } from 'react';
import { CallScreen } from './features/call/CallScreen';
import { LanguageSwitch } from './features/language/LanguageSwitch';
import { ConnectingScreen } from './features/status/ConnectingScreen';
import { OfflineScreen } from './features/status/OfflineScreen';
import { UnauthorizedScreen } from './features/status/UnauthorizedScreen';
import { WelcomeScreen } from './features/welcome/WelcomeScreen';
import { useT } from './i18n/useT';
import { LiveAnnouncer } from './primitives/LiveAnnouncer';
import type { KioskScreen } from './session/kioskMachine';
import { useKioskState } from './session/KioskSessionContext';

const SCREENS: Record<KioskScreen, ComponentType> = {
  connecting: ConnectingScreen,
  welcome: WelcomeScreen,
  call: CallScreen,
  offline: OfflineScreen,
  unauthorized: UnauthorizedScreen,
};

export function App() {
  const t = useT();
  const screen = useKioskState((s) => s.machine.screen);
  const language = useKioskState((s) => s.language);
  const announcement = useKioskState((s) => s.announcement);
  const Screen = SCREENS[screen];

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);

  return (
    <div className="kiosk" data-screen={screen}>
      <header className="topbar">
        <span className="topbar__brand">{t('app.title')}</span>
        {screen === 'welcome' || screen === 'call' ? <LanguageSwitch /> : null}
      </header>
      <Screen />
      <LiveAnnouncer
        message={announcement ? t(announcement.key, announcement.params) : ''}
        seq={announcement?.seq ?? 0}
      />
    </div>
  );
}
