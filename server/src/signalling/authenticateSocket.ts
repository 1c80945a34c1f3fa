import { parseCookie } from 'cookie';
import type { Socket } from 'socket.io';
import { SESSION_COOKIE_NAME } from '@visio/shared/protocol';
import type { Principal } from '../auth/Principal';

/** The staff session token in a handshake's `Cookie` header, if any. */
export function sessionTokenInCookie(cookieHeader: string | undefined): string | undefined {
  const token = parseCookie(cookieHeader ?? '')[SESSION_COOKIE_NAME];
  return token ? token : undefined;
}

/**
 * Resolves the socket's principal from `auth.token` (kiosk device token; staff tools and tests) or,
 * for staff browsers, the httpOnly session cookie sent with the handshake.
 */
export async function authenticateSocket<P extends Principal>(
  socket: Socket,
  resolve: (token: string) => Promise<P | undefined>,
  options: { cookie: boolean },
): Promise<P> {
  const fromAuth: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
  const token =
    typeof fromAuth === 'string'
      ? fromAuth
      : options.cookie
        ? sessionTokenInCookie(socket.handshake.headers.cookie)
        : undefined;
  const principal =
    typeof token === 'string' && token.length > 0 && token.length <= 512
      ? await resolve(token)
      : undefined;
  if (!principal) {
    const err = new Error('UNAUTHORIZED') as Error & { data?: unknown };
    err.data = { code: 'UNAUTHORIZED', message: 'Missing or invalid credentials' };
    throw err;
  }
  return principal;
}
