/** Namespaced so other apps on the same origin never collide with the advisor's session. */
export const STAFF_TOKEN_KEY = 'visio-public.staff.sessionToken';

/**
 * The staff session token: taken from `?token=` (the sign-in link), kept in sessionStorage so a
 * reload keeps the session but closing the tab ends it, and removed from the address bar.
 */
export function takeStaffToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    keepStaffToken(fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(STAFF_TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keeps a session token for this tab (a reload keeps the session; closing the tab ends it). */
export function keepStaffToken(token: string): void {
  try {
    window.sessionStorage.setItem(STAFF_TOKEN_KEY, token);
  } catch {
    // Storage can be disabled; the token still works for this page load.
  }
}

/** Signing out of a `?token=` session: the token is not used again on reload. */
export function forgetStaffToken(): void {
  try {
    window.sessionStorage.removeItem(STAFF_TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}
