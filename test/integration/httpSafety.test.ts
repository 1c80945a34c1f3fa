import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '../support/integrationTest';
import { startDirectCall, type TestServer } from '../support/testServer';

// The HTTP edge of a real server: bodies are read only once the sender is let in, refused bodies
// get a 4xx with our error body (never a 500), every response carries the security headers, and
// X-Forwarded-For is believed only from the configured number of proxies.

/** A request whose body is announced but not sent: the answer must come without it. */
function postWithoutBody(
  t: TestServer,
  path: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    // `signal` is the test's: a server that waits for the body fails the test at its timeout.
    const req = http.request(`${t.url}${path}`, { method: 'POST', headers, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
      );
    });
    req.on('error', reject);
    req.flushHeaders(); // headers only: the 10 MB are never written
  });
}

const TEN_MB = String(10 * 1024 * 1024);

describe('document uploads are refused before their body is read', () => {
  test(
    'answers an anonymous upload of 10 MB with 401 and closes, without waiting for the body',
    { timeout: 10_000 },
    async ({ t, signal }) => {
      const answer = await postWithoutBody(
        t,
        `/api/calls/${randomUUID()}/documents`,
        {
          'content-type': 'application/octet-stream',
          'content-length': TEN_MB,
        },
        signal,
      );
      expect(answer.status).toBe(401);
      expect(answer.connection).toBe('close');
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    },
  );

  test(
    'answers an upload by someone who is not a party of the call (a technician, another kiosk) before its body',
    { timeout: 10_000 },
    async ({ t, client, signal }) => {
      await client('/kiosk', t.kiosk.token); // a call needs its kiosk online
      const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
      const path = `/api/calls/${callId}/documents`;
      const base = { 'content-type': 'application/octet-stream', 'content-length': TEN_MB };
      const technician = await postWithoutBody(
        t,
        path,
        { ...base, cookie: `visio_session=${t.technician.token}` },
        signal,
      );
      expect(technician.status).toBe(403);
      const otherKiosk = await postWithoutBody(
        t,
        path,
        { ...base, authorization: `Bearer ${t.kiosk2.token}` },
        signal,
      );
      expect(otherKiosk.status).toBe(404);
      const advisor = await t.server.auth.directory.authenticateStaff(t.advisor.token);
      t.server.calls.hangup(advisor!, callId);
    },
  );
});

describe('refused JSON bodies', () => {
  const login = (t: TestServer, headers: Record<string, string>, body: string | Buffer) =>
    fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  test.for([
    ['an unsupported charset', { 'content-type': 'application/json; charset=koi8-r' }, 415],
    ['a Content-Encoding', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 415],
    [
      'an unknown Content-Encoding',
      { 'content-type': 'application/json', 'content-encoding': 'br2' },
      415,
    ],
  ] as const)(
    'answers %s with 415 and our error body, not 500',
    async ([, headers, status], { t }) => {
      const res = await login(t, headers, '{"login":"a","password":"b"}');
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.js|node_modules/);
    },
  );

  test('answers malformed JSON with 400 and a body over 16 kB with 413', async ({ t }) => {
    const malformed = await login(t, { 'content-type': 'application/json' }, '{"login":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const big = await login(
      t,
      { 'content-type': 'application/json' },
      JSON.stringify({ login: 'a', password: 'x'.repeat(20_000) }),
    );
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('security headers', () => {
  test('the apps get a strict CSP, no framing, no referrer, and camera and microphone for themselves', async ({
    t,
  }) => {
    for (const page of ['/kiosk/', '/advisor/', '/advisor/some/deep/link']) {
      const res = await fetch(`${t.url}${page}`);
      expect(res.status, page).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toMatch(/media-src [^;]*blob:/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const permissions = res.headers.get('permissions-policy') ?? '';
      expect(permissions).toContain('camera=(self)');
      expect(permissions).toContain('microphone=(self)');
      expect(permissions).toContain('geolocation=()');
    }
  });

  test('API answers and other responses allow no camera or microphone', async ({ t }) => {
    for (const path of ['/api/session', '/healthz', '/no/such/page']) {
      const res = await fetch(`${t.url}${path}`);
      const permissions = res.headers.get('permissions-policy') ?? '';
      expect(permissions, path).toContain('camera=()');
      expect(permissions, path).toContain('microphone=()');
      // Express's own 404 page brings a stricter policy of its own (default-src 'none').
      if (path !== '/no/such/page')
        expect(res.headers.get('content-security-policy'), path).toContain(
          "frame-ancestors 'none'",
        );
    }
  });
});

describe('X-Forwarded-For', () => {
  // Enrolment codes are limited per client network (10 wrong ones in 15 minutes).
  const enrol = (t: TestServer, forwardedFor: string) =>
    fetch(`${t.url}/api/kiosk/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ code: 'WRONGCODE' }),
    });

  test('is not believed from a local peer by default: changing it does not escape the limit', async ({
    startServer,
  }) => {
    const t = await startServer();
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push((await enrol(t, `203.0.${i}.7`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(404), 429]);
  });

  test('is believed from TRUST_PROXY_HOPS proxies: each forwarded client has its own limit', async ({
    startServer,
  }) => {
    const t = await startServer({ TRUST_PROXY_HOPS: '1' });
    for (let i = 1; i <= 10; i++) await enrol(t, '203.0.113.7');
    expect((await enrol(t, '203.0.113.7')).status).toBe(429);
    expect((await enrol(t, '198.51.100.9')).status).not.toBe(429);
  });
});
