import { io } from 'socket.io-client';
import { describe, expect, test } from '../support/integrationTest';

// Who may open a socket at all: the page's Origin must be the server's own (PUBLIC_URL; loopback
// origins in development), so a foreign site cannot ride on a staff cookie or a kiosk token; and
// the root namespace serves nothing, so nobody can hold a connection there unauthenticated.

/** Connects with the given Origin header; resolves 'connected' or the server's refusal. */
function handshake(
  url: string,
  nsp: string,
  options: { origin?: string; token?: string } = {},
): Promise<string> {
  const socket = io(`${url}${nsp}`, {
    auth: options.token === undefined ? {} : { token: options.token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.origin === undefined ? {} : { extraHeaders: { Origin: options.origin } }),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(`refused: ${err.message}`);
    });
  });
}

const SECRET = 'c3f1a0b29d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f21';

describe('socket handshakes', () => {
  test('refuses a foreign Origin on both namespaces, even with a valid staff session or kiosk token', async ({
    t,
  }) => {
    const foreign = 'https://evil.example';
    expect(await handshake(t.url, '/staff', { origin: foreign, token: t.advisor.token })).toMatch(
      /^refused/,
    );
    expect(await handshake(t.url, '/kiosk', { origin: foreign, token: t.kiosk.token })).toMatch(
      /^refused/,
    );
    // Development: the apps on any loopback port (Vite) are at home.
    expect(
      await handshake(t.url, '/staff', { origin: 'http://localhost:5173', token: t.advisor.token }),
    ).toBe('connected');
  });

  test('in production accepts the PUBLIC_URL origin only', async ({ startServer }) => {
    const prod = await startServer({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://visio.example.org',
      SERVER_SECRET: SECRET,
    });
    const token = prod.advisor.token;
    expect(
      await handshake(prod.url, '/staff', { origin: 'https://visio.example.org', token }),
    ).toBe('connected');
    expect(await handshake(prod.url, '/staff', { origin: 'http://localhost:8080', token })).toMatch(
      /^refused/,
    );
    expect(
      await handshake(prod.url, '/kiosk', {
        origin: 'https://visio.example.org.evil.example',
        token: prod.kiosk.token,
      }),
    ).toMatch(/^refused/);
  });

  test('refuses the root namespace, token or not', async ({ t }) => {
    expect(await handshake(t.url, '/')).toBe('refused: NOT_FOUND');
    expect(await handshake(t.url, '/', { token: t.advisor.token })).toBe('refused: NOT_FOUND');
  });
});
