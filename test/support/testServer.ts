import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StaffRole } from '@visio/shared/protocol';
import { VisioServer, createLogger, loadConfig, type Config } from '@visio/server';
import { createTestDatabase, dropTestDatabase } from './PostgresCluster';
import { TestClock } from './TestClock';

export interface Party {
  id: string;
  token: string;
}

export interface Fixtures {
  /** Service A has walk-in hours all day; service B takes appointments only. */
  serviceA: string;
  serviceB: string;
  site: string;
  kiosk: Party;
  kiosk2: Party;
  /** Advisors one and two serve A; three serves B. */
  advisor: Party;
  advisor2: Party;
  advisor3: Party;
  technician: Party;
  scheduler: Party;
  admin: Party;
  /** Sees the impact report only. */
  coordinator: Party;
  /** Joins calls it is invited to, as their interpreter (issue 14). */
  interpreter: Party;
  /** The server's PostgreSQL database (integration-pg project); undefined on SQLite. */
  databaseUrl?: string | undefined;
}

export interface TestServer extends Fixtures {
  server: VisioServer;
  /** What the server reads as "now"; move it forward to pass a period without waiting. */
  clock: TestClock;
  url: string;
  dataDir: string;
  /**
   * Stops the server; the data directory is removed unless `keepData`. `leaveCallsRunning` stops
   * as a drain that ran out of time does: calls are not ended, the next start restores them.
   */
  stop(options?: { keepData?: boolean; leaveCallsRunning?: boolean }): Promise<void>;
}

const CHEAP_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const ALL_DAY = JSON.stringify(
  Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]])),
);

/**
 * The cluster the `integration-pg` project's globalSetup started (test/support/postgresSetup.ts),
 * if this runs in that project: its servers then run on PostgreSQL, each with a database of its own.
 */
async function postgresAdminUrl(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  return inject('postgresAdminUrl');
}

/**
 * A real server on a free port with one media worker and its own database (SQLite in a temporary
 * directory, or in the integration-pg project a PostgreSQL database of its own), seeded with a site, two services, two enrolled kiosks, three advisors, a technician,
 * a scheduler and an admin (with session tokens). `env` overrides configuration; `reuse` restarts
 * on the data of an earlier server (persistence tests).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  reuse?: { dataDir: string; fixtures: Fixtures },
): Promise<TestServer> {
  const dataDir = reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'visio-test-'));
  const adminUrl = env.DATABASE_URL ? undefined : await postgresAdminUrl();
  const databaseUrl =
    reuse?.fixtures.databaseUrl ?? (adminUrl ? await createTestDatabase(adminUrl) : undefined);
  const config: Config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    MEDIA_WORKERS: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    TIMEZONE: 'Europe/Paris',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const clock = new TestClock();
  const server = await VisioServer.start(config, createLogger(config.logLevel), {
    passwordCost: CHEAP_SCRYPT,
    clock,
  });
  const fixtures = reuse?.fixtures ?? { ...(await seedFixtures(server)), databaseUrl };
  return {
    ...fixtures,
    server,
    clock,
    url: `http://127.0.0.1:${server.port}`,
    dataDir,
    stop: async (options = {}) => {
      await server.stop({ leaveCallsRunning: options.leaveCallsRunning ?? false });
      if (options.keepData) return;
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (fixtures.databaseUrl) await dropTestDatabase(fixtures.databaseUrl);
    },
  };
}

async function seedFixtures(server: VisioServer): Promise<Fixtures> {
  const db = server.store.db;
  const at = new Date().toISOString();
  const serviceA = randomUUID();
  const serviceB = randomUUID();
  const site = randomUUID();
  await db
    .insertInto('services')
    .values([
      {
        id: serviceA,
        name: 'Service A',
        colour: '#0b5cad',
        walk_in_hours: ALL_DAY,
        created_at: at,
      },
      { id: serviceB, name: 'Service B', colour: '#0a6e3f', walk_in_hours: '{}', created_at: at },
    ])
    .execute();
  await db
    .insertInto('sites')
    .values({
      id: site,
      name: 'Test site',
      timezone: 'Europe/Paris',
      opening_hours: ALL_DAY,
      created_at: at,
    })
    .execute();
  await db
    .insertInto('site_services')
    .values([
      { site_id: site, service_id: serviceA },
      { site_id: site, service_id: serviceB },
    ])
    .execute();

  const kiosk = (name: string) => enrolKiosk(server, name, site);
  const staff = async (
    name: string,
    login: string,
    roles: StaffRole[],
    serviceIds: string[] = [],
  ): Promise<Party> => {
    const account = await server.auth.accounts.create({
      name,
      login,
      password: 'test-password',
      roles,
      serviceIds,
    });
    const session = await server.auth.sessions.login({
      login,
      password: 'test-password',
      client: `fixture-${login}`,
    });
    return { id: account.staffId, token: session.token };
  };
  return {
    serviceA,
    serviceB,
    site,
    kiosk: await kiosk('Kiosk A'),
    kiosk2: await kiosk('Kiosk B'),
    advisor: await staff('Advisor One', 'one', ['advisor'], [serviceA]),
    advisor2: await staff('Advisor Two', 'two', ['advisor'], [serviceA]),
    advisor3: await staff('Advisor Three', 'three', ['advisor'], [serviceB]),
    technician: await staff('Tech', 'tech', ['technician']),
    scheduler: await staff('Scheduler', 'sched', ['scheduler']),
    admin: await staff('Admin', 'admin', ['admin']),
    coordinator: await staff('Coordinator', 'coord', ['coordinator']),
    interpreter: await staff('Interpreter', 'interp', ['interpreter']),
  };
}

/** Creates a kiosk at the site and enrols it, as a technician and the kiosk's link would. */
export async function enrolKiosk(
  server: VisioServer,
  name: string,
  siteId: string,
): Promise<Party> {
  const issued = await server.auth.enrolment.createKiosk({ name, siteId }, { kind: 'system' });
  const enrolled = await server.auth.enrolment.enrol(issued.enrolmentCode, `fixture-${name}`);
  return { id: enrolled.kioskId, token: enrolled.deviceToken };
}

/** Routers in every worker (from the workers' own dumps) and media objects of live calls. */
export async function workerObjectCounts(server: VisioServer) {
  let routers = 0;
  let transports = 0;
  let producers = 0;
  let consumers = 0;
  for (const worker of server.pool.liveWorkers) {
    const dump = (await worker.dump()) as { routerIds: string[] };
    routers += dump.routerIds.length;
  }
  for (const call of server.calls.activeCalls) {
    const c = call.room.counts();
    transports += c.transports;
    producers += c.producers;
    consumers += c.consumers;
  }
  return { routers, transports, producers, consumers };
}

/**
 * Starts a call between an advisor and a kiosk directly in the call service, bypassing the
 * waiting room: for tests of media, monitoring and in-call features, where scheduling is beside
 * the point. (No client can do this: calls start only when an advisor admits a waiting citizen.)
 */
export async function startDirectCall(
  t: Pick<TestServer, 'server'>,
  advisorToken: string,
  kioskId: string,
): Promise<{ callId: string }> {
  const principal = await t.server.auth.directory.authenticateStaff(advisorToken);
  if (!principal) throw new Error('unknown advisor token');
  return { callId: (await t.server.calls.startCall(principal, kioskId)).id };
}
