/** Namespaced so other apps on the same origin never collide with the kiosk's identity. */
export const DEVICE_TOKEN_KEY = 'visio-public.kiosk.deviceToken';

export interface KioskCredentials {
  /** The device token kept from an earlier enrolment (or given by `?token=` for tools and tests). */
  readonly token: string | null;
  /** A one-time enrolment code from the technician's link (`?enrol=`), to trade for a token. */
  readonly enrolCode: string | null;
}

/**
 * What the kiosk starts with. `?enrol=` and `?token=` are credentials: both are removed from the
 * address bar at once so they do not linger in history or screenshots. A token from `?token=` is
 * kept in localStorage so the kiosk keeps its identity across reloads.
 */
export function takeKioskCredentials(): KioskCredentials {
  const url = new URL(window.location.href);
  const enrolCode = url.searchParams.get('enrol');
  const fromUrl = url.searchParams.get('token');
  if (enrolCode !== null || fromUrl !== null) {
    url.searchParams.delete('enrol');
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
  if (fromUrl) saveDeviceToken(fromUrl);
  return { token: fromUrl || readDeviceToken(), enrolCode: enrolCode || null };
}

export function saveDeviceToken(token: string): void {
  try {
    window.localStorage.setItem(DEVICE_TOKEN_KEY, token);
  } catch {
    // Storage can be disabled; the token still works for this page load.
  }
}

function readDeviceToken(): string | null {
  try {
    return window.localStorage.getItem(DEVICE_TOKEN_KEY);
  } catch {
    return null;
  }
}
