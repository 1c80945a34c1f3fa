import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  kioskSchedulingRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import type { SignallingClient } from '@visio/shared/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../support/RedisServer';
import {
  appointmentRow,
  book,
  eventWhere,
  eventually,
  inMinutes,
  inServiceRooms,
} from '../support/appointments';
import { connectClient } from '../support/socketClient';
import { startTestServer, type TestServer } from '../support/testServer';

// Two server nodes on one PostgreSQL database and one Redis (Debian's redis-server, started for
// the file): a kiosk connected to node A, its advisor to node B. What one node does for a socket
// of the other reaches it through socket.io's Redis streams adapter (docs/cluster.md).

let redis: RedisServer;
let a: TestServer;
let b: TestServer;
let bDir: string;
const env: Record<string, string> = {};
const clients: SignallingClient[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  // Check-in opens an hour ahead: each test books its own slot of the one advisor.
  Object.assign(env, {
    REDIS_URL: redis.url,
    CHECKIN_BEFORE_MIN: '60',
    // Shared by the nodes: a code booked on one checks in on the other.
    SERVER_SECRET: randomBytes(32).toString('hex'),
  });
  a = await startTestServer({ ...env, NODE_ID: 'node-a' });
  bDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-node-b-'));
  // Node B: the same database and fixtures, a data directory of its own.
  b = await startTestServer({ ...env, NODE_ID: 'node-b' }, { dataDir: bDir, fixtures: a });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.socket.close();
  // B first, keeping the database that A drops.
  await b?.stop({ keepData: true });
  fs.rmSync(bDir, { recursive: true, force: true });
  await a?.stop();
  await redis?.stop();
});

async function kioskOnA(which: 'kiosk' | 'kiosk2') {
  const kiosk = await connectClient(a.url, '/kiosk', a[which].token);
  clients.push(kiosk);
  return kiosk;
}

async function advisorOnB() {
  const advisor = await connectClient(b.url, '/staff', a.advisor.token);
  clients.push(advisor);
  await inServiceRooms(b, advisor, [a.serviceA]);
  return advisor;
}

/**
 * Books an appointment of the advisor at the kiosk through node B (the scheduler's) and checks
 * the citizen in at node A: the code node B made is the code node A checks (one SERVER_SECRET).
 */
async function checkIn(kiosk: SignallingClient, kioskId: string, startsInMinutes: number) {
  const { appointment, checkInCode } = await book(b, {
    kioskId,
    startsAt: inMinutes(startsInMinutes),
  });
  await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  return appointment.id;
}

describe('two nodes sharing PostgreSQL and Redis', () => {
  it('announces a citizen who checks in at a kiosk on node A to the advisor on node B, who reads the queue node A wrote', async () => {
    const kiosk = await kioskOnA('kiosk');
    const advisor = await advisorOnB();
    const arrived = eventWhere(advisor, staffSchedulingEvents.citizenArrived, () => true);
    const appointmentId = await checkIn(kiosk, a.kiosk.id, 5);
    expect(await arrived).toMatchObject({ id: appointmentId });
    // The queue node B reads is the one node A wrote (one database).
    const { entries } = await advisor.request(staffSchedulingRequests.queue, {});
    expect(entries.map((e) => e.id)).toContain(appointmentId);
  });

  it('tells a citizen at a kiosk on node A that their advisor on node B is there, and when gone', async () => {
    const advisor = await advisorOnB();
    const kiosk = await kioskOnA('kiosk');
    // The first test's citizen leaves the kiosk.
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {}).catch(() => undefined);
    // Node A hears of the advisor's connection to node B (they share presence through Redis).
    await eventually(
      () => a.server.scheduling.waitingRoom.advisorStatus(a.advisor.id) === 'available',
      'node A to hear the advisor is on node B',
    );
    const { appointment, checkInCode } = await book(b, {
      kioskId: a.kiosk.id,
      startsAt: inMinutes(35),
    });
    const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, {
      code: checkInCode,
    });
    expect(waiting.advisor).toMatchObject({ status: 'available' });
    // Not opened to the advisor's colleagues at once, as it would be for an advisor offline.
    const queue = await a.server.scheduling.waitingRoom.queueFor(a.advisor2.id);
    expect(queue.map((e) => e.id)).not.toContain(appointment.id);
    // The advisor leaves node B (every tab, an earlier test's too): node A takes them for offline.
    for (const c of clients) if (c !== kiosk) c.socket.close();
    expect(advisor.socket.connected).toBe(false);
    await eventually(
      () => a.server.scheduling.waitingRoom.advisorStatus(a.advisor.id) === 'offline',
      'node A to hear the advisor left node B',
    );
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});
  });

  it('keeps a citizen waiting at a kiosk on node A when another node starts (and takes every kiosk for gone until it reconnects)', async () => {
    const kiosk = await kioskOnA('kiosk');
    const appointmentId = await checkIn(kiosk, a.kiosk.id, 50);
    // Node C starts while the citizen waits: it gives the kiosk 300 ms to come back to it.
    const cDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-node-c-'));
    const c = await startTestServer(
      { ...env, NODE_ID: 'node-c', KIOSK_WAITING_GRACE_MS: '300' },
      { dataDir: cDir, fixtures: a },
    );
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await appointmentRow(a, appointmentId))?.status).toBe('checked_in');
    } finally {
      await c.stop({ keepData: true });
      fs.rmSync(cDir, { recursive: true, force: true });
    }
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});
  });

  it('still carries node A’s events to node B after a Redis restart', async () => {
    const kiosk = await kioskOnA('kiosk2');
    const advisor = await advisorOnB();
    await redis.restart();
    const arrived = eventWhere(advisor, staffSchedulingEvents.citizenArrived, () => true, 15_000);
    const appointmentId = await checkIn(kiosk, a.kiosk2.id, 20);
    expect(await arrived).toMatchObject({ id: appointmentId });
  }, 30_000);
});
