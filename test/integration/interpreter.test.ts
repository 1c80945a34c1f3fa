import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  inCallEvents,
  inCallRequests,
  interpreterEvents,
  interpreterRequests,
  mediaEvents,
  sessionRequests,
  staffMonitoringRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { describe, expect, test } from '../support/integrationTest';
import { api, eventually, refusal, restError } from '../support/appointments';
import { joinMedia, sendMicrophone } from '../support/callMedia';
import { connect, nextEvent } from '../support/socketClient';
import { startDirectCall, type TestServer } from '../support/testServer';

// A third party in a call (issue 14): the advisor invites an interpreter with a one-time code, the
// interpreter joins the same router, sends and receives media and real-time text with both
// parties, and leaves while the call goes on. Codes are single use and die with their call.

test.override({ serverEnv: { CALL_RECONNECT_GRACE_MS: '300' }, afterEachTest: 'no calls' });

type Open = (nsp: '/kiosk' | '/staff', token: string) => Promise<SignallingClient>;

async function call(t: TestServer, client: Open) {
  const kiosk = await client('/kiosk', t.kiosk.token);
  const advisor = await client('/staff', t.advisor.token);
  const interpreter = await client('/staff', t.interpreter.token);
  const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
  return { kiosk, advisor, interpreter, callId };
}

/** The advisor invites, the interpreter joins: answers once all three know. */
async function interpreted(t: TestServer, client: Open, kind: 'lsf' | 'spoken' = 'lsf') {
  const parties = await call(t, client);
  const { kiosk, advisor, interpreter, callId } = parties;
  const { code, link } = await advisor.request(interpreterRequests.invite, {
    callId,
    kind,
    language: kind === 'spoken' ? 'ar' : null,
  });
  expect(link).toBe(`/advisor/?interpret=${code}`);
  const started = nextEvent(interpreter, callEvents.started);
  const atKiosk = nextEvent(kiosk, interpreterEvents.joined);
  const atAdvisor = nextEvent(advisor, interpreterEvents.joined);
  expect(await interpreter.request(interpreterRequests.join, { code })).toEqual({ callId });
  return {
    ...parties,
    code,
    started: await started,
    atKiosk: await atKiosk,
    atAdvisor: await atAdvisor,
  };
}

function record(t: TestServer, callId: string) {
  return t.server.store.db
    .selectFrom('call_records')
    .selectAll()
    .where('id', '=', callId)
    .executeTakeFirst();
}

describe('inviting and joining', () => {
  test('the interpreter joins the same call as a role, and each party receives the two others', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, interpreter, callId, started, atKiosk, atAdvisor } = await interpreted(
      t,
      client,
    );
    const expected = { callId, interpreterId: t.interpreter.id, kind: 'lsf', language: null };
    expect(atKiosk).toEqual(expected);
    expect(atAdvisor).toEqual(expected);
    expect(started).toMatchObject({
      callId,
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      interpreter: { interpreterId: t.interpreter.id, kind: 'lsf', language: null },
    });
    // No account data: the interpreter hears the kiosk's (device) name, never the advisor's.
    expect(started.peerName).toBe('Kiosk A');
    expect(started.media).toBeUndefined();

    // Media: one router, three peers; each producer is announced to the two others with its owner.
    const [k, a, i] = await Promise.all([
      joinMedia(kiosk, callId),
      joinMedia(advisor, callId),
      joinMedia(interpreter, callId),
    ]);
    const toKiosk = nextEvent(kiosk, mediaEvents.newProducer);
    const toAdvisor = nextEvent(advisor, mediaEvents.newProducer);
    const { producerId } = await sendMicrophone(interpreter, callId, i.send.transportId);
    for (const heard of [await toKiosk, await toAdvisor])
      expect(heard).toMatchObject({ callId, producerId, peerId: t.interpreter.id });
    const fromKiosk = nextEvent(interpreter, mediaEvents.newProducer);
    await sendMicrophone(kiosk, callId, k.send.transportId);
    expect(await fromKiosk).toMatchObject({ peerId: t.kiosk.id });
    const fromAdvisor = nextEvent(interpreter, mediaEvents.newProducer);
    await sendMicrophone(advisor, callId, a.send.transportId);
    expect(await fromAdvisor).toMatchObject({ peerId: t.advisor.id });
    expect(t.server.calls.activeCalls[0]!.room.counts()).toMatchObject({
      producers: 3,
      consumers: 6,
    });

    // The record says an interpreter took part, as a role; so does the console's live call.
    await eventually(async () => (await record(t, callId))?.interpreter === 'lsf', 'the record');
    const tech = await client('/staff', t.technician.token);
    const { calls } = await tech.request(staffMonitoringRequests.callsLive, {});
    expect(calls.find((c) => c.callId === callId)?.interpreter).toEqual({
      kind: 'lsf',
      language: null,
    });
    expect(JSON.stringify(calls)).not.toContain('Interpreter');
    await advisor.request(callRequests.hangup, { callId });
    // The call history keeps the role.
    const history = await eventually(async () => {
      const { calls: past } = await tech.request(staffMonitoringRequests.callsHistory, {
        limit: 5,
      });
      return past.find((c) => c.callId === callId && c.endedAt !== null);
    }, 'the call in the history');
    expect(history.interpreter).toEqual({ kind: 'lsf', language: null });
  });

  test('a spoken-language invitation names its language, LSF and LPC none', async ({
    t,
    client,
  }) => {
    const { advisor, callId, atKiosk } = await interpreted(t, client, 'spoken');
    expect(atKiosk).toMatchObject({ kind: 'spoken', language: 'ar' });
    await eventually(async () => (await record(t, callId))?.interpreter === 'spoken:ar', 'record');
    for (const payload of [
      { callId, kind: 'spoken' },
      { callId, kind: 'lsf', language: 'en' },
      { callId, kind: 'spoken', language: 'English' },
    ])
      expect(
        await refusal(advisor.request(interpreterRequests.invite, payload as never)),
      ).toMatchObject({
        code: 'INVALID_INPUT',
      });
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('invitation codes', () => {
  test('a wrong, used, replaced or expired code is refused with its own reason', async ({
    t,
    client,
  }) => {
    const { advisor, interpreter, callId } = await call(t, client);
    const first = await advisor.request(interpreterRequests.invite, {
      callId,
      kind: 'lpc',
      language: null,
    });
    // A second invitation replaces the first (unused) one.
    const { code } = await advisor.request(interpreterRequests.invite, {
      callId,
      kind: 'lsf',
      language: null,
    });
    const wrong = code === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA';
    expect(await refusal(interpreter.request(interpreterRequests.join, { code: wrong }))).toEqual({
      code: 'NOT_FOUND',
      reason: 'interpreter_code_unknown',
      retryAfterSeconds: undefined,
    });
    expect(
      await refusal(interpreter.request(interpreterRequests.join, { code: first.code })),
    ).toMatchObject({ code: 'BAD_STATE', reason: 'interpreter_code_expired' });
    // Lower case, as typed: the same code.
    await interpreter.request(interpreterRequests.join, { code: code.toLowerCase() });
    // Used: refused, even to the one who used it.
    expect(await refusal(interpreter.request(interpreterRequests.join, { code }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'interpreter_code_used',
    });
    // While an interpreter takes part, no second one is invited.
    expect(
      await refusal(
        advisor.request(interpreterRequests.invite, { callId, kind: 'lsf', language: null }),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'interpreter_present' });
    await advisor.request(callRequests.hangup, { callId });
  });

  test('the call’s end expires its unused code', async ({ t, client }) => {
    const { advisor, interpreter, callId } = await call(t, client);
    const { code } = await advisor.request(interpreterRequests.invite, {
      callId,
      kind: 'lsf',
      language: null,
    });
    await advisor.request(callRequests.hangup, { callId });
    expect(await refusal(interpreter.request(interpreterRequests.join, { code }))).toMatchObject({
      code: 'BAD_STATE',
      reason: 'interpreter_code_expired',
    });
    expect(t.server.calls.activeCallOf(t.interpreter.id)).toBeUndefined();
  });

  test('only the call’s advisor invites, and only an interpreter joins or leaves', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, interpreter, callId } = await call(t, client);
    const advisor2 = await client('/staff', t.advisor2.token);
    const tech = await client('/staff', t.technician.token);
    const invite = { callId, kind: 'lsf', language: null } as const;
    // Another advisor does not see the call at all; other roles may not ask.
    expect(await refusal(advisor2.request(interpreterRequests.invite, invite))).toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const other of [tech, interpreter])
      expect(await refusal(other.request(interpreterRequests.invite, invite))).toMatchObject({
        code: 'FORBIDDEN',
      });
    // The kiosk's namespace has no such request.
    expect(await refusal(kiosk.request(interpreterRequests.invite, invite))).toMatchObject({
      code: 'UNKNOWN_MESSAGE',
    });
    const { code } = await advisor.request(interpreterRequests.invite, invite);
    for (const other of [advisor2, tech])
      expect(await refusal(other.request(interpreterRequests.join, { code }))).toMatchObject({
        code: 'FORBIDDEN',
      });
    expect(await refusal(advisor.request(interpreterRequests.leave, { callId }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    // Not in the call yet: the interpreter sees nothing of it.
    expect(await refusal(interpreter.request(interpreterRequests.leave, { callId }))).toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    expect(
      await refusal(interpreter.request(inCallRequests.chatHistory, { callId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    await interpreter.request(interpreterRequests.join, { code });
    // In the call: its text, never its documents.
    expect(
      await refusal(interpreter.request(inCallRequests.listDocuments, { callId })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('in the call', () => {
  test('real-time text reaches all three, drafts the two others', async ({ t, client }) => {
    const { kiosk, advisor, interpreter, callId } = await interpreted(t, client);
    const drafts = [
      nextEvent(kiosk, inCallEvents.chatDraft),
      nextEvent(advisor, inCallEvents.chatDraft),
    ];
    await interpreter.request(inCallRequests.chatDraft, { callId, text: 'Bonj' });
    for (const draft of await Promise.all(drafts))
      expect(draft).toEqual({ callId, from: 'interpreter', text: 'Bonj' });

    const heard = [kiosk, advisor, interpreter].map((c) => nextEvent(c, inCallEvents.chatMessage));
    const { message } = await interpreter.request(inCallRequests.chatSend, {
      callId,
      text: 'Bonjour',
    });
    for (const m of await Promise.all(heard))
      expect(m).toMatchObject({ id: message.id, from: 'interpreter', text: 'Bonjour' });

    const fromKiosk = nextEvent(interpreter, inCallEvents.chatMessage);
    await kiosk.request(inCallRequests.chatSend, { callId, text: 'Merci' });
    expect(await fromKiosk).toMatchObject({ from: 'kiosk', text: 'Merci' });
    const history = await interpreter.request(inCallRequests.chatHistory, { callId });
    expect(history.messages.map((m) => m.from)).toEqual(['interpreter', 'kiosk']);
    await advisor.request(callRequests.hangup, { callId });
  });

  test('the interpreter leaves: their media closes, the call goes on between the two', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, interpreter, callId } = await interpreted(t, client);
    await joinMedia(kiosk, callId);
    const i = await joinMedia(interpreter, callId);
    const announced = nextEvent(kiosk, mediaEvents.newProducer);
    const { producerId } = await sendMicrophone(interpreter, callId, i.send.transportId);
    await announced;
    const closed = nextEvent(kiosk, mediaEvents.consumerClosed);
    const left = [kiosk, advisor].map((c) => nextEvent(c, interpreterEvents.left));
    const ended = nextEvent(interpreter, callEvents.ended);
    await interpreter.request(interpreterRequests.leave, { callId });
    for (const l of await Promise.all(left))
      expect(l).toEqual({ callId, interpreterId: t.interpreter.id, reason: 'left' });
    expect(await closed).toMatchObject({ callId, producerId });
    expect(await ended).toMatchObject({ callId });
    // The call goes on: text still flows between its parties, and the interpreter is out of it.
    const atAdvisor = nextEvent(advisor, inCallEvents.chatMessage);
    await kiosk.request(inCallRequests.chatSend, { callId, text: 'Toujours là' });
    expect(await atAdvisor).toMatchObject({ from: 'kiosk' });
    expect(t.server.calls.activeCallOf(t.interpreter.id)).toBeUndefined();
    expect(
      await refusal(interpreter.request(inCallRequests.chatSend, { callId, text: 'x' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // A new interpreter may be invited after the first left; the record keeps the role.
    await advisor.request(interpreterRequests.invite, { callId, kind: 'lsf', language: null });
    expect((await record(t, callId))?.interpreter).toBe('lsf');
    await advisor.request(callRequests.hangup, { callId });
  });

  test('the interpreter’s hang-up is their leaving; the parties’ ends the call for all three', async ({
    t,
    client,
  }) => {
    const first = await interpreted(t, client);
    const left = nextEvent(first.kiosk, interpreterEvents.left);
    await first.interpreter.request(callRequests.hangup, { callId: first.callId });
    expect(await left).toMatchObject({ reason: 'left' });
    expect(t.server.calls.activeCallOf(t.kiosk.id)?.id).toBe(first.callId);

    const { code } = await first.advisor.request(interpreterRequests.invite, {
      callId: first.callId,
      kind: 'lsf',
      language: null,
    });
    await first.interpreter.request(interpreterRequests.join, { code });
    const ended = nextEvent(first.interpreter, callEvents.ended);
    await first.kiosk.request(callRequests.hangup, { callId: first.callId });
    expect(await ended).toMatchObject({ callId: first.callId, reason: 'hangup', endedBy: 'kiosk' });
  });

  test('the interpreter hears when either party is away and back', async ({ t, client }) => {
    const { kiosk, interpreter, advisor, callId } = await interpreted(t, client);
    const away = nextEvent(interpreter, callEvents.partyStatus);
    kiosk.socket.disconnect();
    expect(await away).toMatchObject({ callId, party: 'kiosk', state: 'away' });
    const back = nextEvent(interpreter, callEvents.partyStatus);
    kiosk.socket.connect();
    expect(await back).toMatchObject({ callId, party: 'kiosk', state: 'back' });
    await advisor.request(callRequests.hangup, { callId });
  });

  test('an interpreter who stays away leaves the call; the call goes on', async ({ t, client }) => {
    const { kiosk, advisor, interpreter, callId } = await interpreted(t, client);
    const left = nextEvent(kiosk, interpreterEvents.left);
    interpreter.socket.close();
    expect(await left).toEqual({ callId, interpreterId: t.interpreter.id, reason: 'disconnected' });
    expect(t.server.calls.activeCallOf(t.kiosk.id)?.id).toBe(callId);
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('invitation links for interpreters without an account', () => {
  const guestPass = (t: TestServer, code: string) =>
    api(t, 'POST', '/api/interpreter/guest', { body: { code } });

  test('the code exchanges for a guest pass: the interpreter role only, this call only, until it ends', async ({
    t,
    client,
  }) => {
    const { advisor, callId } = await call(t, client);
    const { code } = await advisor.request(interpreterRequests.invite, {
      callId,
      kind: 'lpc',
      language: null,
    });
    const answer = await guestPass(t, code);
    expect(answer.status).toBe(200);
    const { token } = answer.body as { token: string };
    const guest = await client('/staff', token);
    const { principal } = await guest.request(sessionRequests.whoami, {});
    // A role, no account: no name but the role's, no agenda.
    expect(principal).toMatchObject({ kind: 'staff', name: 'Interpreter', roles: ['interpreter'] });
    expect(await refusal(guest.request(staffSchedulingRequests.agenda, {}))).toMatchObject({
      code: 'FORBIDDEN',
    });
    // The pass did not spend the code: the guest's join does.
    const joined = nextEvent(advisor, interpreterEvents.joined);
    await guest.request(interpreterRequests.join, { code });
    expect(await joined).toMatchObject({ kind: 'lpc' });
    expect(await guestPass(t, code).then(restError)).toMatchObject({
      code: 'CONFLICT',
      reason: 'interpreter_code_used',
    });
    expect(await guestPass(t, 'AAAAAAAA').then(restError)).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'interpreter_code_unknown',
    });
    // The pass dies with the call.
    await advisor.request(callRequests.hangup, { callId });
    await expect(connect(t.url, '/staff', token)).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  test('a guest pass joins the call of its code, no other', async ({ t, client }) => {
    const first = await call(t, client);
    const advisor2 = await client('/staff', t.advisor2.token);
    await client('/kiosk', t.kiosk2.token);
    const other = await startDirectCall(t, t.advisor2.token, t.kiosk2.id);
    const invite = (c: SignallingClient, callId: string) =>
      c.request(interpreterRequests.invite, { callId, kind: 'lsf', language: null });
    const firstCode = (await invite(first.advisor, first.callId)).code;
    const otherCode = (await invite(advisor2, other.callId)).code;
    const { token } = (await guestPass(t, firstCode)).body as { token: string };
    const guest = await client('/staff', token);
    expect(
      await refusal(guest.request(interpreterRequests.join, { code: otherCode })),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'interpreter_code_unknown' });
    await guest.request(interpreterRequests.join, { code: firstCode });
    await advisor2.request(callRequests.hangup, { callId: other.callId });
    await first.advisor.request(callRequests.hangup, { callId: first.callId });
  });

  test('a network that tries too many unknown codes waits', async ({ startServer }) => {
    const own = await startServer();
    for (let i = 0; i < 10; i++)
      expect(await guestPass(own, 'AAAAAAAA').then(restError)).toMatchObject({
        code: 'NOT_FOUND',
      });
    const refused = await guestPass(own, 'AAAAAAAA');
    expect(refused.status).toBe(429);
    expect(restError(refused)).toMatchObject({ code: 'RATE_LIMITED', reason: 'too_many_codes' });
    expect(restError(refused).retryAfterSeconds).toBeGreaterThan(0);
  });
});
