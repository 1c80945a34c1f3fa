import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AppointmentRepository,
  type AppointmentWithNames,
} from '../../../server/src/scheduling/AppointmentRepository';
import { ReferenceRepository } from '../../../server/src/scheduling/ReferenceRepository';
import { SchedulingEvents } from '../../../server/src/scheduling/SchedulingEvents';
import { WaitingRoom } from '../../../server/src/scheduling/WaitingRoom';
import { AuditLog, Store } from '../../../server/src/store';

// Who may take a waiting citizen, and when: the takeover rules, with a clock the test moves, over
// a real SQLite store in a temporary directory (the presence updates read the advisors' services
// and waiting citizens from it; availability changes are audited in it).

const GRACE = 5 * 60_000;
const A = 'service-a';
const B = 'service-b';
const CHECKED_IN_AT = Date.parse('2026-03-09T09:00:00.000Z');

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-waiting-room-'));
  store = await Store.open({ sqliteFile: path.join(dir, 'visio.sqlite') });
  const created_at = new Date(CHECKED_IN_AT - 86_400_000).toISOString();
  for (const id of [A, B])
    await store.db
      .insertInto('services')
      .values({ id, name: id, colour: '#000', walk_in_hours: '{}', created_at })
      .execute();
  for (const [id, service_id] of [
    ['scheduled', A],
    ['colleague', A],
    ['other', B],
  ] as const) {
    await store.db
      .insertInto('staff')
      .values({ id, name: id, login: id, password_hash: 'x', roles: '["advisor"]', created_at })
      .execute();
    await store.db.insertInto('staff_services').values({ staff_id: id, service_id }).execute();
  }
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rooms: WaitingRoom[] = [];
afterEach(() => {
  for (const room of rooms.splice(0)) room.stop();
});

function setUp(inCall: string[] = []) {
  let now = CHECKED_IN_AT;
  const room = new WaitingRoom(
    new AppointmentRepository(store.db),
    new ReferenceRepository(store.db),
    new AuditLog(store.db),
    new SchedulingEvents(),
    { now: () => new Date(now) },
    {
      takeoverGraceMs: GRACE,
      checkInAfterMin: 30,
      kioskReconnectGraceMs: 60_000,
      sweepIntervalMs: 60_000,
      isInCall: (id) => inCall.includes(id),
    },
    pino({ level: 'silent' }),
  );
  rooms.push(room);
  return { room, advance: (ms: number) => (now += ms) };
}

function waiting(overrides: Partial<AppointmentWithNames> = {}): AppointmentWithNames {
  return {
    id: 'appt',
    kind: 'appointment',
    service_id: A,
    advisor_id: 'scheduled',
    kiosk_id: 'kiosk',
    starts_at: new Date(CHECKED_IN_AT + 5 * 60_000).toISOString(),
    duration_min: 30,
    check_in_code_hash: 'x',
    citizen_ref: 'ref',
    sign_or_lip_reading: 0,
    status: 'checked_in',
    checked_in_at: new Date(CHECKED_IN_AT).toISOString(),
    call_started_at: null,
    ended_at: null,
    handed_back_at: null,
    transferred_from: null,
    link_grade: null,
    outcome: null,
    created_by: null,
    created_at: new Date(CHECKED_IN_AT).toISOString(),
    updated_at: new Date(CHECKED_IN_AT).toISOString(),
    service_name: 'A',
    service_colour: '#000',
    kiosk_name: 'Kiosk',
    site_name: 'Site',
    site_timezone: 'Europe/Paris',
    advisor_name: 'Advisor One',
    ...overrides,
  };
}

describe('WaitingRoom takeover rules', () => {
  it('reserves a citizen for the scheduled advisor until the grace elapses, to the millisecond', () => {
    const { room, advance } = setUp();
    room.advisorConnected('scheduled');
    const row = waiting();
    expect(room.mayTake('scheduled', [A], row)).toBe(true);
    expect(room.mayTake('colleague', [A], row)).toBe(false);
    expect(room.openToService(row)).toBe(false);
    advance(GRACE - 1);
    expect(room.mayTake('colleague', [A], row)).toBe(false);
    advance(1);
    expect(room.openToService(row)).toBe(true);
    expect(room.mayTake('colleague', [A], row)).toBe(true);
    expect(room.view(row).openToService).toBe(true);
  });

  it('never lets an advisor of another service take the citizen', () => {
    const { room, advance } = setUp();
    const row = waiting();
    advance(GRACE * 10);
    expect(room.mayTake('other', [B], row)).toBe(false);
  });

  it('opens the citizen to colleagues at once when the scheduled advisor is away or offline', async () => {
    const { room } = setUp();
    const row = waiting();
    // Never connected: offline.
    expect(room.advisorStatus('scheduled')).toBe('offline');
    expect(room.mayTake('colleague', [A], row)).toBe(true);
    room.advisorConnected('scheduled');
    expect(room.advisorStatus('scheduled')).toBe('available');
    expect(room.mayTake('colleague', [A], row)).toBe(false);
    await room.setAvailability('scheduled', 'away');
    expect(room.advisorStatus('scheduled')).toBe('away');
    expect(room.mayTake('colleague', [A], row)).toBe(true);
    await room.setAvailability('scheduled', 'available');
    expect(room.mayTake('colleague', [A], row)).toBe(false);
    const audited = await store.db
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'advisor.availability')
      .orderBy('at')
      .execute();
    expect(audited.slice(-2)).toEqual([
      { actor_id: 'scheduled', details: JSON.stringify({ availability: 'away' }) },
      { actor_id: 'scheduled', details: JSON.stringify({ availability: 'available' }) },
    ]);
  });

  it('keeps the advisor online while any of their sockets is', () => {
    const { room } = setUp();
    room.advisorConnected('scheduled');
    room.advisorConnected('scheduled');
    room.advisorDisconnected('scheduled');
    expect(room.advisorStatus('scheduled')).toBe('available');
    room.advisorDisconnected('scheduled');
    expect(room.advisorStatus('scheduled')).toBe('offline');
    // A stray extra disconnect does not make a later connection count as zero.
    room.advisorDisconnected('scheduled');
    room.advisorConnected('scheduled');
    expect(room.advisorStatus('scheduled')).toBe('available');
  });

  it('reports an advisor in a call as in_call, and the citizen stays reserved for them', () => {
    const { room } = setUp(['scheduled']);
    room.advisorConnected('scheduled');
    expect(room.advisorStatus('scheduled')).toBe('in_call');
    expect(room.mayTake('colleague', [A], waiting())).toBe(false);
  });

  it('opens walk-ins to every advisor of the service at once, and to no one else', () => {
    const { room } = setUp();
    const row = waiting({ kind: 'walk_in', advisor_id: null, check_in_code_hash: null });
    expect(room.openToService(row)).toBe(true);
    expect(room.mayTake('anyone-of-a', [A], row)).toBe(true);
    expect(room.mayTake('advisor-of-b', [B], row)).toBe(false);
  });

  it.each(['scheduled', 'in_call', 'completed', 'cancelled', 'no_show', 'failed'] as const)(
    'lets no one take a citizen whose appointment is %s',
    (status) => {
      const { room, advance } = setUp();
      advance(GRACE);
      const row = waiting({ status });
      expect(room.mayTake('scheduled', [A], row)).toBe(false);
      expect(room.mayTake('colleague', [A], row)).toBe(false);
    },
  );
});
