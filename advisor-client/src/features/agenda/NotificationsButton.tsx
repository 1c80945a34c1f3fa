import { useT } from '../../i18n/useT';
import { Button } from '../../primitives/Button';
import { useStaffSession, useStaffState } from '../../session/StaffSessionContext';

/** Desktop notifications are asked for only when the advisor chooses to (never on load). */
export function NotificationsButton() {
  const t = useT();
  const session = useStaffSession();
  const permission = useStaffState((s) => s.notificationPermission);
  if (permission === 'default') {
    return (
      <Button
        variant="secondary"
        testId="enable-notifications"
        onClick={() => void session.enableNotifications()}
      >
        {t('notifications.enable')}
      </Button>
    );
  }
  if (permission === 'denied') return <p className="muted">{t('notifications.denied')}</p>;
  return null;
}
