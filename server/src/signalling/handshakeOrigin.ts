import type { IncomingMessage } from 'node:http';
import type { HandshakeOrigins } from '../config/config';

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * Whether a socket handshake may go ahead, by its `Origin` header. A browser always sends one
 * with a WebSocket or cross-origin request, so a page of another site cannot open our sockets
 * with the staff cookie (SameSite=Strict is then a second wall, not the only one). A handshake
 * without `Origin` is no browser's cross-site request (tools, tests, same-origin polling).
 */
export function handshakeOriginAllowed(req: IncomingMessage, allowed: HandshakeOrigins): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.exact.includes(origin)) return true;
  return allowed.anyLoopback && LOOPBACK_ORIGIN.test(origin);
}
