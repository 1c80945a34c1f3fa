import { io, type Socket } from 'socket.io-client';
import type { NamespaceDef } from '../protocol';

/** Why the server refused a connection, read from a socket.io `connect_error`. */
export function isUnauthorizedConnectError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const data = (error as Error & { data?: { code?: unknown } }).data;
  return data?.code === 'UNAUTHORIZED' || error.message === 'UNAUTHORIZED';
}

/**
 * Opens the socket of one namespace on the page's own origin (the server also serves the apps;
 * the Vite dev server proxies /socket.io). socket.io reconnects by itself with backoff.
 *
 * Without a token the handshake carries only the page's cookies: staff browsers are
 * authenticated by their httpOnly session cookie, which scripts never see.
 */
export function connectSignalling(namespace: NamespaceDef['path'], token?: string | null): Socket {
  return io(namespace, {
    ...(token ? { auth: { token } } : {}),
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
  });
}
