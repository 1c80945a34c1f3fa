import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, fromPromise, type EventObject } from 'xstate';
import type { PartyCall } from '@visio/shared/client';
import { AppError, type CallStarted, type WaitingStatus } from '@visio/shared/protocol';
import { screenOf } from '../../../kiosk-client/src/session/KioskScreen';
import { createVisit, type Visit } from '../../../kiosk-client/src/visit/Visit';
import {
  LANGUAGE_RESET_MS,
  NOTICE_MS,
  visitMachine,
  type KioskStatus,
  type VisitEvent,
} from '../../../kiosk-client/src/visit/visitMachine';

const ONLINE: KioskStatus = {
  access: 'granted',
  online: true,
  everOnline: true,
  outOfService: false,
};
const IDLE_MS = 120_000;
const WARNING_S = 20;

const waitingStatus = (serviceName = 'Caisse d’allocations familiales'): WaitingStatus => ({
  appointmentId: randomUUID(),
  kind: 'appointment',
  serviceName,
  advisor: { name: 'Camille Martin', status: 'available' },
  position: null,
  checkedInAt: new Date().toISOString(),
});

const callStarted = (): CallStarted => ({
  callId: randomUUID(),
  kioskId: randomUUID(),
  advisorId: randomUUID(),
  peerName: 'Camille Martin',
  appointmentId: null,
  rtpCapabilities: { codecs: [], headerExtensions: [] },
  mediaEpoch: 0,
});

/**
 * The visit machine with its effects recorded and the server played by the test: requests
 * answer what `server` says, the call is a stand-in whose start and close are recorded.
 */
function visit(options: { snapshotOf?: (machine: typeof visitMachine) => unknown } = {}) {
  const effects: string[] = [];
  const server = {
    checkIn: async (_code: string): Promise<{ waiting: WaitingStatus }> => ({
      waiting: waitingStatus(),
    }),
    joinWalkIn: async (): Promise<{ waiting: WaitingStatus }> => ({ waiting: waitingStatus() }),
    submitted: [] as unknown[],
  };
  const calls: { callId: string; sendBack: (event: VisitEvent) => void; closed: boolean }[] = [];
  const machine = visitMachine.provide({
    actions: {
      openDevices: () => void effects.push('openDevices'),
      releaseDevices: () => void effects.push('releaseDevices'),
      forgetCitizen: () => void effects.push('forgetCitizen'),
      silence: () => void effects.push('silence'),
      refreshHome: () => void effects.push('refreshHome'),
      visitEnded: () => void effects.push('visitEnded'),
    },
    actors: {
      checkIn: fromPromise(({ input }) => server.checkIn(input.code)),
      joinWalkIn: fromPromise(() => server.joinWalkIn()),
      cancelWaiting: fromPromise<void, void>(async () => {
        effects.push('cancelWaiting');
      }),
      submitSurvey: fromPromise<void, { callId: string; rating: number; badQuality: boolean }>(
        async ({ input }) => {
          server.submitted.push(input);
        },
      ),
      partyCall: fromCallback<EventObject, { call: CallStarted }>(({ input, sendBack }) => {
        const call = { callId: input.call.callId, sendBack, closed: false };
        calls.push(call);
        sendBack({
          type: 'call.ready',
          partyCall: { callId: call.callId } as unknown as PartyCall,
        });
        return () => {
          call.closed = true;
        };
      }),
    },
  });
  const snapshot = options.snapshotOf?.(machine);
  const actor = createActor(machine, {
    input: { timings: { idleMs: IDLE_MS, warningSeconds: WARNING_S } },
    ...(snapshot ? { snapshot: snapshot as never } : {}),
  });
  actor.start();
  if (!snapshot) actor.send({ type: 'kiosk.status', status: ONLINE });
  const send = (event: VisitEvent) => actor.send(event);
  const ctx = () => actor.getSnapshot().context;
  const screen = () => screenOf(actor.getSnapshot());
  return { actor, send, ctx, screen, effects, server, calls, machine };
}

const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the citizen’s visit', () => {
  it('goes welcome → code → device check → waiting → call → survey → welcome, wiped', async () => {
    const v = visit();
    expect(v.screen()).toBe('welcome');
    v.send({ type: 'language.set', language: 'en' });
    v.send({ type: 'code.open' });
    expect(v.screen()).toBe('code');
    v.send({ type: 'code.submit', code: '482913' });
    expect(v.actor.getSnapshot().matches({ step: { code: 'checking' } })).toBe(true);
    await tick();
    expect(v.screen()).toBe('device-check');
    expect(v.ctx().visit.announcement).toMatchObject({
      key: 'announce.waiting',
      params: { service: 'Caisse d’allocations familiales' },
    });
    expect(v.effects).toEqual(['openDevices']);
    v.send({ type: 'output.set', deviceId: 'handset' });
    v.send({ type: 'deviceCheck.done' });
    expect(v.screen()).toBe('waiting');

    const call = callStarted();
    v.send({ type: 'server.callStarted', call });
    expect(v.screen()).toBe('call');
    expect(v.calls.map((c) => c.callId)).toEqual([call.callId]);
    expect(v.ctx().visit.partyCall).not.toBeNull();
    expect(v.ctx().visit.waiting).toBeNull();
    v.send({ type: 'call.announce', announcement: { key: 'announce.connected' } });
    expect(v.ctx().visit.announcement?.key).toBe('announce.connected');

    v.calls[0]!.sendBack({ type: 'call.ended', end: { by: 'self' } });
    expect(v.screen()).toBe('survey');
    expect(v.calls[0]!.closed).toBe(true);
    expect(v.ctx().visit).toMatchObject({
      call: null,
      partyCall: null,
      surveyCallId: call.callId,
      noticeAfterSurvey: 'welcome.callEnded',
      announcement: { key: 'announce.callEnded' },
    });
    expect(v.effects.at(-1)).toBe('releaseDevices');

    v.send({ type: 'survey.submit', rating: 4, badQuality: true });
    expect(v.actor.getSnapshot().matches({ step: { survey: 'sending' } })).toBe(true);
    await tick();
    expect(v.server.submitted).toEqual([{ callId: call.callId, rating: 4, badQuality: true }]);
    expect(v.screen()).toBe('welcome');
    expect(v.ctx().visit).toEqual({ ...createVisit(), notice: 'welcome.callEnded' });
    expect(v.effects.slice(-3)).toEqual(['releaseDevices', 'forgetCitizen', 'visitEnded']);
    // The notice is for whoever just left: gone before the next person comes.
    await tick(NOTICE_MS);
    expect(v.ctx().visit.notice).toBeNull();
  });

  it('joins a walk-in queue, and says why when the service refuses', async () => {
    const v = visit();
    v.server.joinWalkIn = async () => {
      throw new AppError('CONFLICT', 'closed', undefined, { reason: 'walk_in_closed' });
    };
    v.send({ type: 'walkIn.join', serviceId: randomUUID() });
    expect(v.actor.getSnapshot().matches({ step: { welcome: 'joining' } })).toBe(true);
    // One request at a time: the code screen waits for the answer.
    v.send({ type: 'code.open' });
    expect(v.actor.getSnapshot().matches({ step: { welcome: 'joining' } })).toBe(true);
    await tick();
    expect(v.ctx().visit.walkInProblem).toMatchObject({
      code: 'CONFLICT',
      reason: 'walk_in_closed',
    });
    expect(v.effects).toEqual(['refreshHome']);
    await tick(NOTICE_MS);
    expect(v.ctx().visit.walkInProblem).toBeNull();

    v.server.joinWalkIn = async () => ({ waiting: waitingStatus('France Travail') });
    v.send({ type: 'walkIn.join', serviceId: randomUUID() });
    await tick();
    expect(v.screen()).toBe('device-check');
    expect(v.ctx().visit.waiting?.serviceName).toBe('France Travail');
  });

  it('reads the code from the convocation’s QR code: the same check-in, never retried by itself', async () => {
    const v = visit();
    v.send({ type: 'code.open', entry: 'scan' });
    expect(v.screen()).toBe('code');
    expect(v.ctx().visit.codeEntry).toBe('scan');
    const sent: string[] = [];
    v.server.checkIn = async (code) => {
      sent.push(code);
      throw new AppError('NOT_FOUND', 'wrong', undefined, { reason: 'wrong_code' });
    };
    v.send({ type: 'code.submit', code: '482913', via: 'scan' });
    expect(v.ctx().visit.announcement?.key).toBe('announce.codeScanned');
    await tick();
    // Refused: back to the keypad, the scanner does not read the same letter again by itself.
    expect(sent).toEqual(['482913']);
    expect(v.ctx().visit.codeEntry).toBe('keypad');
    expect(v.ctx().visit.codeProblem).toMatchObject({ reason: 'wrong_code' });
    // Scanning again is the citizen's choice, and clears the message.
    v.send({ type: 'code.entry', entry: 'scan' });
    expect(v.ctx().visit).toMatchObject({ codeEntry: 'scan', codeProblem: null });
    v.server.checkIn = async () => ({ waiting: waitingStatus() });
    v.send({ type: 'code.submit', code: '482913', via: 'scan' });
    // No switching while the code is checked.
    v.send({ type: 'code.entry', entry: 'keypad' });
    expect(v.ctx().visit.codeEntry).toBe('scan');
    await tick();
    expect(v.screen()).toBe('device-check');

    // Back from the code screen, and the next citizen starts on the keypad.
    const w = visit();
    w.send({ type: 'code.open', entry: 'scan' });
    w.send({ type: 'code.back' });
    expect(w.ctx().visit.codeEntry).toBe('keypad');
    w.send({ type: 'code.open' });
    expect(w.ctx().visit.codeEntry).toBe('keypad');
  });

  it('refuses a wrong code, and locks code entry for as long as the server says', async () => {
    const v = visit();
    v.send({ type: 'code.open' });
    v.server.checkIn = async () => {
      throw new AppError('NOT_FOUND', 'wrong', undefined, { reason: 'wrong_code' });
    };
    v.send({ type: 'code.submit', code: '000000' });
    await tick();
    expect(v.screen()).toBe('code');
    expect(v.ctx().visit.codeProblem).toMatchObject({ code: 'NOT_FOUND', reason: 'wrong_code' });
    expect(v.ctx().visit.announcement?.key).toBe('announce.codeRefused');
    const first = v.ctx().visit.codeProblem;

    v.server.checkIn = async () => {
      throw new AppError('RATE_LIMITED', 'locked', undefined, { retryAfterSeconds: 300 });
    };
    v.send({ type: 'code.submit', code: '000001' });
    await tick();
    expect(v.ctx().visit.codeProblem).not.toBe(first);
    expect(v.ctx().codeLockedUntil).toBe(Date.now() + 300_000);
    // Locked: a code typed now is not even sent.
    v.send({ type: 'code.submit', code: '482913' });
    expect(v.actor.getSnapshot().matches({ step: { code: 'entering' } })).toBe(true);
    // The server locked the kiosk, not the citizen: the next citizen is locked out too.
    v.send({ type: 'code.back' });
    await tick(300_000 - 1);
    expect(v.ctx().codeLockedUntil).not.toBeNull();
    v.send({ type: 'code.open' });
    v.send({ type: 'code.submit', code: '482913' });
    expect(v.actor.getSnapshot().matches({ step: { code: 'entering' } })).toBe(true);

    // The wait is over: the keypad works again, without anyone asking.
    await tick(1);
    expect(v.ctx().codeLockedUntil).toBeNull();

    // A lock that ends while its message shows takes the message with it.
    v.server.checkIn = async () => {
      throw new AppError('RATE_LIMITED', 'locked', undefined, { retryAfterSeconds: 30 });
    };
    v.send({ type: 'code.submit', code: '000002' });
    await tick();
    expect(v.ctx().visit.codeProblem?.code).toBe('RATE_LIMITED');
    await tick(30_000);
    expect(v.ctx().codeLockedUntil).toBeNull();
    expect(v.ctx().visit.codeProblem).toBeNull();
    expect(v.screen()).toBe('code');
    v.server.checkIn = async () => ({ waiting: waitingStatus() });
    v.send({ type: 'code.submit', code: '482913' });
    await tick();
    expect(v.screen()).toBe('device-check');
  });

  it('leaves the waiting room when the citizen cancels, even if the server already forgot them', async () => {
    const v = visit();
    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    v.send({ type: 'deviceCheck.done' });
    v.send({ type: 'waiting.cancel' });
    expect(screenOf(v.actor.getSnapshot())).toBe('waiting');
    expect(v.actor.getSnapshot().matches({ step: { waiting: { leaving: 'cancelling' } } })).toBe(
      true,
    );
    await tick();
    expect(v.effects).toContain('cancelWaiting');
    expect(v.screen()).toBe('welcome');
    expect(v.ctx().visit.notice).toBe('welcome.left');
  });
});

describe('what the server says of the citizen', () => {
  it('brings a citizen back to the device check after a reload, without announcing it again', () => {
    const v = visit();
    v.send({ type: 'server.home', waiting: null });
    expect(v.screen()).toBe('welcome');
    v.send({ type: 'server.home', waiting: waitingStatus() });
    expect(v.screen()).toBe('device-check');
    expect(v.ctx().visit.announcement).toBeNull();
    expect(v.effects).toEqual(['openDevices']);
    v.send({ type: 'deviceCheck.done' });
    // A reconnection meanwhile: still in the waiting room, not checking the devices again.
    v.send({ type: 'server.home', waiting: { ...waitingStatus(), position: 2 } });
    expect(v.screen()).toBe('waiting');
    expect(v.ctx().visit.waiting?.position).toBe(2);
  });

  it('ends the wait with the server’s reason, or as expired when the server knows nobody waiting', () => {
    const v = visit();
    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    v.send({ type: 'server.waitingEnded', reason: 'no_show' });
    expect(v.screen()).toBe('welcome');
    expect(v.ctx().visit.notice).toBe('welcome.waitingEnded.no_show');

    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    v.send({ type: 'server.home', waiting: null });
    expect(v.ctx().visit.notice).toBe('welcome.waitingEnded.expired');
  });

  it('a call replaces another one: the first closes, the second starts', () => {
    const v = visit();
    const first = callStarted();
    const second = callStarted();
    v.send({ type: 'server.callStarted', call: first });
    v.send({ type: 'server.callStarted', call: first }); // announced again after a reconnect
    expect(v.calls).toHaveLength(1);
    v.send({ type: 'server.callStarted', call: second });
    expect(v.calls.map((c) => [c.callId, c.closed])).toEqual([
      [first.callId, true],
      [second.callId, false],
    ]);
    expect(v.ctx().visit.call?.callId).toBe(second.callId);
    // In a call the waiting room is over.
    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    expect(v.screen()).toBe('call');
  });

  it('a failed call says so after the survey; a refused kiosk forgets the citizen at once', () => {
    const v = visit();
    v.send({ type: 'server.callStarted', call: callStarted() });
    v.calls[0]!.sendBack({ type: 'call.ended', end: { by: 'failure' } });
    expect(v.ctx().visit.noticeAfterSurvey).toBe('welcome.callFailed');
    v.send({ type: 'survey.skip' });
    expect(v.ctx().visit.notice).toBe('welcome.callFailed');

    v.send({ type: 'server.callStarted', call: callStarted() });
    v.send({ type: 'language.set', language: 'en' });
    v.send({ type: 'kiosk.status', status: { ...ONLINE, access: 'unauthorized' } });
    expect(v.screen()).toBe('unauthorized');
    expect(v.calls[1]!.closed).toBe(true);
    expect(v.ctx().visit).toEqual(createVisit());
    expect(v.effects.slice(-2)).toEqual(['releaseDevices', 'forgetCitizen']);
  });
});

describe('a call that survives faults', () => {
  it('stays in the same call when the server announces it again with a newer media room', () => {
    const v = visit();
    const call = callStarted();
    v.send({ type: 'server.callStarted', call });
    const partyCall = v.ctx().visit.partyCall;
    // After a re-home or a server restart: the PartyCall rebuilds its media, the visit stays.
    v.send({ type: 'server.callStarted', call: { ...call, mediaEpoch: 1 } });
    expect(v.screen()).toBe('call');
    expect(v.calls.map((c) => [c.callId, c.closed])).toEqual([[call.callId, false]]);
    expect(v.ctx().visit.partyCall).toBe(partyCall);
    v.send({ type: 'call.announce', announcement: { key: 'announce.peerAway' } });
    expect(v.ctx().visit.announcement?.key).toBe('announce.peerAway');
    v.send({ type: 'call.announce', announcement: { key: 'announce.peerBack' } });
    expect(v.screen()).toBe('call');
    expect(v.ctx().visit.announcement?.key).toBe('announce.peerBack');
  });

  it('stays in the same call through a warm transfer: told calmly, the new advisor named, never wiped', () => {
    const v = visit();
    const call = callStarted();
    v.send({ type: 'server.callStarted', call });
    const partyCall = v.ctx().visit.partyCall;
    const handover = {
      callId: call.callId,
      serviceName: 'Service B',
      advisorName: null,
      advisorSince: null,
    };
    const since = new Date().toISOString();
    v.send({ type: 'server.handover', handover: { ...handover, state: 'offered' } });
    expect(v.ctx().visit.handover?.state).toBe('offered');
    expect(v.ctx().visit.announcement).toMatchObject({
      key: 'announce.handover.offered',
      params: { service: 'Service B' },
    });
    // Not this call's: ignored.
    v.send({
      type: 'server.handover',
      handover: { ...handover, callId: crypto.randomUUID(), state: 'withdrawn' },
    });
    expect(v.ctx().visit.handover?.state).toBe('offered');
    v.send({ type: 'server.handover', handover: { ...handover, state: 'withdrawn' } });
    expect(v.ctx().visit.handover).toBeNull();
    v.send({ type: 'server.handover', handover: { ...handover, state: 'offered' } });
    v.send({
      type: 'server.handover',
      handover: { ...handover, state: 'done', advisorName: 'Advisor Three', advisorSince: since },
    });
    expect(v.screen()).toBe('call');
    expect(v.ctx().visit.call).toEqual({
      ...call,
      peerName: 'Advisor Three',
      advisorSince: since,
    });
    expect(v.ctx().visit.partyCall).toBe(partyCall);
    expect(v.calls.map((c) => [c.callId, c.closed])).toEqual([[call.callId, false]]);
    expect(v.effects).not.toContain('forgetCitizen');
    expect(v.ctx().visit.announcement).toMatchObject({
      key: 'announce.handover.done',
      params: { name: 'Advisor Three', service: 'Service B' },
    });
  });

  it('sends the citizen back to the waiting room, not home, when their advisor does not come back', async () => {
    const v = visit();
    v.send({ type: 'language.set', language: 'en' });
    v.send({ type: 'code.open' });
    v.send({ type: 'code.submit', code: '482913' });
    await tick();
    v.send({ type: 'deviceCheck.done' });
    v.send({ type: 'output.set', deviceId: 'handset' });
    const call = callStarted();
    v.send({ type: 'server.callStarted', call });
    const before = [...v.effects];

    v.calls[0]!.sendBack({
      type: 'call.ended',
      end: { by: 'server', reason: 'advisor_disconnected', endedBy: 'system' },
    });
    // The waiting room itself (no device check again), told why, no survey.
    expect(v.screen()).toBe('waiting');
    expect(v.calls[0]!.closed).toBe(true);
    expect(v.ctx().visit).toMatchObject({
      requeued: 'advisor_disconnected',
      call: null,
      partyCall: null,
      surveyCallId: null,
      language: 'en',
      outputDeviceId: 'handset',
      announcement: { key: 'announce.requeued.advisor_disconnected' },
    });
    // The same citizen: nothing wiped, the devices stay open for the colleague's call.
    expect(v.effects.slice(before.length)).toEqual(['openDevices']);

    // The server tells their place (the head of the queue), then a colleague takes them.
    const place = { ...waitingStatus(), position: 1 };
    v.send({ type: 'server.waitingStatus', status: place });
    expect(v.screen()).toBe('waiting');
    expect(v.ctx().visit.waiting).toEqual(place);
    expect(v.ctx().visit.requeued).toBe('advisor_disconnected');
    // Waiting without touching anything is normal: no "still there?" reset.
    await tick(IDLE_MS + WARNING_S * 1000);
    expect(v.screen()).toBe('waiting');

    const next = callStarted();
    v.send({ type: 'server.callStarted', call: next });
    expect(v.screen()).toBe('call');
    expect(v.ctx().visit).toMatchObject({ requeued: null, waiting: null, language: 'en' });
    expect(v.calls.map((c) => c.callId)).toEqual([call.callId, next.callId]);
  });

  it('takes the citizen back to the head of the queue, told why, when the call’s media never got through', () => {
    const v = visit();
    v.send({ type: 'server.callStarted', call: callStarted() });
    const before = [...v.effects];
    v.calls[0]!.sendBack({
      type: 'call.ended',
      end: { by: 'server', reason: 'media_unreachable', endedBy: 'system', unreachable: ['kiosk'] },
    });
    expect(v.screen()).toBe('waiting');
    expect(v.ctx().visit).toMatchObject({
      requeued: 'media_unreachable',
      call: null,
      surveyCallId: null,
      announcement: { key: 'announce.requeued.media_unreachable' },
    });
    // Never a survey nor a wipe: the call did not happen, the citizen still waits.
    expect(v.effects.slice(before.length)).toEqual(['openDevices']);
  });

  it('keeps a waiting place the server tells before the end of the call', () => {
    const v = visit();
    v.send({ type: 'server.callStarted', call: callStarted() });
    const place = { ...waitingStatus(), position: 1 };
    v.send({ type: 'server.waitingStatus', status: place });
    expect(v.screen()).toBe('call');
    v.calls[0]!.sendBack({
      type: 'call.ended',
      end: { by: 'server', reason: 'advisor_disconnected', endedBy: 'system' },
    });
    expect(v.screen()).toBe('waiting');
    expect(v.ctx().visit.waiting).toEqual(place);
  });

  it('ends the visit as before for every other reason the server gives', () => {
    for (const reason of ['peer_disconnected', 'media_failed', 'ended_by_staff'] as const) {
      const v = visit();
      v.send({ type: 'server.callStarted', call: callStarted() });
      v.calls[0]!.sendBack({
        type: 'call.ended',
        end: { by: 'server', reason, endedBy: 'system' },
      });
      expect(v.screen()).toBe('survey');
      expect(v.ctx().visit.requeued).toBeNull();
      expect(v.effects.at(-1)).toBe('releaseDevices');
    }
  });
});

describe('the screens the kiosk shows', () => {
  it('puts the kiosk’s own state over the visit, except for a citizen waiting or in a call', () => {
    const v = visit();
    v.send({ type: 'kiosk.status', status: { ...ONLINE, everOnline: false, online: false } });
    expect(v.screen()).toBe('connecting');
    v.send({ type: 'kiosk.status', status: { ...ONLINE, online: false } });
    expect(v.screen()).toBe('offline');
    v.send({ type: 'kiosk.status', status: { ...ONLINE, outOfService: true } });
    expect(v.screen()).toBe('out-of-service');
    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    v.send({ type: 'kiosk.status', status: { ...ONLINE, online: false } });
    expect(v.screen()).toBe('device-check');
    v.send({ type: 'server.callStarted', call: callStarted() });
    expect(v.screen()).toBe('call');
  });
});

describe('the timers of the visit', () => {
  it('warns after a while without a touch, counts down, and resets the code screen', async () => {
    const v = visit();
    v.send({ type: 'language.set', language: 'en' });
    v.send({ type: 'code.open' });
    await tick(IDLE_MS - 1);
    expect(v.ctx().countdown).toBeNull();
    v.send({ type: 'touch' });
    await tick(IDLE_MS - 1);
    expect(v.ctx().countdown).toBeNull();
    await tick(1);
    expect(v.ctx().countdown).toBe(WARNING_S);
    await tick(5_000);
    expect(v.ctx().countdown).toBe(WARNING_S - 5);
    // "I'm still here": the warning goes, the wait starts over.
    v.send({ type: 'touch' });
    expect(v.ctx().countdown).toBeNull();
    expect(v.screen()).toBe('code');
    await tick(IDLE_MS + (WARNING_S - 1) * 1000);
    expect(v.ctx().countdown).toBe(1);
    expect(v.screen()).toBe('code');
    await tick(1000);
    expect(v.ctx().countdown).toBeNull();
    expect(v.screen()).toBe('welcome');
    expect(v.ctx().visit).toEqual(createVisit());
    expect(v.effects).toEqual(['releaseDevices', 'forgetCitizen', 'visitEnded']);
    // Nothing of the citizen on the welcome screen: nothing to watch any more.
    await tick(IDLE_MS * 3);
    expect(v.ctx().countdown).toBeNull();
  });

  it('watches the device check and the survey, not the waiting room nor the call', async () => {
    const v = visit();
    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    await tick(IDLE_MS + WARNING_S * 1000);
    // Nobody checking their devices: they left, their place is given up.
    expect(v.effects).toContain('cancelWaiting');
    expect(v.screen()).toBe('welcome');

    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    v.send({ type: 'deviceCheck.done' });
    await tick(IDLE_MS * 2);
    expect(v.screen()).toBe('waiting');
    v.send({ type: 'server.callStarted', call: callStarted() });
    await tick(IDLE_MS * 2);
    expect(v.screen()).toBe('call');
    v.calls[0]!.sendBack({
      type: 'call.ended',
      end: { by: 'server', reason: 'hangup', endedBy: 'advisor' },
    });
    expect(v.screen()).toBe('survey');
    await tick(IDLE_MS);
    expect(v.ctx().countdown).toBe(WARNING_S);
    await tick(WARNING_S * 1000);
    expect(v.screen()).toBe('welcome');
    expect(v.ctx().visit.notice).toBe('welcome.callEnded');
  });

  it('watches the welcome screen only while something of the citizen shows there', async () => {
    const v = visit();
    await tick(IDLE_MS * 2);
    expect(v.ctx().countdown).toBeNull();
    v.send({ type: 'readAloud.set', on: true });
    await tick(IDLE_MS);
    expect(v.ctx().countdown).toBe(WARNING_S);
    // The kiosk went offline: the offline screen is not the citizen's.
    v.send({ type: 'kiosk.status', status: { ...ONLINE, online: false } });
    expect(v.ctx().countdown).toBeNull();
    v.send({ type: 'kiosk.status', status: ONLINE });
    await tick(IDLE_MS + WARNING_S * 1000);
    expect(v.ctx().visit.readAloud).toBe(false);
    expect(v.effects).toContain('silence');
  });

  it('takes the welcome notice away after a while', async () => {
    const v = visit();
    v.send({ type: 'server.waitingStatus', status: waitingStatus() });
    v.send({ type: 'server.waitingEnded', reason: 'cancelled' });
    expect(v.actor.getSnapshot().matches({ step: { welcome: 'notice' } })).toBe(true);
    await tick(NOTICE_MS - 1);
    expect(v.ctx().visit.notice).toBe('welcome.waitingEnded.cancelled');
    await tick(1);
    expect(v.ctx().visit.notice).toBeNull();
  });

  it('puts the language back at the welcome screen a while after it was chosen', async () => {
    const v = visit();
    v.send({ type: 'language.set', language: 'en' });
    v.send({ type: 'code.open' });
    // Busy typing a code (touching the screen): the language stays.
    for (let t = 0; t < LANGUAGE_RESET_MS; t += 60_000) {
      await tick(60_000);
      v.send({ type: 'touch' });
    }
    expect(v.ctx().visit.language).toBe('en');
    v.send({ type: 'code.back' });
    await tick(60_000);
    v.send({ type: 'touch' });
    expect(v.ctx().visit.language).toBe('en');
    // Checked again at the next period, on the welcome screen now.
    await tick(LANGUAGE_RESET_MS - 60_000);
    expect(v.ctx().visit.language).toBe('fr');
  });
});

describe('the privacy wipe', () => {
  /** A visit with every field of the slice set, and one more that no code knows about. */
  function everythingSet(): Visit & { testOnly: string } {
    const call = callStarted();
    return {
      language: 'en',
      readAloud: true,
      outputDeviceId: 'handset',
      notice: 'welcome.left',
      codeProblem: { code: 'NOT_FOUND', reason: 'wrong_code', seq: 1 },
      walkInProblem: { code: 'CONFLICT', reason: 'kiosk_busy', seq: 2 },
      codeEntry: 'scan',
      waiting: waitingStatus(),
      requeued: 'advisor_disconnected',
      call,
      handover: {
        callId: call.callId,
        state: 'done',
        serviceName: 'Service B',
        advisorName: 'Advisor Three',
        advisorSince: new Date().toISOString(),
      },
      partyCall: { callId: call.callId } as unknown as PartyCall,
      surveyCallId: call.callId,
      noticeAfterSurvey: 'welcome.callEnded',
      announcement: { key: 'announce.callEnded', seq: 7 },
      testOnly: 'a field added after the wipe was written',
    };
  }

  it('replaces the whole slice: every field, including one added later, is gone', async () => {
    const filled = everythingSet();
    // Every field of today's slice is set, so the proof below covers them all.
    for (const [key, value] of Object.entries(createVisit()))
      expect(filled[key as keyof Visit], key).not.toEqual(value);

    const v = visit({
      snapshotOf: (machine) => {
        const start = createActor(machine, {
          input: { timings: { idleMs: IDLE_MS, warningSeconds: WARNING_S } },
        }).getSnapshot();
        return machine.resolveState({
          value: {
            step: { survey: 'answering' },
            inactivity: 'off',
            languageReset: 'off',
            codeLock: 'open',
          },
          context: { ...start.context, kiosk: ONLINE, visit: filled },
        });
      },
    });
    expect((v.ctx().visit as Visit & { testOnly?: string }).testOnly).toBe(filled.testOnly);
    v.send({ type: 'survey.skip' });
    expect(v.screen()).toBe('welcome');
    // All of it back to a new visit's; only the goodbye of the survey shows, for a while.
    expect(v.ctx().visit).toEqual({ ...createVisit(), notice: 'welcome.callEnded' });
    expect('testOnly' in v.ctx().visit).toBe(false);
    expect(v.effects).toEqual(['releaseDevices', 'forgetCitizen', 'visitEnded']);
  });
});
