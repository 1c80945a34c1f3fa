import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENROLMENT_CODE_ALPHABET,
  SESSION_COOKIE_NAME as SESSION_COOKIE,
  EnrolmentCodeResponseSchema,
  EnrolResponseSchema,
  ErrorBodySchema,
  KioskListResponseSchema,
  SessionResponseSchema,
  type StaffRole,
} from '@visio/shared/protocol';
import { createLogger, loadConfig, type Config } from '@visio/server';
import { AuthModule } from '../../server/src/auth/AuthModule';
import { PasswordHasher, type ScryptCost } from '../../server/src/auth/PasswordHasher';
import { ServerSecret } from '../../server/src/auth/ServerSecret';
import { authRoutes, sessionMiddleware } from '../../server/src/http/authRoutes';
import { AuditLog } from '../../server/src/store/AuditLog';
import { Store } from '../../server/src/store/Store';

// Accounts, sessions and kiosk enrolment through their REST routes, on a real SQLite store in a
// temporary directory and a real HTTP server on loopback. The clock is fake, so that expiry and
// rate-limit windows are crossed without waiting; each test comes from its own client address
// (X-Forwarded-For, believed as behind one reverse proxy: TRUST_PROXY_HOPS=1) so rate limits do
// not leak between tests.

const LOW_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
const MINUTE = 60_000;
const PASSWORD = 'a long enough passphrase';

let tmp: string;
let config: Config;
let store: Store;
let auth: AuthModule;
let base: string;
let httpServer: http.Server;
let now = Date.parse('2026-03-02T08:00:00.000Z');
const clock = () => now;
let siteId: string;
const staff = {} as Record<'admin' | 'technician' | 'scheduler' | 'advisor' | 'inactive', string>;
const loginOf = (who: keyof typeof staff) => `${who}.test`;

let addressCounter = 0;
/** A fresh client address per use: each test gets its own rate-limit buckets. */
const newClient = () => `198.51.100.${++addressCounter}`;

async function startApp(module: AuthModule, settings: Config['auth']) {
  const app = express();
  app.set('trust proxy', 1);
  app.use(sessionMiddleware(module.sessions));
  app.use(authRoutes(module, settings, createLogger('silent')));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-auth-'));
  config = loadConfig({ ...process.env, DATA_DIR: tmp, LOG_LEVEL: 'silent' });
  store = await Store.open({ sqliteFile: path.join(tmp, 'x.sqlite') });
  auth = await AuthModule.create({
    store,
    config,
    logger: createLogger('silent'),
    clock,
    passwordCost: LOW_COST,
  });
  siteId = randomUUID();
  await store.db
    .insertInto('sites')
    .values({
      id: siteId,
      name: 'Mairie de Saint-Flour',
      timezone: 'Europe/Paris',
      opening_hours: '{}',
      created_at: new Date(now).toISOString(),
    })
    .execute();
  for (const role of ['admin', 'technician', 'scheduler', 'advisor'] as const) {
    const account = await auth.accounts.create({
      name: `Test ${role}`,
      login: loginOf(role),
      password: PASSWORD,
      roles: [role],
    });
    staff[role] = account.staffId;
  }
  const inactive = await auth.accounts.create({
    name: 'Gone',
    login: loginOf('inactive'),
    password: PASSWORD,
    roles: ['admin'],
  });
  await auth.accounts.setActive(inactive.staffId, false);
  staff.inactive = inactive.staffId;
  ({ server: httpServer, url: base } = await startApp(auth, config.auth));
});

afterAll(async () => {
  httpServer?.closeAllConnections();
  await new Promise((resolve) => httpServer?.close(resolve));
  auth?.close();
  await store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function send(
  method: string,
  url: string,
  options: { body?: unknown; raw?: string; cookie?: string; client?: string; at?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'X-Forwarded-For': options.client ?? newClient() };
  if (options.cookie) headers.Cookie = options.cookie;
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['Content-Type'] = 'text/plain';
  } else if (options.body !== undefined && method !== 'GET') {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${options.at ?? base}${url}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function errorOf(answer: Answer) {
  return ErrorBodySchema.parse((answer.body as { error: unknown }).error);
}

/** The `name=value` part of the session cookie a response sets. */
function sessionCookieOf(answer: Answer): string {
  const header = answer.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error('no session cookie set');
  return header.split(';')[0]!;
}

async function signIn(who: keyof typeof staff): Promise<string> {
  const answer = await send('POST', '/api/auth/login', {
    body: { login: loginOf(who), password: PASSWORD },
  });
  expect(answer.status).toBe(200);
  return sessionCookieOf(answer);
}

async function auditRows() {
  return new AuditLog(store.db).recent(10_000);
}

async function createKiosk(cookie: string, name = 'Kiosk') {
  const answer = await send('POST', '/api/kiosks', { cookie, body: { name, siteId } });
  expect(answer.status).toBe(200);
  return EnrolmentCodeResponseSchema.parse(answer.body);
}

async function enrol(code: string, client = newClient()) {
  return send('POST', '/api/kiosk/enrol', { body: { code }, client });
}

describe('login', () => {
  it('signs in, answers the principal and sets an httpOnly, SameSite=Strict session cookie', async () => {
    const answer = await send('POST', '/api/auth/login', {
      body: { login: loginOf('advisor'), password: PASSWORD },
    });
    expect(answer.status).toBe(200);
    expect(SessionResponseSchema.parse(answer.body).principal).toEqual({
      kind: 'staff',
      staffId: staff.advisor,
      name: 'Test advisor',
      roles: ['advisor'],
    });
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/');
    expect(attributes).toContain(`max-age=${config.auth.sessionTtlMs / 1000}`);
    expect(attributes).not.toContain('secure'); // COOKIE_SECURE defaults to false
    expect(answer.headers.get('cache-control')).toBe('no-store');
    // The database holds only the token's hash.
    const token = sessionCookieOf(answer).split('=')[1]!;
    const rows = await store.db.selectFrom('staff_sessions').selectAll().execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(
      rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex')),
    ).toBe(true);
    const audit = (await auditRows()).find(
      (r) => r.action === 'auth.login' && r.actor_id === staff.advisor,
    );
    expect(audit).toBeDefined();
  });

  it('accepts the login in any case and with surrounding spaces', async () => {
    const answer = await send('POST', '/api/auth/login', {
      body: { login: `  ${loginOf('scheduler').toUpperCase()} `, password: PASSWORD },
    });
    expect(answer.status).toBe(200);
  });

  it('marks the cookie Secure when COOKIE_SECURE is set', async () => {
    const secureConfig = loadConfig({ ...process.env, DATA_DIR: tmp, COOKIE_SECURE: 'true' });
    const secureAuth = await AuthModule.create({
      store,
      config: secureConfig,
      logger: createLogger('silent'),
      clock,
      passwordCost: LOW_COST,
    });
    const app = await startApp(secureAuth, secureConfig.auth);
    try {
      const answer = await send('POST', '/api/auth/login', {
        at: app.url,
        body: { login: loginOf('advisor'), password: PASSWORD },
      });
      expect(answer.status).toBe(200);
      const cookie = answer.headers.getSetCookie()[0]!.toLowerCase();
      expect(cookie.split(';').map((a) => a.trim())).toContain('secure');
    } finally {
      app.server.closeAllConnections();
      await new Promise((resolve) => app.server.close(resolve));
      secureAuth.close();
    }
  });

  it('refuses a wrong password, an unknown login and an inactive account alike', async () => {
    const attempts = [
      { login: loginOf('advisor'), password: 'not the password' },
      { login: 'nobody.here', password: PASSWORD },
      { login: loginOf('inactive'), password: PASSWORD },
    ];
    const answers = [];
    for (const body of attempts) answers.push(await send('POST', '/api/auth/login', { body }));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers.getSetCookie()).toEqual([]);
    }
    const errors = answers.map(errorOf);
    expect(new Set(errors.map((e) => JSON.stringify(e))).size).toBe(1);
    expect(errors[0]!.code).toBe('UNAUTHORIZED');
  });

  it('records failed logins in the audit log without the login typed', async () => {
    await send('POST', '/api/auth/login', {
      body: { login: 'someone.unknown', password: 'x' },
    });
    await send('POST', '/api/auth/login', {
      body: { login: loginOf('technician'), password: 'typo' },
    });
    const failures = (await auditRows()).filter((r) => r.action === 'auth.login_failed');
    expect(failures.map((r) => JSON.parse(r.details!).reason)).toEqual(
      expect.arrayContaining(['unknown_login', 'bad_password']),
    );
    expect(failures.some((r) => r.target_id === staff.technician)).toBe(true);
    const everything = JSON.stringify(await auditRows());
    expect(everything).not.toContain('someone.unknown');
    expect(everything).not.toContain('typo');
    expect(everything).not.toContain(PASSWORD);
  });

  it('locks a login out of one network after 5 failures, for 15 minutes', async () => {
    const client = newClient();
    const attempt = (password: string, from = client) =>
      send('POST', '/api/auth/login', {
        client: from,
        body: { login: loginOf('scheduler'), password },
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong')).status).toBe(401);
    const locked = await attempt(PASSWORD); // even the right password now waits
    expect(locked.status).toBe(429);
    expect(errorOf(locked)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 900 });
    expect(locked.headers.get('retry-after')).toBe('900');
    expect((await attempt(PASSWORD, newClient())).status).toBe(200); // another network is not held
    now += 15 * MINUTE;
    expect((await attempt(PASSWORD)).status).toBe(200);
  });

  it('locks a network out after 20 failures across logins', async () => {
    const client = newClient();
    for (let i = 0; i < 20; i++) {
      const answer = await send('POST', '/api/auth/login', {
        client,
        body: { login: `guess${i}`, password: 'x' },
      });
      expect(answer.status).toBe(401);
    }
    const locked = await send('POST', '/api/auth/login', {
      client,
      body: { login: loginOf('advisor'), password: PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(errorOf(locked).code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('upgrades a password hash made with an older cost at the next login', async () => {
    const older = await new PasswordHasher({ N: 2 ** 9, r: 8, p: 1 }).hash(PASSWORD);
    await store.db
      .updateTable('staff')
      .set({ password_hash: older })
      .where('id', '=', staff.scheduler)
      .execute();
    await signIn('scheduler');
    const row = await store.db
      .selectFrom('staff')
      .select('password_hash')
      .where('id', '=', staff.scheduler)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    await signIn('scheduler'); // and the new hash works
  });

  it('closes the session the browser held before when it signs in again', async () => {
    const first = await signIn('advisor');
    const answer = await send('POST', '/api/auth/login', {
      cookie: first,
      body: { login: loginOf('advisor'), password: PASSWORD },
    });
    expect(answer.status).toBe(200);
    expect((await send('GET', '/api/auth/me', { cookie: first })).status).toBe(401);
    expect((await send('GET', '/api/auth/me', { cookie: sessionCookieOf(answer) })).status).toBe(
      200,
    );
  });
});

describe('sessions', () => {
  it('answers who is signed in, and 401 without a valid session', async () => {
    const cookie = await signIn('technician');
    const me = await send('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(SessionResponseSchema.parse(me.body).principal).toMatchObject({
      staffId: staff.technician,
      roles: ['technician'],
    });
    for (const bad of [
      undefined,
      `${SESSION_COOKIE}=`,
      `${SESSION_COOKIE}=not-a-token`,
      `${SESSION_COOKIE}=${'A'.repeat(43)}`,
      `other=${cookie.split('=')[1]}`,
    ]) {
      const answer = await send('GET', '/api/auth/me', bad === undefined ? {} : { cookie: bad });
      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe('UNAUTHORIZED');
    }
  });

  it('logs out: clears the cookie, deletes the session, and the token stops working', async () => {
    const cookie = await signIn('advisor');
    const ended: string[] = [];
    auth.sessions.once('sessionEnded', (e) => ended.push(e.staffId));
    const answer = await send('POST', '/api/auth/logout', { cookie });
    expect(answer.status).toBe(204);
    const cleared = answer.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await send('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect(ended).toEqual([staff.advisor]);
    const hash = createHash('sha256').update(cookie.split('=')[1]!).digest('hex');
    const row = await store.db
      .selectFrom('staff_sessions')
      .select('id')
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    expect((await auditRows()).some((r) => r.action === 'auth.logout')).toBe(true);
    // Logging out again, or without any session, is harmless.
    expect((await send('POST', '/api/auth/logout', { cookie })).status).toBe(204);
    expect((await send('POST', '/api/auth/logout')).status).toBe(204);
  });

  it('expires sessions after the configured time, and purges them', async () => {
    const cookie = await signIn('advisor');
    now += config.auth.sessionTtlMs - 1000;
    expect((await send('GET', '/api/auth/me', { cookie })).status).toBe(200);
    now += 1000;
    expect((await send('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect(await auth.sessions.purgeExpired()).toBeGreaterThanOrEqual(1);
    const left = await store.db
      .selectFrom('staff_sessions')
      .select('expires_at')
      .where('expires_at', '<=', new Date(now).toISOString())
      .execute();
    expect(left).toEqual([]);
  });

  it('stops resolving the sessions of a member who is deactivated', async () => {
    const account = await auth.accounts.create({
      name: 'Leaving',
      login: 'leaving.soon',
      password: PASSWORD,
      roles: ['advisor'],
    });
    const answer = await send('POST', '/api/auth/login', {
      body: { login: 'leaving.soon', password: PASSWORD },
    });
    const cookie = sessionCookieOf(answer);
    expect((await send('GET', '/api/auth/me', { cookie })).status).toBe(200);
    await auth.accounts.setActive(account.staffId, false);
    expect((await send('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect(await auth.directory.authenticateStaff(cookie.split('=')[1]!)).toBeUndefined();
  });

  it('gives the socket layer the same principal through the directory', async () => {
    const cookie = await signIn('advisor');
    expect(await auth.directory.authenticateStaff(cookie.split('=')[1]!)).toEqual({
      kind: 'staff',
      staffId: staff.advisor,
      name: 'Test advisor',
      roles: ['advisor'],
    });
  });
});

describe('roles and input on every route', () => {
  const kioskId = randomUUID();
  const routes: { method: string; url: string; body?: unknown; allowed: StaffRole[] }[] = [
    {
      method: 'GET',
      url: '/api/auth/me',
      allowed: ['admin', 'technician', 'scheduler', 'advisor'],
    },
    { method: 'GET', url: '/api/kiosks', allowed: ['admin', 'technician', 'scheduler', 'advisor'] },
    { method: 'POST', url: '/api/kiosks', allowed: ['admin', 'technician'] },
    {
      method: 'POST',
      url: `/api/kiosks/${kioskId}/enrolment-code`,
      allowed: ['admin', 'technician'],
    },
    { method: 'POST', url: `/api/kiosks/${kioskId}/revoke`, allowed: ['admin', 'technician'] },
    {
      method: 'POST',
      url: `/api/kiosks/${kioskId}/out-of-service`,
      allowed: ['admin', 'technician'],
    },
  ];
  const cookies = {} as Record<StaffRole, string>;
  beforeAll(async () => {
    for (const role of ['admin', 'technician', 'scheduler', 'advisor'] as const)
      cookies[role] = await signIn(role);
  });

  it.each(routes)('$method $url: 401 without a session', async ({ method, url }) => {
    const answer = await send(method, url, { body: {} });
    expect(answer.status).toBe(401);
    expect(errorOf(answer).code).toBe('UNAUTHORIZED');
  });

  it.each(routes)('$method $url: 403 for other roles, through for its own', async (route) => {
    for (const role of ['admin', 'technician', 'scheduler', 'advisor'] as const) {
      const answer = await send(route.method, route.url, { cookie: cookies[role], body: {} });
      if (route.allowed.includes(role)) {
        expect([401, 403]).not.toContain(answer.status);
      } else {
        expect(answer.status).toBe(403);
        expect(errorOf(answer).code).toBe('FORBIDDEN');
      }
    }
  });

  const malformed: [string, string, unknown, string?][] = [
    ['login without a password', '/api/auth/login', { login: 'a' }],
    ['login with a number as login', '/api/auth/login', { login: 1, password: 'x' }],
    ['login with an empty login', '/api/auth/login', { login: '   ', password: 'x' }],
    [
      'login with an oversized password',
      '/api/auth/login',
      { login: 'a', password: 'x'.repeat(257) },
    ],
    ['login with an extra field', '/api/auth/login', { login: 'a', password: 'x', admin: true }],
    ['login as an array', '/api/auth/login', [1, 2]],
    ['login as plain text', '/api/auth/login', undefined, 'login=a&password=b'],
    ['kiosk without a site', '/api/kiosks', { name: 'K' }],
    ['kiosk with a blank name', '/api/kiosks', { name: ' ', siteId: randomUUID() }],
    ['kiosk with a site that is not an id', '/api/kiosks', { name: 'K', siteId: '1' }],
    ['kiosk with a long name', '/api/kiosks', { name: 'K'.repeat(101), siteId: randomUUID() }],
    ['code for a kiosk id that is not an id', '/api/kiosks/abc/enrolment-code', {}],
    ['revoke a kiosk id that is not an id', '/api/kiosks/1/revoke', {}],
    [
      'out of service as a string',
      `/api/kiosks/${kioskId}/out-of-service`,
      { outOfService: 'yes' },
    ],
    ['enrol without a code', '/api/kiosk/enrol', {}],
    ['enrol with a number', '/api/kiosk/enrol', { code: 12345678 }],
    ['enrol with an oversized code', '/api/kiosk/enrol', { code: 'A'.repeat(33) }],
  ];
  it.each(malformed)('400 INVALID_INPUT: %s', async (_case, url, body, raw) => {
    const answer = await send('POST', url, {
      cookie: cookies.admin,
      ...(raw === undefined ? { body } : { raw }),
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer).code).toBe('INVALID_INPUT');
  });

  it.each([
    ['a kiosk at an unknown site', '/api/kiosks', { name: 'K', siteId: randomUUID() }],
    ['a code for an unknown kiosk', `/api/kiosks/${randomUUID()}/enrolment-code`, {}],
    ['revoking an unknown kiosk', `/api/kiosks/${randomUUID()}/revoke`, {}],
    [
      'an unknown kiosk out of service',
      `/api/kiosks/${randomUUID()}/out-of-service`,
      { outOfService: true },
    ],
  ])('404 NOT_FOUND: %s', async (_case, url, body) => {
    const answer = await send('POST', url, { cookie: cookies.technician, body });
    expect(answer.status).toBe(404);
    expect(errorOf(answer).code).toBe('NOT_FOUND');
  });
});

describe('kiosk enrolment', () => {
  it('creates a kiosk with a one-time code, enrols it once, and lists it without secrets', async () => {
    const tech = await signIn('technician');
    const created = await createKiosk(tech, 'Salle du conseil');
    expect(created.kiosk).toMatchObject({
      name: 'Salle du conseil',
      siteId,
      siteName: 'Mairie de Saint-Flour',
      enrolmentState: 'pending',
      outOfService: false,
    });
    const { enrolmentCode } = created;
    expect(enrolmentCode).toMatch(new RegExp(`^[${ENROLMENT_CODE_ALPHABET}]{8}$`));
    expect(enrolmentCode).not.toMatch(/[01OI]/);
    expect(created.enrolmentPath).toBe(`/kiosk/?enrol=${enrolmentCode}`);
    expect(Date.parse(created.expiresAt) - now).toBe(7 * 24 * 60 * MINUTE);

    const row = await store.db
      .selectFrom('kiosks')
      .selectAll()
      .where('id', '=', created.kiosk.kioskId)
      .executeTakeFirstOrThrow();
    expect(row.enrolment_code_hash).not.toBeNull();
    expect(row.enrolment_code_hash).not.toContain(enrolmentCode);

    // Typed by hand at the kiosk: lower case, with a dash.
    const typed = `${enrolmentCode.slice(0, 4)}-${enrolmentCode.slice(4)}`.toLowerCase();
    const enrolled = await enrol(typed);
    expect(enrolled.status).toBe(200);
    expect(enrolled.headers.get('cache-control')).toBe('no-store');
    const { deviceToken, kioskId, name } = EnrolResponseSchema.parse(enrolled.body);
    expect({ kioskId, name }).toEqual({ kioskId: created.kiosk.kioskId, name: 'Salle du conseil' });
    expect(await auth.directory.authenticateKiosk(deviceToken)).toEqual({
      kind: 'kiosk',
      kioskId,
      name,
    });

    // Single use: the same code now answers like any wrong code.
    const again = await enrol(enrolmentCode);
    const wrong = await enrol('ZZZZ2222');
    expect(again.status).toBe(404);
    expect(errorOf(again)).toEqual(errorOf(wrong));
    expect(errorOf(again).code).toBe('NOT_FOUND');

    const stored = await store.db
      .selectFrom('kiosks')
      .selectAll()
      .where('id', '=', kioskId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      enrolment_state: 'enrolled',
      enrolment_code_hash: null,
      device_token_hash: createHash('sha256').update(deviceToken).digest('hex'),
    });

    const list = await send('GET', '/api/kiosks', { cookie: await signIn('advisor') });
    expect(list.status).toBe(200);
    const listed = KioskListResponseSchema.parse(list.body).kiosks.find(
      (k) => k.kioskId === kioskId,
    );
    expect(listed).toMatchObject({ enrolmentState: 'enrolled', enrolmentCodeExpiresAt: null });
    const listText = JSON.stringify(list.body);
    expect(listText).not.toMatch(/hash/i);
    expect(listText).not.toContain(deviceToken);

    const audit = await auditRows();
    const actions = audit.filter((r) => r.target_id === kioskId).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['kiosk.create', 'kiosk.enrol']));
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(enrolmentCode);
    expect(auditText).not.toContain(deviceToken);
  });

  it('refuses kiosk names with NUL, other controls, lone surrogates or markup, and keeps them normalised', async () => {
    const tech = await signIn('technician');
    for (const name of [
      'Kiosk\u0000',
      'Kiosk\u0007 bell',
      'Mairie \ud800',
      '\udc00',
      '<img src=x onerror=alert(1)>',
      'Kiosk\u202e reversed',
      ' \t ',
      'K'.repeat(101),
    ]) {
      const answer = await send('POST', '/api/kiosks', { cookie: tech, body: { name, siteId } });
      expect(answer.status, JSON.stringify(name)).toBe(400);
      expect(errorOf(answer).code).toBe('INVALID_INPUT');
    }
    // NFC, trimmed, one space between words; quotes and ampersands are names' business.
    const created = await createKiosk(tech, '  Mairie   d\u2019Aurillac & Caf\u0065\u0301 ');
    expect(created.kiosk.name).toBe('Mairie d\u2019Aurillac & Caf\u00e9');
  });

  it('revokes a kiosk: its token stops working at once, and it can be enrolled again', async () => {
    const admin = await signIn('admin');
    const created = await createKiosk(admin, 'Kiosk to revoke');
    const { kioskId } = created.kiosk;
    const first = EnrolResponseSchema.parse((await enrol(created.enrolmentCode)).body);
    const invalidated: unknown[] = [];
    auth.enrolment.on('deviceTokenInvalidated', (e) => invalidated.push(e));

    const revoked = await send('POST', `/api/kiosks/${kioskId}/revoke`, { cookie: admin });
    expect(revoked.status).toBe(204);
    expect(await auth.directory.authenticateKiosk(first.deviceToken)).toBeUndefined();
    expect(await auth.directory.getKiosk(kioskId)).toBeUndefined();
    expect((await auth.directory.listKiosks()).map((k) => k.kioskId)).not.toContain(kioskId);
    expect((await auth.directory.kioskSummary(kioskId))?.enrolmentState).toBe('revoked');
    expect(invalidated).toEqual([{ kioskId, reason: 'revoked' }]);
    // Again: nothing changes, nothing is announced twice.
    expect((await send('POST', `/api/kiosks/${kioskId}/revoke`, { cookie: admin })).status).toBe(
      204,
    );
    expect(invalidated).toHaveLength(1);

    const reissued = await send('POST', `/api/kiosks/${kioskId}/enrolment-code`, { cookie: admin });
    expect(reissued.status).toBe(200);
    const { enrolmentCode, kiosk } = EnrolmentCodeResponseSchema.parse(reissued.body);
    expect(kiosk.enrolmentState).toBe('pending');
    const second = EnrolResponseSchema.parse((await enrol(enrolmentCode)).body);
    expect(await auth.directory.authenticateKiosk(second.deviceToken)).toMatchObject({ kioskId });
    expect(await auth.directory.authenticateKiosk(first.deviceToken)).toBeUndefined();
    auth.enrolment.removeAllListeners('deviceTokenInvalidated');
    const actions = (await auditRows()).filter((r) => r.target_id === kioskId).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['kiosk.revoke', 'kiosk.enrolment_code', 'kiosk.enrol']),
    );
    expect(actions.filter((a) => a === 'kiosk.revoke')).toHaveLength(1);
  });

  it('re-enrols: the old token works until a device uses the new code, then only the new one', async () => {
    const tech = await signIn('technician');
    const created = await createKiosk(tech, 'Kiosk moving to a new PC');
    const { kioskId } = created.kiosk;
    const oldDevice = EnrolResponseSchema.parse((await enrol(created.enrolmentCode)).body);
    const invalidated: unknown[] = [];
    auth.enrolment.on('deviceTokenInvalidated', (e) => invalidated.push(e));

    const reissued = EnrolmentCodeResponseSchema.parse(
      (await send('POST', `/api/kiosks/${kioskId}/enrolment-code`, { cookie: tech })).body,
    );
    expect(reissued.kiosk.enrolmentState).toBe('enrolled');
    expect(reissued.kiosk.enrolmentCodeExpiresAt).toBe(reissued.expiresAt);
    expect(await auth.directory.authenticateKiosk(oldDevice.deviceToken)).toMatchObject({
      kioskId,
    });

    const newDevice = EnrolResponseSchema.parse((await enrol(reissued.enrolmentCode)).body);
    expect(await auth.directory.authenticateKiosk(oldDevice.deviceToken)).toBeUndefined();
    expect(await auth.directory.authenticateKiosk(newDevice.deviceToken)).toMatchObject({
      kioskId,
    });
    expect(invalidated).toEqual([{ kioskId, reason: 're_enrolled' }]);
    auth.enrolment.removeAllListeners('deviceTokenInvalidated');
  });

  it('replaces an outstanding code: only the latest one enrols', async () => {
    const tech = await signIn('technician');
    const created = await createKiosk(tech);
    const reissued = EnrolmentCodeResponseSchema.parse(
      (await send('POST', `/api/kiosks/${created.kiosk.kioskId}/enrolment-code`, { cookie: tech }))
        .body,
    );
    expect((await enrol(created.enrolmentCode)).status).toBe(404);
    expect((await enrol(reissued.enrolmentCode)).status).toBe(200);
  });

  it('refuses a code after its 7 days', async () => {
    const created = await createKiosk(await signIn('technician'));
    now += 7 * 24 * 60 * MINUTE;
    const answer = await enrol(created.enrolmentCode);
    expect(answer.status).toBe(404);
    expect(errorOf(answer).code).toBe('NOT_FOUND');
    const listed = await auth.directory.kioskSummary(created.kiosk.kioskId);
    expect(listed).toMatchObject({ enrolmentState: 'pending', enrolmentCodeExpiresAt: null });
  });

  it('limits wrong codes to 10 per 15 minutes per network', async () => {
    const created = await createKiosk(await signIn('technician'));
    const client = newClient();
    for (let i = 0; i < 10; i++) {
      const answer = await enrol(i % 2 ? 'WRONG222' : 'not a code at all', client);
      expect(answer.status).toBe(404);
    }
    const locked = await enrol(created.enrolmentCode, client); // even the right code waits
    expect(locked.status).toBe(429);
    expect(errorOf(locked)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 900 });
    expect(locked.headers.get('retry-after')).toBe('900');
    now += 15 * MINUTE;
    expect((await enrol(created.enrolmentCode, client)).status).toBe(200);
  });

  it('sets a kiosk out of service and back', async () => {
    const tech = await signIn('technician');
    const { kiosk } = await createKiosk(tech);
    const url = `/api/kiosks/${kiosk.kioskId}/out-of-service`;
    const off = await send('POST', url, { cookie: tech, body: { outOfService: true } });
    expect(off.status).toBe(200);
    expect((await auth.directory.kioskSummary(kiosk.kioskId))?.outOfService).toBe(true);
    await send('POST', url, { cookie: tech, body: { outOfService: false } });
    expect((await auth.directory.kioskSummary(kiosk.kioskId))?.outOfService).toBe(false);
    const actions = (await auditRows()).filter((r) => r.target_id === kiosk.kioskId);
    expect(actions.filter((r) => r.action === 'kiosk.out_of_service')).toHaveLength(2);
  });
});

describe('server secret', () => {
  it('is created once with mode 0600 and read back the same', async () => {
    const file = path.join(tmp, 'server-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = await ServerSecret.loadOrCreate(tmp);
    expect(again.hmac('test', 'value')).toBe(auth.secret.hmac('test', 'value'));
    expect(again.hmac('other', 'value')).not.toBe(auth.secret.hmac('test', 'value'));
    expect(again.keyFor('check-in-codes')).toHaveLength(32);
    expect(again.keyFor('check-in-codes').equals(again.keyFor('other'))).toBe(false);
  });

  it('tightens loose permissions and refuses a file that is not a secret', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-secret-'));
    try {
      const first = await ServerSecret.loadOrCreate(dir);
      const file = path.join(dir, 'server-secret');
      fs.chmodSync(file, 0o644);
      const second = await ServerSecret.loadOrCreate(dir);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(second.hmac('p', 'v')).toBe(first.hmac('p', 'v'));
      fs.writeFileSync(file, 'not hex');
      await expect(ServerSecret.loadOrCreate(dir)).rejects.toThrow(/is not a server secret/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes SERVER_SECRET when configured, writes nothing, and refuses one that differs from the kept file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-secret-'));
    try {
      const hex = 'c3f1a0b29d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f21';
      const configured = await ServerSecret.loadOrCreate(dir, hex);
      expect(fs.existsSync(path.join(dir, 'server-secret'))).toBe(false);
      const kept = await ServerSecret.loadOrCreate(dir);
      expect(kept.hmac('p', 'v')).not.toBe(configured.hmac('p', 'v'));
      // The file's codes would all be void: say so instead of rotating silently.
      await expect(ServerSecret.loadOrCreate(dir, hex)).rejects.toThrow(/differs/);
      const fileHex = fs.readFileSync(path.join(dir, 'server-secret'), 'utf8').trim();
      const same = await ServerSecret.loadOrCreate(dir, fileHex);
      expect(same.hmac('p', 'v')).toBe(kept.hmac('p', 'v'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives concurrent first starts one and the same secret', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-secret-'));
    try {
      const secrets = await Promise.all(
        Array.from({ length: 5 }, () => ServerSecret.loadOrCreate(dir)),
      );
      expect(new Set(secrets.map((s) => s.hmac('p', 'v'))).size).toBe(1);
      expect(fs.readdirSync(dir)).toEqual(['server-secret']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
