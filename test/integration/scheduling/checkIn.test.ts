import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '../../support/integrationTest';
import {
  callEvents,
  callRequests,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  mediaEvents,
  mediaRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import {
  api,
  appointmentRow,
  book,
  eventually,
  eventWhere,
  inMinutes,
  insertAppointment,
  mentioning,
  otherCode,
  recordTraffic,
  refusal,
} from '../../support/appointments';
import { joinMedia } from '../../support/callMedia';
import { enrolKiosk, type TestServer } from '../../support/testServer';
import { opusParameters, vp8Parameters } from '../../support/fakeMedia';
import { nextEvent, rawRequest } from '../../support/socketClient';

// The core flow with several kiosks and advisors on one real server: a booked citizen checks in
// with the code, only their advisor is alerted, the advisor admits them, media flows between
// exactly those two, the call ends and the outcome is recorded. Then every way check-in refuses.

// A minute: the test moves the server's clock rather than waiting it out.
const LOCK_MS = 60_000;
test.override({
  serverEnv: { CHECKIN_LOCK_MS: String(LOCK_MS), CALL_RECONNECT_GRACE_MS: '200' },
  afterEachTest: 'no appointments',
});

/** Staff cancel of whatever a test left waiting (so the next test starts clean). */
async function cancel(t: TestServer, appointmentId: string) {
  const answer = await api(t, 'POST', `/api/appointments/${appointmentId}/cancel`, {
    token: t.scheduler.token,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

describe('check-in, matching and the call', () => {
  test('alerts only the scheduled advisor, connects exactly that kiosk and advisor, and records the outcome', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const kiosk2 = await client('/kiosk', t.kiosk2.token);
    const advisor = await client('/staff', t.advisor.token);
    const advisor2 = await client('/staff', t.advisor2.token);
    const advisor3 = await client('/staff', t.advisor3.token);
    const heard = {
      kiosk2: recordTraffic(kiosk2.socket),
      advisor2: recordTraffic(advisor2.socket),
      advisor3: recordTraffic(advisor3.socket),
    };

    const { appointment, checkInCode } = await book(t, {
      startsAt: inMinutes(5),
      durationMin: 30,
      citizenRef: 'CAF-0001',
    });
    const arrived = nextEvent(advisor, staffSchedulingEvents.citizenArrived);
    const changed = eventWhere(
      advisor,
      staffSchedulingEvents.appointmentChanged,
      (a) => a.id === appointment.id && a.status === 'checked_in',
    );

    const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    expect(waiting).toMatchObject({
      appointmentId: appointment.id,
      kind: 'appointment',
      serviceName: 'Service A',
      advisor: { name: 'Advisor', status: 'available' },
      // Reserved for the scheduled advisor: not in the service queue yet.
      position: null,
    });
    const alert = await arrived;
    expect(alert).toMatchObject({
      id: appointment.id,
      status: 'checked_in',
      citizenRef: 'CAF-0001',
      kiosk: { id: t.kiosk.id },
      advisor: { id: t.advisor.id },
      openToService: false,
    });
    expect(alert.checkedInAt).not.toBeNull();
    expect((await changed).checkedInAt).toBe(alert.checkedInAt);

    // The kiosk's welcome data now shows the waiting citizen (after a reload, say).
    const home = await kiosk.request(kioskSchedulingRequests.home, {});
    expect(home.waiting).toMatchObject({ appointmentId: appointment.id });
    // The advisor sees the citizen in their agenda (even past midnight: check-in is open) and
    // queue; colleagues do not, yet.
    const agenda = await advisor.request(staffSchedulingRequests.agenda, {});
    expect(agenda.appointments.find((a) => a.id === appointment.id)?.status).toBe('checked_in');
    expect(
      (await advisor.request(staffSchedulingRequests.queue, {})).entries.map((e) => e.id),
    ).toEqual([appointment.id]);
    expect((await advisor2.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);
    expect((await advisor3.request(staffSchedulingRequests.queue, {})).entries).toEqual([]);

    // Admit: both sides are told the call started, with the same call id.
    const kioskStarted = nextEvent(kiosk, callEvents.started);
    const advisorStarted = nextEvent(advisor, callEvents.started);
    const { callId } = await advisor.request(staffSchedulingRequests.admit, {
      appointmentId: appointment.id,
    });
    expect(await kioskStarted).toMatchObject({
      callId,
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      peerName: 'Advisor One',
    });
    expect(await advisorStarted).toMatchObject({
      callId,
      kioskId: t.kiosk.id,
      peerName: 'Kiosk A',
    });
    expect((await appointmentRow(t, appointment.id)).status).toBe('in_call');
    // The outcome comes after the call, not during it.
    expect(
      await refusal(
        advisor.request(staffSchedulingRequests.recordOutcome, {
          appointmentId: appointment.id,
          outcome: 'resolved',
        }),
      ),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'in_call' });

    // Media flows both ways between exactly these two.
    const k = await joinMedia(kiosk, callId);
    const a = await joinMedia(advisor, callId);
    const toAdvisor = nextEvent(advisor, mediaEvents.newProducer);
    const mic = await kiosk.request(mediaRequests.produce, {
      callId,
      transportId: k.send.transportId,
      kind: 'audio',
      rtpParameters: opusParameters(),
      source: 'microphone',
    });
    expect(await toAdvisor).toMatchObject({ callId, producerId: mic.producerId, kind: 'audio' });
    const heardMic = await advisor.request(mediaRequests.consume, {
      callId,
      producerId: mic.producerId,
    });
    expect(heardMic).toMatchObject({ producerId: mic.producerId, kind: 'audio' });
    const toKiosk = nextEvent(kiosk, mediaEvents.newProducer);
    const camera = await advisor.request(mediaRequests.produce, {
      callId,
      transportId: a.send.transportId,
      kind: 'video',
      rtpParameters: vp8Parameters(),
      source: 'camera',
    });
    expect(await toKiosk).toMatchObject({ callId, producerId: camera.producerId, kind: 'video' });
    const seenCamera = await kiosk.request(mediaRequests.consume, {
      callId,
      producerId: camera.producerId,
    });
    expect(seenCamera).toMatchObject({ producerId: camera.producerId, kind: 'video' });
    // The other kiosk and the other advisor cannot reach this call at all.
    for (const outsider of [kiosk2, advisor2]) {
      expect(
        await refusal(outsider.request(mediaRequests.routerCapabilities, { callId })),
      ).toMatchObject({ code: 'NOT_FOUND' });
      expect(
        await refusal(
          outsider.request(mediaRequests.consume, { callId, producerId: mic.producerId }),
        ),
      ).toMatchObject({ code: 'NOT_FOUND' });
    }

    // Hang up: the appointment is completed, the outcome recorded by its advisor only.
    const completed = eventually(
      async () => (await appointmentRow(t, appointment.id)).status === 'completed',
      'the appointment to be completed',
    );
    const ended = nextEvent(kiosk, callEvents.ended);
    await advisor.request(callRequests.hangup, { callId });
    expect(await ended).toEqual({ callId, reason: 'hangup', endedBy: 'advisor' });
    await completed;
    expect(
      await refusal(
        advisor2.request(staffSchedulingRequests.recordOutcome, {
          appointmentId: appointment.id,
          outcome: 'resolved',
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const recorded = await advisor.request(staffSchedulingRequests.recordOutcome, {
      appointmentId: appointment.id,
      outcome: 'follow_up',
    });
    expect(recorded.appointment).toMatchObject({ status: 'completed', outcome: 'follow_up' });
    expect((await appointmentRow(t, appointment.id)).outcome).toBe('follow_up');

    const record = await eventually(
      () =>
        t.server.store.db
          .selectFrom('call_records')
          .selectAll()
          .where('id', '=', callId)
          .where('ended_at', 'is not', null)
          .executeTakeFirst(),
      'the call record to be closed',
    );
    expect(record).toMatchObject({
      appointment_id: appointment.id,
      kiosk_id: t.kiosk.id,
      advisor_id: t.advisor.id,
      service_id: t.serviceA,
      end_reason: 'hangup',
      ended_by: 'advisor',
    });

    // No cross-talk: the other kiosk heard nothing at all; the other advisors only what every
    // staff screen hears (kiosk presence, "queue of your service changed"), never this citizen.
    expect(heard.kiosk2).toEqual([]);
    for (const who of [heard.advisor2, heard.advisor3]) {
      expect(
        who.map((h) => h.name).filter((n) => !['kiosks:changed', 'queue:changed'].includes(n)),
      ).toEqual([]);
      expect(mentioning(who, appointment.id, callId, 'CAF-0001')).toEqual([]);
    }
    // Advisor three serves B only: nothing of A's queue. (Coming online, they may hear B's own
    // queue announced once; on PostgreSQL that can land after the recording starts.)
    expect(
      heard.advisor3.filter(
        (h) => h.name === 'queue:changed' && !mentioning([h], t.serviceB).length,
      ),
    ).toEqual([]);
  });

  test('answers a second check-in of the same citizen with the same waiting room, and lets them leave and come back', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(8) });
    const first = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    const again = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    expect(again.waiting).toEqual(first.waiting);

    const back = nextEvent(advisor, staffSchedulingEvents.appointmentChanged);
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});
    expect(await back).toMatchObject({
      id: appointment.id,
      status: 'scheduled',
      checkedInAt: null,
    });
    expect((await kiosk.request(kioskSchedulingRequests.home, {})).waiting).toBeNull();
    expect(await refusal(kiosk.request(kioskSchedulingRequests.cancelWaiting, {}))).toMatchObject({
      code: 'BAD_STATE',
      reason: 'not_waiting',
    });

    // Still within the window: the same code checks in again.
    const rejoined = await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    expect(rejoined.waiting.appointmentId).toBe(appointment.id);
  });

  test('sends the kiosk back to welcome when staff cancel the appointment of a waiting citizen', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(10) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    const ended = nextEvent(kiosk, kioskSchedulingEvents.waitingEnded);
    await cancel(t, appointment.id);
    expect(await ended).toEqual({ appointmentId: appointment.id, reason: 'cancelled' });
    expect((await kiosk.request(kioskSchedulingRequests.home, {})).waiting).toBeNull();
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'cancelled' });
  });

  test('puts the citizen back in the waiting room when the call cannot start (kiosk gone)', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(12) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    kiosk.socket.close();
    await eventually(() => !t.server.presence.isOnline(t.kiosk.id), 'the kiosk to go offline');
    expect(
      await refusal(
        advisor.request(staffSchedulingRequests.admit, { appointmentId: appointment.id }),
      ),
    ).toMatchObject({ code: 'BAD_STATE' });
    expect(await appointmentRow(t, appointment.id)).toMatchObject({
      status: 'checked_in',
      call_started_at: null,
    });
  });
});

describe('check-in refusals', () => {
  test('refuses wrong codes, locks the kiosk after five, lets other kiosks on, and unlocks after the delay', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const kiosk2 = await client('/kiosk', t.kiosk2.token);
    const mine = await book(t, { startsAt: inMinutes(6) });
    const theirs = await book(t, {
      startsAt: inMinutes(6),
      kioskId: t.kiosk2.id,
      advisorId: t.advisor2.id,
    });
    const code = mine.checkInCode;

    // Another kiosk's code is just as wrong here: a code belongs to one kiosk.
    const wrongCodes = [
      theirs.checkInCode,
      otherCode(code, 1),
      otherCode(code, 2),
      otherCode(code, 3),
    ];
    for (const wrong of wrongCodes) {
      if (wrong === code) continue;
      expect(
        await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: wrong })),
      ).toMatchObject({ code: 'NOT_FOUND', reason: 'wrong_code' });
    }
    const locked = await refusal(
      kiosk.request(kioskSchedulingRequests.checkIn, { code: otherCode(code, 4) }),
    );
    expect(locked).toMatchObject({ code: 'RATE_LIMITED', reason: 'locked' });
    expect(locked.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(locked.retryAfterSeconds).toBeLessThanOrEqual(Math.ceil(LOCK_MS / 1000));
    // Even the right code is refused while locked…
    expect(await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code }))).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'locked',
    });
    expect((await appointmentRow(t, mine.appointment.id)).status).toBe('scheduled');
    // …but the lock is this kiosk's only.
    const other = await kiosk2.request(kioskSchedulingRequests.checkIn, {
      code: theirs.checkInCode,
    });
    expect(other.waiting.appointmentId).toBe(theirs.appointment.id);

    // The lock lifts after CHECKIN_LOCK_MS: the server's clock is moved past it.
    t.clock.advance(LOCK_MS);
    const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, { code });
    expect(waiting.appointmentId).toBe(mine.appointment.id);
    // A success clears the count: one wrong code later is not a lock.
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: otherCode(code, 5) })),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'wrong_code' });
  });

  test('keeps counting wrong codes when a valid code that is too early is typed between them (4 wrong + 1 too early, repeated, locks)', async ({
    t,
    client,
  }) => {
    // A kiosk of its own: no wrong codes of earlier tests, and its lock stays here.
    const own = await enrolKiosk(t.server, `Kiosk ${randomUUID().slice(0, 8)}`, t.site);
    const kiosk = await client('/kiosk', own.token);
    const early = await book(t, { startsAt: inMinutes(180), kioskId: own.id });
    const answers: string[] = [];
    let guess = 0;
    for (let round = 0; round < 3 && !answers.includes('locked'); round++) {
      for (let i = 0; i < 4; i++) {
        const refused = await refusal(
          kiosk.request(kioskSchedulingRequests.checkIn, {
            code: otherCode(early.checkInCode, 1 + guess++),
          }),
        );
        answers.push(refused.reason ?? refused.code);
      }
      const valid = await refusal(
        kiosk.request(kioskSchedulingRequests.checkIn, { code: early.checkInCode }),
      );
      answers.push(valid.reason ?? valid.code);
    }
    // The fifth wrong code locks, whatever valid codes came between.
    expect(answers.slice(0, 6)).toEqual([
      'wrong_code',
      'wrong_code',
      'wrong_code',
      'wrong_code',
      'too_early',
      'locked',
    ]);
  });

  test('gives the wrong codes back when the citizen who checked in leaves (4 wrong + check in + leave, repeated, locks)', async ({
    t,
    client,
  }) => {
    // A kiosk of its own: no wrong codes of earlier tests, and its lock stays here.
    const own = await enrolKiosk(t.server, `Kiosk ${randomUUID().slice(0, 8)}`, t.site);
    const kiosk = await client('/kiosk', own.token);
    const { checkInCode } = await book(t, { startsAt: inMinutes(5), kioskId: own.id });
    const wrong = (n: number) =>
      refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: otherCode(checkInCode, n) }));
    for (let i = 1; i <= 4; i++) expect((await wrong(i)).reason).toBe('wrong_code');
    // The citizen's own code goes through and forgives the mistakes before it…
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    // …but leaving at once gives them back: the next wrong code is the fifth.
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});
    expect(await wrong(5)).toMatchObject({ code: 'RATE_LIMITED', reason: 'locked' });
  });

  test('refuses a check-in too early (starts in 3 hours) and too late (started 40 minutes ago)', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const early = await book(t, { startsAt: inMinutes(180) });
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: early.checkInCode })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'too_early' });
    const late = await insertAppointment(t, { startsAt: inMinutes(-40) });
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: late.code })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'too_late' });
    // Neither was checked in (the late one may meanwhile be swept as a no-show).
    expect((await appointmentRow(t, early.appointment.id)).status).toBe('scheduled');
    expect((await appointmentRow(t, late.id)).status).toMatch(/^(scheduled|no_show)$/);
  });

  test('refuses a second citizen at a kiosk where someone is already waiting', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const first = await book(t, { startsAt: inMinutes(14) });
    const second = await book(t, {
      startsAt: new Date(Date.parse(first.appointment.startsAt) - 10 * 60_000).toISOString(),
      advisorId: t.advisor2.id,
      durationMin: 10,
    });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: first.checkInCode });
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.checkIn, { code: second.checkInCode })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'kiosk_busy' });
    expect(
      await refusal(kiosk.request(kioskSchedulingRequests.joinWalkIn, { serviceId: t.serviceA })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'kiosk_busy' });
  });
});

describe('scheduling requests over the socket: roles and unknown ids', () => {
  const staffRequests = [
    ['agenda:today', {}],
    ['queue:list', {}],
    ['waiting:admit', { appointmentId: randomUUID() }],
    ['advisor:setAvailability', { availability: 'away' }],
    ['appointment:recordOutcome', { appointmentId: randomUUID(), outcome: 'resolved' }],
  ] as const;

  test.for(['technician', 'scheduler', 'admin'] as const)(
    'a %s gets FORBIDDEN on every advisor request',
    async (who, { t, client }) => {
      const staff = await client('/staff', t[who].token);
      for (const [name, payload] of staffRequests) {
        const ack = await rawRequest(staff.socket, name, payload);
        expect(ack, name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    },
  );

  test('a kiosk cannot send advisor requests, nor an advisor kiosk ones', async ({ t, client }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    for (const [name, payload] of staffRequests) {
      expect(await rawRequest(kiosk.socket, name, payload), name).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_MESSAGE' },
      });
    }
    for (const name of ['kiosk:home', 'checkin:submit', 'walkin:join', 'waiting:cancel']) {
      expect(await rawRequest(advisor.socket, name, {}), name).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_MESSAGE' },
      });
    }
  });

  test('unknown or unsuitable appointments and services get NOT_FOUND or BAD_STATE', async ({
    t,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const code = async (p: Promise<unknown>) => refusal(p);
    expect(
      await code(advisor.request(staffSchedulingRequests.admit, { appointmentId: randomUUID() })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await code(
        advisor.request(staffSchedulingRequests.recordOutcome, {
          appointmentId: randomUUID(),
          outcome: 'resolved',
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await code(kiosk.request(kioskSchedulingRequests.joinWalkIn, { serviceId: randomUUID() })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // A booked citizen who has not checked in cannot be admitted.
    const booked = await book(t, { startsAt: inMinutes(90) });
    expect(
      await code(
        advisor.request(staffSchedulingRequests.admit, { appointmentId: booked.appointment.id }),
      ),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'scheduled' });
    expect(
      await code(
        advisor.request(staffSchedulingRequests.recordOutcome, {
          appointmentId: booked.appointment.id,
          outcome: 'resolved',
        }),
      ),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'scheduled' });
    // Malformed codes never reach the check: INVALID_INPUT, and they do not count towards the lock.
    for (const bad of ['12345', '1234567', 'abcdef', ' 123456']) {
      expect(await rawRequest(kiosk.socket, 'checkin:submit', { code: bad })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
    expect(
      await code(
        kiosk.request(kioskSchedulingRequests.checkIn, { code: otherCode(booked.checkInCode) }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'wrong_code' });
  });
});
