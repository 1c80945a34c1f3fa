import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '../../support/integrationTest';
import { AppointmentViewSchema } from '@visio/shared/protocol';
import { fromLocal, localParts } from '@visio/shared/time';
import {
  api,
  appointmentRow,
  book,
  inMinutes,
  restError,
  type Answer,
} from '../../support/appointments';
import type { TestServer } from '../../support/testServer';

// The scheduler's booking API over real HTTP, on a real database: book, list, move, cancel, and
// every refusal with its status, code and reason.

let t: TestServer;
/** A second site open Monday to Friday 09:00–12:00 (Paris), offering service A only. */
let limitedKiosk: string;
/** 10:00 Paris time on a Monday at least two days ahead. */
let monday10h: Date;

// The file's server, shared by the module's helpers below (its lifecycle is the fixture's).
test.beforeAll(async ({ t: server }) => {
  t = server;
  const db = t.server.store.db;
  const at = new Date().toISOString();
  const site = randomUUID();
  const mornings = Object.fromEntries(
    ['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '12:00']]]),
  );
  await db
    .insertInto('sites')
    .values({
      id: site,
      name: 'Mornings only',
      timezone: 'Europe/Paris',
      opening_hours: JSON.stringify(mornings),
      created_at: at,
    })
    .execute();
  await db.insertInto('site_services').values({ site_id: site, service_id: t.serviceA }).execute();
  limitedKiosk = randomUUID();
  await db
    .insertInto('kiosks')
    .values({
      id: limitedKiosk,
      site_id: site,
      name: 'Kiosk M',
      enrolment_state: 'enrolled',
      enrolment_code_hash: null,
      enrolment_expires_at: null,
      device_token_hash: null,
      created_at: at,
    })
    .execute();
  let day = new Date(Date.now() + 2 * 24 * 3_600_000);
  while (localParts(day, 'Europe/Paris').weekday !== 1) day = new Date(day.getTime() + 86_400_000);
  const p = localParts(day, 'Europe/Paris');
  monday10h = fromLocal(p.year, p.month, p.day, 10 * 60, 'Europe/Paris');
});

/** A valid booking body; each test changes what it is about. Slots are spread out to stay free. */
function body(overrides: Record<string, unknown> = {}) {
  return {
    serviceId: t.serviceA,
    advisorId: t.advisor.id,
    kioskId: t.kiosk.id,
    startsAt: inMinutes(60),
    durationMin: 30,
    citizenRef: 'CAF-123',
    ...overrides,
  };
}

/** Books as `token` (null: without a session cookie). */
const post = (payload: unknown, token: string | null = t.scheduler.token) =>
  api(t, 'POST', '/api/appointments', { token: token ?? undefined, body: payload });

function expectRefused(answer: Answer, status: number, code: string, reason?: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const error = restError(answer);
  expect(error.code).toBe(code);
  if (reason !== undefined) expect(error.reason).toBe(reason);
  return error;
}

/** Every string anywhere in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('booking, listing, moving and cancelling', () => {
  test('books and answers the six-digit check-in code once; the list never shows it', async () => {
    const startsAt = inMinutes(24 * 60);
    const created = await book(t, {
      startsAt,
      durationMin: 30,
      citizenRef: 'CAF-42',
      advisorId: t.advisor2.id,
    });
    expect(created.checkInCode).toMatch(/^\d{6}$/);
    expect(created.appointment).toMatchObject({
      kind: 'appointment',
      status: 'scheduled',
      service: { id: t.serviceA, name: 'Service A' },
      advisor: { id: t.advisor2.id, name: 'Advisor Two' },
      kiosk: { id: t.kiosk.id, name: 'Kiosk A', siteName: 'Test site' },
      durationMin: 30,
      citizenRef: 'CAF-42',
      checkedInAt: null,
      outcome: null,
    });
    expect(new Date(created.appointment.startsAt).getTime()).toBe(new Date(startsAt).getTime());

    // The database keeps only a hash of the code, nowhere the code itself.
    const row = await appointmentRow(t, created.appointment.id);
    expect(row.check_in_code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(row)).not.toContain(created.checkInCode);

    const list = await api(
      t,
      'GET',
      `/api/appointments?from=${encodeURIComponent(inMinutes(23 * 60))}&to=${encodeURIComponent(inMinutes(25 * 60))}`,
      { token: t.scheduler.token },
    );
    expect(list.status).toBe(200);
    const { appointments } = list.body as { appointments: unknown[] };
    const listed = appointments.map((a) => AppointmentViewSchema.strict().parse(a));
    expect(listed.map((a) => a.id)).toContain(created.appointment.id);
    expect(strings(list.body)).not.toContain(created.checkInCode);
    expect(JSON.stringify(list.body)).not.toMatch(/checkInCode|code_hash/i);
  });

  test('filters the list by advisor and by kiosk, and by the time range', async () => {
    const mine = await book(t, { startsAt: inMinutes(26 * 60), advisorId: t.advisor2.id });
    const theirs = await book(t, { startsAt: inMinutes(26 * 60), kioskId: t.kiosk2.id });
    const range = `from=${encodeURIComponent(inMinutes(25 * 60 + 30))}&to=${encodeURIComponent(inMinutes(27 * 60))}`;
    const ids = async (query: string) => {
      const answer = await api(t, 'GET', `/api/appointments?${range}${query}`, {
        token: t.scheduler.token,
      });
      expect(answer.status).toBe(200);
      return (answer.body as { appointments: { id: string }[] }).appointments.map((a) => a.id);
    };
    expect((await ids('')).sort()).toEqual([mine.appointment.id, theirs.appointment.id].sort());
    expect(await ids(`&advisorId=${t.advisor2.id}`)).toEqual([mine.appointment.id]);
    expect(await ids(`&kioskId=${t.kiosk2.id}`)).toEqual([theirs.appointment.id]);
    expect(await ids(`&advisorId=${t.advisor3.id}`)).toEqual([]);
  });

  test('moves an appointment, then refuses to move it onto a busy advisor', async () => {
    const first = await book(t, { startsAt: inMinutes(30 * 60) });
    const blocker = await book(t, { startsAt: inMinutes(32 * 60), kioskId: t.kiosk2.id });
    const later = inMinutes(31 * 60);
    const moved = await api(t, 'PATCH', `/api/appointments/${first.appointment.id}`, {
      token: t.scheduler.token,
      body: { startsAt: later, durationMin: 45 },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const view = AppointmentViewSchema.parse((moved.body as { appointment: unknown }).appointment);
    expect(new Date(view.startsAt).getTime()).toBe(new Date(later).getTime());
    expect(view.durationMin).toBe(45);
    expect((await appointmentRow(t, first.appointment.id)).duration_min).toBe(45);

    // Onto the advisor's other booking.
    const clash = await api(t, 'PATCH', `/api/appointments/${first.appointment.id}`, {
      token: t.scheduler.token,
      body: { startsAt: blocker.appointment.startsAt },
    });
    expectRefused(clash, 409, 'CONFLICT', 'advisor_busy');
    // Onto another advisor's service, or into the past.
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${first.appointment.id}`, {
        token: t.scheduler.token,
        body: { advisorId: t.advisor3.id },
      }),
      400,
      'INVALID_INPUT',
      'advisor_not_in_service',
    );
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${first.appointment.id}`, {
        token: t.scheduler.token,
        body: { startsAt: inMinutes(-5) },
      }),
      400,
      'INVALID_INPUT',
      'in_past',
    );
    // Moving it to the other advisor of the service is fine; the refusals changed nothing.
    const handedOver = await api(t, 'PATCH', `/api/appointments/${first.appointment.id}`, {
      token: t.scheduler.token,
      body: { advisorId: t.advisor2.id },
    });
    expect(handedOver.status).toBe(200);
    const row = await appointmentRow(t, first.appointment.id);
    expect([row.advisor_id, row.starts_at, row.status]).toEqual([
      t.advisor2.id,
      new Date(later).toISOString(),
      'scheduled',
    ]);
  });

  test('cancels, frees the slot, and refuses to cancel or move a cancelled appointment', async () => {
    const startsAt = inMinutes(34 * 60);
    const booked = await book(t, { startsAt });
    const id = booked.appointment.id;
    const cancelled = await api(t, 'POST', `/api/appointments/${id}/cancel`, {
      token: t.scheduler.token,
    });
    expect(cancelled.status).toBe(200);
    expect((cancelled.body as { appointment: { status: string } }).appointment.status).toBe(
      'cancelled',
    );
    expect((await appointmentRow(t, id)).status).toBe('cancelled');

    expectRefused(
      await api(t, 'POST', `/api/appointments/${id}/cancel`, { token: t.scheduler.token }),
      409,
      'BAD_STATE',
      'cancelled',
    );
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${id}`, {
        token: t.scheduler.token,
        body: { durationMin: 20 },
      }),
      409,
      'BAD_STATE',
      'cancelled',
    );
    // The same advisor and kiosk at the same time can be booked again.
    expect((await post(body({ startsAt }))).status).toBe(200);
  });
});

describe('booking refusals over HTTP', () => {
  test('refuses an advisor already booked then with 409 CONFLICT advisor_busy', async () => {
    const startsAt = inMinutes(40 * 60);
    await book(t, { startsAt, durationMin: 30 });
    // Overlapping by ten minutes, at another kiosk.
    const overlap = new Date(new Date(startsAt).getTime() + 20 * 60_000).toISOString();
    expectRefused(
      await post(body({ startsAt: overlap, kioskId: t.kiosk2.id })),
      409,
      'CONFLICT',
      'advisor_busy',
    );
    // Right after the first one ends is free.
    const after = new Date(new Date(startsAt).getTime() + 30 * 60_000).toISOString();
    expect((await post(body({ startsAt: after, kioskId: t.kiosk2.id }))).status).toBe(200);
  });

  test('refuses a kiosk already booked then with 409 CONFLICT kiosk_busy', async () => {
    const startsAt = inMinutes(42 * 60);
    await book(t, { startsAt, kioskId: t.kiosk2.id });
    expectRefused(
      await post(body({ startsAt, kioskId: t.kiosk2.id, advisorId: t.advisor2.id })),
      409,
      'CONFLICT',
      'kiosk_busy',
    );
  });

  test.each<[string, () => Record<string, unknown>, number, string, string]>([
    ['a slot in the past', () => ({ startsAt: inMinutes(-30) }), 400, 'INVALID_INPUT', 'in_past'],
    [
      'an advisor who does not serve the service',
      () => ({ startsAt: inMinutes(44 * 60), advisorId: t.advisor3.id }),
      400,
      'INVALID_INPUT',
      'advisor_not_in_service',
    ],
    [
      'an unknown service',
      () => ({ startsAt: inMinutes(44 * 60), serviceId: randomUUID() }),
      404,
      'NOT_FOUND',
      'service',
    ],
    [
      'an unknown advisor',
      () => ({ startsAt: inMinutes(44 * 60), advisorId: randomUUID() }),
      404,
      'NOT_FOUND',
      'advisor',
    ],
    [
      'a staff member who is not an advisor',
      () => ({ startsAt: inMinutes(44 * 60), advisorId: t.technician.id }),
      404,
      'NOT_FOUND',
      'advisor',
    ],
    [
      'an unknown kiosk',
      () => ({ startsAt: inMinutes(44 * 60), kioskId: randomUUID() }),
      404,
      'NOT_FOUND',
      'kiosk',
    ],
  ])('refuses %s', async (_what, overrides, status, code, reason) => {
    expectRefused(await post(body(overrides())), status, code, reason);
  });

  test('checks the opening hours of the kiosk’s site, in its time zone', async () => {
    const at = (minutesAfter10h: number) =>
      new Date(monday10h.getTime() + minutesAfter10h * 60_000).toISOString();
    const limited = (startsAt: string, durationMin = 30) =>
      post(body({ kioskId: limitedKiosk, advisorId: t.advisor2.id, startsAt, durationMin }));
    // Monday 10:00–10:30 and 11:30–12:00 fit; 11:45 + 30 min runs past noon; 08:30 is before opening.
    expect((await limited(at(0))).status).toBe(200);
    expect((await limited(at(90))).status).toBe(200);
    expectRefused(await limited(at(105)), 400, 'INVALID_INPUT', 'outside_opening_hours');
    expectRefused(await limited(at(-90)), 400, 'INVALID_INPUT', 'outside_opening_hours');
    // The Sunday before: closed all day.
    expectRefused(await limited(at(-24 * 60)), 400, 'INVALID_INPUT', 'outside_opening_hours');
    // Service B is not offered at that site.
    expectRefused(
      await post(
        body({
          kioskId: limitedKiosk,
          serviceId: t.serviceB,
          advisorId: t.advisor3.id,
          startsAt: at(0),
        }),
      ),
      400,
      'INVALID_INPUT',
      'service_not_at_site',
    );
  });

  test.each<[string, () => unknown]>([
    ['a duration under ten minutes', () => body({ durationMin: 5 })],
    ['a duration over two hours', () => body({ durationMin: 121 })],
    ['a time without an offset', () => body({ startsAt: '2030-01-01T10:00:00' })],
    ['a time that is not a time', () => body({ startsAt: 'tomorrow' })],
    ['a non-UUID id', () => body({ advisorId: 'advisor-1' })],
    ['an empty citizen reference', () => body({ citizenRef: '   ' })],
    ['a citizen life story', () => body({ citizenRef: 'x'.repeat(65) })],
    ['an unknown field', () => ({ ...body(), notes: 'confidential' })],
    ['a missing field', () => ({ ...body(), kioskId: undefined })],
    ['an array', () => [body()]],
  ])('refuses %s with 400 INVALID_INPUT', async (_what, payload) => {
    expectRefused(await post(payload()), 400, 'INVALID_INPUT');
  });

  test('refuses a body that is not JSON, an empty move and a malformed id with 400', async () => {
    expectRefused(
      await api(t, 'POST', '/api/appointments', { token: t.scheduler.token, raw: '{"serviceId":' }),
      400,
      'INVALID_INPUT',
    );
    const booked = await book(t, { startsAt: inMinutes(46 * 60) });
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${booked.appointment.id}`, {
        token: t.scheduler.token,
        body: {},
      }),
      400,
      'INVALID_INPUT',
    );
    expectRefused(
      await api(t, 'PATCH', '/api/appointments/not-an-id', {
        token: t.scheduler.token,
        body: { durationMin: 20 },
      }),
      400,
      'INVALID_INPUT',
    );
    expectRefused(
      await api(t, 'GET', '/api/appointments?from=yesterday&to=today', {
        token: t.scheduler.token,
      }),
      400,
      'INVALID_INPUT',
    );
    expectRefused(
      await api(
        t,
        'GET',
        `/api/appointments?from=${encodeURIComponent(inMinutes(0))}&to=${encodeURIComponent(inMinutes(63 * 24 * 60))}`,
        { token: t.scheduler.token },
      ),
      400,
      'INVALID_INPUT',
    );
  });

  test('answers 404 NOT_FOUND for moving or cancelling an appointment that does not exist', async () => {
    const id = randomUUID();
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${id}`, {
        token: t.scheduler.token,
        body: { durationMin: 20 },
      }),
      404,
      'NOT_FOUND',
    );
    expectRefused(
      await api(t, 'POST', `/api/appointments/${id}/cancel`, { token: t.scheduler.token }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('who may book', () => {
  test('needs a staff session: none, a bogus one or a kiosk device token → 401 UNAUTHORIZED', async () => {
    for (const token of [null, 'not-a-session', t.kiosk.token]) {
      expectRefused(await post(body({ startsAt: inMinutes(50 * 60) }), token), 401, 'UNAUTHORIZED');
      expectRefused(
        await api(
          t,
          'GET',
          `/api/appointments?from=${encodeURIComponent(inMinutes(0))}&to=${encodeURIComponent(inMinutes(60))}`,
          { token: token ?? undefined },
        ),
        401,
        'UNAUTHORIZED',
      );
    }
  });

  test('refuses a technician with 403 FORBIDDEN, on every booking route, before reading the body', async () => {
    const booked = await book(t, { startsAt: inMinutes(52 * 60) });
    const token = t.technician.token;
    const id = booked.appointment.id;
    for (const answer of [
      await post(body({ startsAt: inMinutes(53 * 60) }), token),
      await post({ nonsense: true }, token),
      await api(
        t,
        'GET',
        `/api/appointments?from=${encodeURIComponent(inMinutes(0))}&to=${encodeURIComponent(inMinutes(60))}`,
        { token },
      ),
      await api(t, 'PATCH', `/api/appointments/${id}`, { token, body: { durationMin: 20 } }),
      await api(t, 'POST', `/api/appointments/${id}/cancel`, { token }),
    ])
      expectRefused(answer, 403, 'FORBIDDEN');
    expect((await appointmentRow(t, id)).status).toBe('scheduled');
  });

  test('lets a technician read the reference data (sites for new kiosks), but nothing else of booking', async () => {
    const answer = await api(t, 'GET', '/api/reference', { token: t.technician.token });
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveProperty('sites');
  });

  test('lets schedulers, advisors and admins book', async () => {
    const tokens = [t.scheduler.token, t.advisor2.token, t.admin.token];
    for (const [i, token] of tokens.entries()) {
      const answer = await post(body({ startsAt: inMinutes(55 * 60 + i * 60) }), token);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
  });

  test('shows and lets an advisor act on the appointments of their own services only', async () => {
    // Advisor three serves B only; the appointment is in A.
    const inA = await book(t, { startsAt: inMinutes(70 * 60) });
    const id = inA.appointment.id;
    const range = `from=${encodeURIComponent(inMinutes(69 * 60))}&to=${encodeURIComponent(inMinutes(72 * 60))}`;
    const listed = (token: string) =>
      api(t, 'GET', `/api/appointments?${range}`, { token }).then((a) =>
        (a.body as { appointments: { id: string; citizenRef: string }[] }).appointments.map(
          (x) => x.id,
        ),
      );
    expect(await listed(t.scheduler.token)).toContain(id);
    expect(await listed(t.advisor2.token)).toContain(id);
    expect(await listed(t.advisor3.token)).not.toContain(id);
    const outsider = t.advisor3.token;
    expectRefused(
      await api(t, 'POST', `/api/appointments/${id}/cancel`, { token: outsider }),
      403,
      'FORBIDDEN',
      'not_your_service',
    );
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${id}`, {
        token: outsider,
        body: { durationMin: 20 },
      }),
      403,
      'FORBIDDEN',
      'not_your_service',
    );
    expectRefused(
      await post(body({ startsAt: inMinutes(71 * 60), advisorId: t.advisor3.id }), outsider),
      403,
      'FORBIDDEN',
      'not_your_service',
    );
    expect((await appointmentRow(t, id)).status).toBe('scheduled');
    // A colleague of the same service may move it in time, and cancel it.
    const moved = await api(t, 'PATCH', `/api/appointments/${id}`, {
      token: t.advisor2.token,
      body: { durationMin: 20 },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const cancelled = await api(t, 'POST', `/api/appointments/${id}/cancel`, {
      token: t.advisor2.token,
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
  });

  test('leaves giving an appointment to another advisor to schedulers: an advisor cannot take a colleague’s', async () => {
    const booked = await book(t, { startsAt: inMinutes(73 * 60) });
    const id = booked.appointment.id;
    // Advisor two serves A too, and would take advisor one's citizen.
    expectRefused(
      await api(t, 'PATCH', `/api/appointments/${id}`, {
        token: t.advisor2.token,
        body: { advisorId: t.advisor2.id },
      }),
      403,
      'FORBIDDEN',
      'reassign_needs_scheduler',
    );
    expect((await appointmentRow(t, id)).advisor_id).toBe(t.advisor.id);
    const byScheduler = await api(t, 'PATCH', `/api/appointments/${id}`, {
      token: t.scheduler.token,
      body: { advisorId: t.advisor2.id },
    });
    expect(byScheduler.status, JSON.stringify(byScheduler.body)).toBe(200);
    expect((await appointmentRow(t, id)).advisor_id).toBe(t.advisor2.id);
  });

  test('gives the booking form its reference data', async () => {
    const answer = await api(t, 'GET', '/api/reference', { token: t.scheduler.token });
    expect(answer.status).toBe(200);
    const data = answer.body as {
      services: { id: string }[];
      advisors: { id: string; serviceIds: string[] }[];
      kiosks: { id: string }[];
    };
    expect(data.services.map((s) => s.id)).toEqual(
      expect.arrayContaining([t.serviceA, t.serviceB]),
    );
    expect(data.advisors.find((a) => a.id === t.advisor3.id)?.serviceIds).toEqual([t.serviceB]);
    expect(data.advisors.map((a) => a.id)).not.toContain(t.technician.id);
    expect(data.kiosks.map((k) => k.id)).toEqual(
      expect.arrayContaining([t.kiosk.id, t.kiosk2.id, limitedKiosk]),
    );
  });
});

describe('two schedulers at once', () => {
  test('books the same advisor slot for exactly one of them', async () => {
    const account = await t.server.auth.accounts.create({
      name: 'Scheduler Two',
      login: 'sched2',
      password: 'test-password',
      roles: ['scheduler'],
      serviceIds: [],
    });
    const session = await t.server.auth.sessions.login({
      login: 'sched2',
      password: 'test-password',
      client: 'fixture-sched2',
    });
    expect(account.staffId).toBeTruthy();
    for (let round = 0; round < 5; round++) {
      const startsAt = inMinutes(60 * 60 + round * 60);
      const answers = await Promise.all([
        post(body({ startsAt, kioskId: t.kiosk.id }), t.scheduler.token),
        post(body({ startsAt, kioskId: t.kiosk2.id }), session.token),
      ]);
      expect(
        answers.map((a) => a.status).sort(),
        JSON.stringify(answers.map((a) => a.body)),
      ).toEqual([200, 409]);
      expect(restError(answers.find((a) => a.status === 409)!).reason).toBe('advisor_busy');
      const live = await t.server.store.db
        .selectFrom('appointments')
        .select('id')
        .where('advisor_id', '=', t.advisor.id)
        .where('starts_at', '=', startsAt)
        .execute();
      expect(live).toHaveLength(1);
    }
  });
});
