import { BellIcon, BellOffIcon } from '../../../design/icons.tsx';
import { useNotificationSetting } from '../hooks/use-desktop-notifications.ts';

/** The opt-in for desktop notifications: a toggle that says its state, asking the browser the first time. */
export function NotificationToggle() {
  const setting = useNotificationSetting();
  if (!setting.supported) return null;
  const label = setting.blocked
    ? 'Desktop notifications are blocked in this browser’s site settings'
    : 'Desktop notifications';
  return (
    <button
      type="button"
      className="button button--ghost icon-button"
      aria-pressed={setting.enabled}
      aria-label={label}
      title={setting.enabled ? 'Desktop notifications are on' : label}
      disabled={setting.blocked}
      onClick={() => void setting.toggle()}
    >
      {setting.enabled ? <BellIcon /> : <BellOffIcon />}
    </button>
  );
}
