import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AppointmentRepository,
  type AppointmentWithNames,
} from '../../../server/src/scheduling/AppointmentRepository';
import { ReferenceRepository } from '../../../server/src/scheduling/ReferenceRepository';
import {
  SchedulingEvents,
  type AppointmentChange,
} from '../../../server/src/scheduling/SchedulingEvents';
import { WaitingRoom } from '../../../server/src/scheduling/WaitingRoom';
import { AuditLog, Store } from '../../../server/src/store';

// Queue places come from a query that leaves out, in SQL, the citizens still reserved for their
// advisor. On an in-memory store, every kind of waiting citizen is set up and the places are
// checked against the rule itself (`openToService`) applied to every waiting row.

const GRACE = 5 * 60_000;
const NOW = Date.parse('2026-03-09T10:00:00.000Z');
const A = 'service-a';
const B = 'service-b';
const at = (msBefore: number) => new Date(NOW - msBefore).toISOString();

let store: Store;
let room: WaitingRoom;
let appointments: AppointmentRepository;
let rowsRead: number[];
let events: SchedulingEvents;

async function seed() {
  const db = store.db;
  const created_at = at(86_400_000);
  await db
    .insertInto('sites')
    .values({ id: 'site', name: 'Site', timezone: 'UTC', opening_hours: '{}', created_at })
    .execute();
  for (const id of [A, B])
    await db
      .insertInto('services')
      .values({ id, name: id, colour: '#000', walk_in_hours: '{}', created_at })
      .execute();
  for (const id of ['held', 'away', 'offline', 'busy'])
    await db
      .insertInto('staff')
      .values({
        id,
        name: `${id} advisor`,
        login: id,
        password_hash: 'x',
        roles: '["advisor"]',
        created_at,
      })
      .execute();
  const waiting = [
    // [id, kind, service, advisor, checked in (ms before now)]
    ['reserved', 'appointment', A, 'held', 60_000],
    ['grace-over', 'appointment', A, 'held', 10 * 60_000],
    ['grace-just-over', 'appointment', A, 'held', GRACE],
    ['advisor-away', 'appointment', A, 'away', 2 * 60_000],
    ['advisor-offline', 'appointment', A, 'offline', 3 * 60_000],
    ['advisor-in-call', 'appointment', A, 'busy', 30_000],
    ['walk-in', 'walk_in', A, null, 4 * 60_000],
    ['other-service', 'walk_in', B, null, 9 * 60_000],
  ] as const;
  for (const [id, kind, service_id, advisor_id, before] of waiting) {
    await db
      .insertInto('kiosks')
      .values({
        id: `kiosk-${id}`,
        site_id: 'site',
        name: id,
        enrolment_state: 'enrolled',
        created_at,
      })
      .execute();
    await new AppointmentRepository(db).insert({
      id,
      kind,
      service_id,
      advisor_id,
      kiosk_id: `kiosk-${id}`,
      starts_at: at(before),
      duration_min: 30,
      check_in_code_hash: null,
      citizen_ref: '',
      status: 'checked_in',
      checked_in_at: at(before),
      call_started_at: null,
      ended_at: null,
      outcome: null,
      created_by: null,
      created_at,
      updated_at: created_at,
    });
  }
}

beforeEach(async () => {
  store = await Store.open({ sqliteFile: ':memory:' });
  await seed();
  appointments = new AppointmentRepository(store.db);
  rowsRead = [];
  const counting = Object.create(appointments) as AppointmentRepository;
  counting.waiting = async (filter) => {
    const rows = await appointments.waiting(filter);
    // Advisors' own lists (presence changes, in the background) are not queue places.
    if (!filter.advisorId) rowsRead.push(rows.length);
    return rows;
  };
  events = new SchedulingEvents();
  room = new WaitingRoom(
    counting,
    new ReferenceRepository(store.db),
    new AuditLog(store.db),
    events,
    { now: () => new Date(NOW) },
    {
      takeoverGraceMs: GRACE,
      checkInAfterMin: 30,
      kioskReconnectGraceMs: 60_000,
      sweepIntervalMs: 60_000,
      isInCall: (id) => id === 'busy',
    },
    pino({ level: 'silent' }),
  );
  room.advisorConnected('held');
  room.advisorConnected('away');
  room.advisorConnected('busy');
  await room.setAvailability('away', 'away');
  await room.setAvailability('busy', 'away'); // in a call all the same: still reserved
});

afterEach(async () => {
  room.stop();
  await store.close();
});

/** The places as the rule defines them, from every waiting row of the service. */
async function expectedPlaces(): Promise<{ kioskId: string; position: number }[]> {
  const all: AppointmentWithNames[] = await appointments.waiting({ serviceIds: [A] });
  return all
    .filter((r) => room.openToService(r))
    .map((r, i) => ({ kioskId: r.kiosk_id, position: i + 1 }));
}

describe('WaitingRoom queue places', () => {
  it('tells each citizen open to the service its place, reading only those rows', async () => {
    const expected = await expectedPlaces();
    expect(expected.map((e) => e.kioskId)).toEqual([
      'kiosk-grace-over',
      'kiosk-grace-just-over',
      'kiosk-walk-in',
      'kiosk-advisor-offline',
      'kiosk-advisor-away',
    ]);
    rowsRead = [];
    const statuses = await room.queueStatuses([A]);
    expect(statuses.map((s) => ({ kioskId: s.kioskId, position: s.status.position }))).toEqual(
      expected,
    );
    expect(statuses[4]!.status).toMatchObject({
      appointmentId: 'advisor-away',
      kind: 'appointment',
      serviceName: A,
      advisor: { name: 'away', status: 'away' },
      position: 5,
      checkedInAt: at(2 * 60_000),
    });
    // The two citizens still reserved for their advisor were left out by the query itself.
    expect(rowsRead).toEqual([5]);
  });

  it("gives a single citizen's place from the same rows", async () => {
    const row = (await appointments.find('advisor-offline'))!;
    rowsRead = [];
    expect((await room.waitingStatus(row)).position).toBe(4);
    expect(rowsRead).toEqual([5]);
    expect((await room.waitingStatus((await appointments.find('reserved'))!)).position).toBeNull();
  });

  it("gives each service's queue as all its advisors see it, from the same rows", async () => {
    const openInA = (await appointments.waiting({ serviceIds: [A] }))
      .filter((r) => room.openToService(r))
      .map((r) => room.view(r));
    rowsRead = [];
    const { queues, statuses } = await room.serviceQueues([A, B, 'nobody-waiting']);
    expect(queues.get(A)).toEqual(openInA);
    expect(queues.get(A)!.map((v) => [v.id, v.openToService])).toEqual([
      ['grace-over', true],
      ['grace-just-over', true],
      ['walk-in', true],
      ['advisor-offline', true],
      ['advisor-away', true],
    ]);
    expect(queues.get(B)!.map((v) => v.id)).toEqual(['other-service']);
    expect(queues.get('nobody-waiting')).toEqual([]);
    expect(statuses.map((s) => [s.status.appointmentId, s.status.position])).toEqual([
      ['grace-over', 1],
      ['other-service', 1],
      ['grace-just-over', 2],
      ['walk-in', 3],
      ['advisor-offline', 4],
      ['advisor-away', 5],
    ]);
    expect(rowsRead).toEqual([6]);
  });

  it('reads every waiting row again when no advisor holds a reservation', async () => {
    room.advisorDisconnected('held');
    room.advisorDisconnected('busy');
    rowsRead = [];
    const statuses = await room.queueStatuses([A, B]);
    expect(statuses.map((s) => s.status.appointmentId)).toEqual([
      'grace-over',
      'other-service',
      'grace-just-over',
      'walk-in',
      'advisor-offline',
      'advisor-away',
      'reserved',
      'advisor-in-call',
    ]);
    expect(statuses.map((s) => s.status.position)).toEqual([1, 1, 2, 3, 4, 5, 6, 7]);
    expect(rowsRead).toEqual([8]);
  });
});

describe('WaitingRoom changes', () => {
  it('hands listeners the appointment as it was just changed, so they need not read it back', async () => {
    const changes: AppointmentChange[] = [];
    events.on('changed', (c) => changes.push(c));
    const row = (await appointments.find('walk-in'))!;
    const moved = await room.move(
      row,
      'leave',
      { checked_in_at: null },
      { kind: 'kiosk', id: 'k' },
    );
    expect(moved).toMatchObject({ id: 'walk-in', status: 'cancelled' });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ appointmentId: 'walk-in', kioskId: 'kiosk-walk-in' });
    expect(changes[0]!.row).toEqual(await appointments.find('walk-in'));
  });
});
