/** Namespaced so other apps on the same origin never collide with the kiosk's identity. */
export const DEVICE_TOKEN_KEY = 'visio-public.kiosk.deviceToken';

/**
 * The kiosk's device token: taken from `?token=` when a technician installs the kiosk, then
 * kept in localStorage so the kiosk keeps its identity across reloads. The token is removed
 * from the address bar so it does not linger in history or screenshots.
 */
export function takeDeviceToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      window.localStorage.setItem(DEVICE_TOKEN_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return window.localStorage.getItem(DEVICE_TOKEN_KEY);
  } catch {
    return null;
  }
}
