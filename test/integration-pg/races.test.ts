import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '@visio/shared/protocol';
import { PasswordHasher } from '../../server/src/auth/PasswordHasher';
import { StaffAccounts } from '../../server/src/auth/StaffAccounts';
import { AppointmentRepository } from '../../server/src/scheduling/AppointmentRepository';
import { BookingService } from '../../server/src/scheduling/BookingService';
import { CheckInCodes } from '../../server/src/scheduling/CheckInCodes';
import { CheckInService } from '../../server/src/scheduling/CheckInService';
import { ReferenceRepository } from '../../server/src/scheduling/ReferenceRepository';
import { SchedulingEvents } from '../../server/src/scheduling/SchedulingEvents';
import { WaitingRoom } from '../../server/src/scheduling/WaitingRoom';
import { AuditLog, Store } from '../../server/src/store';
import { createTestDatabase, dropTestDatabase } from '../support/PostgresCluster';

// Two server nodes on one PostgreSQL database: two Stores, two pools, the real BookingService and
// WaitingRoom on each. What one process on SQLite got from its single writer must hold across
// nodes: the database, not the process, decides every race (docs/database.md).

const ALL_DAY = JSON.stringify(
  Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]])),
);
const SERVICE = 'service-a';
const SITE = 'site-1';
const ADVISORS = Array.from({ length: 20 }, (_, i) => `advisor-${String(i).padStart(2, '0')}`);
const KIOSKS = Array.from({ length: 100 }, (_, i) => `kiosk-${String(i).padStart(3, '0')}`);

let url: string;
let nodes: Store[];

beforeAll(async () => {
  const admin = inject('postgresAdminUrl');
  if (!admin) throw new Error('the integration-pg globalSetup provides the cluster');
  url = await createTestDatabase(admin);
  nodes = await Promise.all([
    Store.open({ sqliteFile: '', databaseUrl: url }),
    Store.open({ sqliteFile: '', databaseUrl: url }),
  ]);
  const db = nodes[0]!.db;
  const created_at = new Date().toISOString();
  await db
    .insertInto('services')
    .values({ id: SERVICE, name: 'A', colour: '#000', walk_in_hours: ALL_DAY, created_at })
    .execute();
  await db
    .insertInto('sites')
    .values({
      id: SITE,
      name: 'Site',
      timezone: 'Europe/Paris',
      opening_hours: ALL_DAY,
      created_at,
    })
    .execute();
  await db.insertInto('site_services').values({ site_id: SITE, service_id: SERVICE }).execute();
  await db
    .insertInto('kiosks')
    .values(
      KIOSKS.map((id) => ({
        id,
        site_id: SITE,
        name: id,
        enrolment_state: 'enrolled' as const,
        created_at,
      })),
    )
    .execute();
  await db
    .insertInto('staff')
    .values(
      ADVISORS.map((id) => ({
        id,
        name: id,
        login: id,
        password_hash: 'x',
        roles: '["advisor","scheduler"]',
        created_at,
      })),
    )
    .execute();
  await db
    .insertInto('staff_services')
    .values(ADVISORS.map((staff_id) => ({ staff_id, service_id: SERVICE })))
    .execute();
}, 60_000);

afterAll(async () => {
  for (const room of rooms) room.stop();
  await Promise.all((nodes ?? []).map((store) => store.close()));
  if (url) await dropTestDatabase(url);
});

const clock = { now: () => new Date() };
const silent = pino({ level: 'silent' });
/** Every waiting room made, stopped at the end (their takeover timers). */
const rooms: WaitingRoom[] = [];

/** What one node runs: its own repositories over its own pool. */
function node(store: Store) {
  const refs = new ReferenceRepository(store.db);
  const audit = new AuditLog(store.db);
  const events = new SchedulingEvents();
  const appointments = new AppointmentRepository(store.db);
  const codes = new CheckInCodes(randomBytes(32));
  const waitingRoom = new WaitingRoom(
    appointments,
    refs,
    audit,
    events,
    clock,
    {
      takeoverGraceMs: 60_000,
      checkInAfterMin: 30,
      kioskReconnectGraceMs: 60_000,
      sweepIntervalMs: 60_000,
      isInCall: () => false,
    },
    silent,
  );
  rooms.push(waitingRoom);
  return {
    waitingRoom,
    checkIn: new CheckInService(appointments, refs, codes, waitingRoom, audit, clock, {
      beforeMin: 15,
      afterMin: 30,
      maxWrongCodes: 5,
      lockMs: 60_000,
    }),
    booking: new BookingService(store.db, refs, codes, audit, events, clock),
  };
}

/** The outcome of each promise: 'ok', or the AppError's code and reason. */
async function outcomes(work: Promise<unknown>[]): Promise<string[]> {
  return (await Promise.allSettled(work)).map((r) => {
    if (r.status === 'fulfilled') return 'ok';
    if (r.reason instanceof AppError) return `${r.reason.code}:${r.reason.reason ?? ''}`;
    throw r.reason;
  });
}

function count(list: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of list) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

describe('two nodes on one PostgreSQL database', () => {
  it('1,000 concurrent claims of 100 waiting citizens by 20 advisors: 100 winners, 900 CONFLICT', async () => {
    const [a, b] = nodes.map(node);
    // A walk-in citizen waits at each kiosk, half of them checked in through each node.
    const waiting: string[] = [];
    for (const [i, kiosk] of KIOSKS.entries())
      waiting.push(
        (await (i % 2 === 0 ? a! : b!).checkIn.joinWalkIn(kiosk, SERVICE)).appointmentId,
      );

    // Round k (0-9) of the claims: every citizen j is taken by advisor (j + 7k) mod 20 (ten
    // different advisors per citizen), even rounds on node a, odd ones on node b.
    const claims = Array.from({ length: 1_000 }, (_, i) => {
      const [k, j] = [Math.floor(i / 100), i % 100];
      const room = (k % 2 === 0 ? a! : b!).waitingRoom;
      return room.claim(ADVISORS[(j + 7 * k) % 20]!, waiting[j]!);
    });
    const results = await outcomes(claims);
    expect(count(results)).toEqual({ ok: 100, 'CONFLICT:taken': 900 });

    const rows = await nodes[1]!.db
      .selectFrom('appointments')
      .select(['id', 'status', 'advisor_id'])
      .where('id', 'in', waiting)
      .execute();
    expect(rows.filter((r) => r.status === 'in_call' && r.advisor_id !== null)).toHaveLength(100);
    // Each admission audited once: nobody else believed they had won.
    const admits = await nodes[1]!.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('action', '=', 'appointment.admit')
      .execute();
    expect(admits).toHaveLength(100);
    expect(new Set(admits.map((x) => x.target_id)).size).toBe(100);
  }, 120_000);

  it('50 concurrent bookings of one advisor slot: exactly one succeeds, 49 advisor_busy', async () => {
    const [a, b] = nodes.map(node);
    const advisor = ADVISORS[0]!;
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    startsAt.setUTCHours(10, 0, 0, 0);
    // Each on a kiosk of its own: only the advisor's overlap can refuse them.
    const bookings = Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? a! : b!).booking.create(
        {
          serviceId: SERVICE,
          advisorId: advisor,
          kioskId: KIOSKS[i]!,
          startsAt: startsAt.toISOString(),
          durationMin: 30,
          citizenRef: `REF-${i}`,
          signOrLipReading: false,
        },
        {
          kind: 'staff',
          staffId: ADVISORS[1 + (i % 19)]!,
          name: 'scheduler',
          roles: ['scheduler'],
        },
      ),
    );
    expect(count(await outcomes(bookings))).toEqual({ ok: 1, 'CONFLICT:advisor_busy': 49 });
    const booked = await nodes[0]!.db
      .selectFrom('appointments')
      .select('id')
      .where('advisor_id', '=', advisor)
      .where('starts_at', '=', startsAt.toISOString())
      .execute();
    expect(booked).toHaveLength(1);
  }, 60_000);

  it('10 concurrent creations of one login: one account, 9 CONFLICT', async () => {
    const hasher = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
    const [a, b] = nodes.map(
      (store) => new StaffAccounts(store.db, hasher, new AuditLog(store.db)),
    );
    const creations = Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? a! : b!).create({
        name: `Twin ${i}`,
        login: 'twin',
        password: 'correct horse battery staple',
        roles: ['advisor'],
        serviceIds: [SERVICE],
      }),
    );
    expect(count(await outcomes(creations))).toEqual({ ok: 1, 'CONFLICT:': 9 });
    const twins = await nodes[0]!.db
      .selectFrom('staff')
      .select('id')
      .where('login', '=', 'twin')
      .execute();
    expect(twins).toHaveLength(1);
  });
});
