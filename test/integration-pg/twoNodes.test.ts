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
import { book, eventWhere, inMinutes, inServiceRooms } from '../support/appointments';
import { connectClient } from '../support/socketClient';
import { startTestServer, type TestServer } from '../support/testServer';

// Two server nodes on one PostgreSQL database and one Redis (Debian's redis-server, started for
// the file): a kiosk connected to node A, its advisor to node B. What one node does for a socket
// of the other reaches it through socket.io's Redis streams adapter (docs/cluster.md).

let redis: RedisServer;
let a: TestServer;
let b: TestServer;
let bDir: string;
const clients: SignallingClient[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  // Check-in opens an hour ahead: each test books its own slot of the one advisor.
  const env = {
    REDIS_URL: redis.url,
    CHECKIN_BEFORE_MIN: '60',
    // Shared by the nodes: a code booked on one checks in on the other.
    SERVER_SECRET: randomBytes(32).toString('hex'),
  };
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

  it('still carries node A’s events to node B after a Redis restart', async () => {
    const kiosk = await kioskOnA('kiosk2');
    const advisor = await advisorOnB();
    await redis.restart();
    const arrived = eventWhere(advisor, staffSchedulingEvents.citizenArrived, () => true, 15_000);
    const appointmentId = await checkIn(kiosk, a.kiosk2.id, 20);
    expect(await arrived).toMatchObject({ id: appointmentId });
  }, 30_000);
});
