import { randomUUID } from 'node:crypto';
import {
  kioskLinkTestRequests,
  kioskSchedulingRequests,
  staffLinkTestEvents,
  staffLinkTestRequests,
  staffMonitoringEvents,
  staffMonitoringRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import type { SignallingClient } from '@visio/shared/client';
import { describe, expect, test, type OpenClient } from '../support/integrationTest';
import { eventWhere, eventually, refusal } from '../support/appointments';
import { FAKE_DTLS } from '../support/fakeMedia';
import { rawRequest } from '../support/socketClient';
import { enrolKiosk, startDirectCall, workerObjectCounts } from '../support/testServer';
import type { TestServer } from '../support/testServer';

// The pre-call link test's protocol on a real server and media worker: what a test opens and
// closes, its limits (one per kiosk per interval, a bounded number at once, never during the
// kiosk's call, closed at its deadline), bad input, and what is stored and told. Real data over
// the probe paths needs a browser: test/e2e/linkTest.test.ts.

test.override({
  serverEnv: {
    LINK_TEST_MIN_INTERVAL_MS: '60000',
    LINK_TEST_MAX_CONCURRENT: '2',
    LINK_TEST_DEADLINE_MS: '1000',
  },
  afterEachTest: 'no appointments',
});

/** A kiosk of its own per test: the per-kiosk interval would otherwise carry over. */
async function freshKiosk(t: TestServer, client: OpenClient) {
  const party = await enrolKiosk(t.server, `Probe ${randomUUID().slice(0, 8)}`, t.site);
  return { id: party.id, kiosk: await client('/kiosk', party.token) };
}

const noRtt = { udp: null, tcp: null, turn: null };

/** Ends a kiosk's test as one where nothing connected (frees its place on the server). */
function finishUnreached(kiosk: SignallingClient, testId: string) {
  return kiosk.request(kioskLinkTestRequests.finish, {
    testId,
    measuredPath: null,
    rttMs: noRtt,
    lossSent: 0,
  });
}

describe('link test', () => {
  test('opens one probe transport per direct path (no TURN without a relay) and closes it when finished', async ({
    t,
    client,
  }) => {
    const { kiosk } = await freshKiosk(t, client);
    const before = (await workerObjectCounts(t.server)).routers;
    const started = await kiosk.request(kioskLinkTestRequests.start, {});
    expect(started.paths.map((p) => p.path)).toEqual(['udp', 'tcp']);
    for (const p of started.paths) {
      expect(p.iceServers).toBeNull();
      // Each path's transport offers only its own protocol.
      const protocols = new Set(p.iceCandidates.map((c) => c.protocol));
      expect([...protocols]).toEqual([p.path]);
      expect(p.sctpParameters).toMatchObject({ port: 5000 });
    }
    expect(started.plan.maxKbps).toBeGreaterThan(0);
    expect((await workerObjectCounts(t.server)).routers).toBe(before + 1);

    // Nothing connected: no path, graded impossible.
    const { result } = await finishUnreached(kiosk, started.testId);
    expect(result).toMatchObject({
      grade: 'impossible',
      limits: ['no_path'],
      reachable: { udp: false, tcp: false, turn: null },
      measuredPath: null,
      throughputKbps: null,
    });
    expect((await workerObjectCounts(t.server)).routers).toBe(before);
    expect(await refusal(finishUnreached(kiosk, started.testId))).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'link_test_closed',
    });
  });

  test('stores each run: the console gets it live, in the fleet and in the kiosk history, with a link_degraded alert for an impossible link', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const { id, kiosk } = await freshKiosk(t, client);
    const told = eventWhere(tech, staffLinkTestEvents.result, (p) => p.result.kioskId === id);
    const alerted = eventWhere(tech, staffMonitoringEvents.alertRaised, (a) => a.kioskId === id);
    const { testId } = await kiosk.request(kioskLinkTestRequests.start, {});
    const { result } = await finishUnreached(kiosk, testId);
    expect(await told).toEqual({ result, degraded: true });
    expect(await alerted).toMatchObject({ type: 'link_degraded', kioskId: id });
    const { results } = await tech.request(staffLinkTestRequests.history, { kioskId: id });
    expect(results).toEqual([result]);
    const { kiosks } = await tech.request(staffMonitoringRequests.fleetList, {});
    expect(kiosks.find((k) => k.kioskId === id)?.linkTest).toEqual(result);
    // It survives a restart of the console's view: read from the store.
    expect(await t.server.monitoring.linkTestResults.latestPerKiosk()).toContainEqual(result);
  });

  test('the advisor sees the grade on the waiting citizen', async ({ t, client }) => {
    const advisor = await client('/staff', t.advisor.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const { waiting } = await kiosk.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });
    const before = await advisor.request(staffSchedulingRequests.queue, {});
    expect(before.entries.find((e) => e.id === waiting.appointmentId)?.linkGrade).toBeNull();
    const { testId } = await kiosk.request(kioskLinkTestRequests.start, {});
    await finishUnreached(kiosk, testId);
    await eventually(async () => {
      const { entries } = await advisor.request(staffSchedulingRequests.queue, {});
      return entries.find((e) => e.id === waiting.appointmentId)?.linkGrade === 'impossible';
    }, 'the queue entry to carry the grade');
  });

  test('a kiosk may start one test per interval; a start within it is RATE_LIMITED with the wait', async ({
    t,
    client,
  }) => {
    const { kiosk } = await freshKiosk(t, client);
    const { testId } = await kiosk.request(kioskLinkTestRequests.start, {});
    const refused = await refusal(kiosk.request(kioskLinkTestRequests.start, {}));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', reason: 'link_test_too_soon' });
    expect(refused.retryAfterSeconds).toBeGreaterThan(50);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // The refused start left the running test alone.
    await expect(finishUnreached(kiosk, testId)).resolves.toBeDefined();
  });

  test('the server runs a bounded number of tests at once (UNAVAILABLE link_test_busy), and a finished one frees its place', async ({
    t,
    client,
  }) => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => freshKiosk(t, client)));
    expect(t.server.monitoring.linkTests.runningCount).toBe(0);
    const first = await a!.kiosk.request(kioskLinkTestRequests.start, {});
    const second = await b!.kiosk.request(kioskLinkTestRequests.start, {});
    expect(await refusal(c!.kiosk.request(kioskLinkTestRequests.start, {}))).toMatchObject({
      code: 'UNAVAILABLE',
      reason: 'link_test_busy',
    });
    await finishUnreached(a!.kiosk, first.testId);
    const third = await c!.kiosk.request(kioskLinkTestRequests.start, {});
    expect(third.paths.map((p) => p.path)).toEqual(['udp', 'tcp']);
    await finishUnreached(b!.kiosk, second.testId);
    await finishUnreached(c!.kiosk, third.testId);
  });

  test('never during a call of the kiosk: refused with BAD_STATE in_call, and a running test closes when its call starts', async ({
    t,
    client,
  }) => {
    const { id, kiosk } = await freshKiosk(t, client);
    await client('/staff', t.advisor.token);
    const before = (await workerObjectCounts(t.server)).routers;
    const { testId } = await kiosk.request(kioskLinkTestRequests.start, {});
    const { callId } = await startDirectCall(t, t.advisor.token, id);
    // The call's router stays; the probe's went with the call's start.
    await eventually(
      async () => (await workerObjectCounts(t.server)).routers === before + 1,
      'the probe router to close',
    );
    expect(
      await refusal(
        kiosk.request(kioskLinkTestRequests.connect, {
          testId,
          path: 'udp',
          dtlsParameters: FAKE_DTLS,
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'link_test_closed' });
    expect(await refusal(kiosk.request(kioskLinkTestRequests.start, {}))).toMatchObject({
      code: 'BAD_STATE',
      reason: 'in_call',
    });
    t.server.calls.hangup(
      (await t.server.auth.directory.authenticateStaff(t.advisor.token))!,
      callId,
    );
  });

  test('a test left open closes itself at its deadline, stored as nothing', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const { id, kiosk } = await freshKiosk(t, client);
    const before = (await workerObjectCounts(t.server)).routers;
    const { testId } = await kiosk.request(kioskLinkTestRequests.start, {});
    expect((await workerObjectCounts(t.server)).routers).toBe(before + 1);
    await eventually(
      async () => (await workerObjectCounts(t.server)).routers === before,
      'the deadline to close the probe',
    );
    expect(await refusal(finishUnreached(kiosk, testId))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await tech.request(staffLinkTestRequests.history, { kioskId: id })).toEqual({
      results: [],
    });
  });

  test('bad input gets stable codes: another test id, a path not offered, a reliable channel, a second channel, a malformed DTLS', async ({
    t,
    client,
  }) => {
    const { kiosk } = await freshKiosk(t, client);
    const other = await freshKiosk(t, client);
    const { testId } = await kiosk.request(kioskLinkTestRequests.start, {});
    const stream = { streamId: 1, ordered: false as const, maxRetransmits: 0 as const };
    const code = (p: Promise<unknown>) => refusal(p).then((r) => r.code);

    expect(
      await code(
        kiosk.request(kioskLinkTestRequests.connect, {
          testId: randomUUID(),
          path: 'udp',
          dtlsParameters: FAKE_DTLS,
        }),
      ),
    ).toBe('NOT_FOUND');
    // Another kiosk cannot touch this kiosk's test.
    expect(
      await code(
        other.kiosk.request(kioskLinkTestRequests.connect, {
          testId,
          path: 'udp',
          dtlsParameters: FAKE_DTLS,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await code(
        kiosk.request(kioskLinkTestRequests.connect, {
          testId,
          path: 'turn',
          dtlsParameters: FAKE_DTLS,
        }),
      ),
    ).toBe('NOT_FOUND');
    // A reliable or ordered channel would hide loss: refused by the schema.
    const reliable = await rawRequest(kiosk.socket, kioskLinkTestRequests.produceData.name, {
      testId,
      path: 'udp',
      sctpStreamParameters: { streamId: 1, ordered: true },
      label: 'probe',
    });
    expect(reliable).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await kiosk.request(kioskLinkTestRequests.produceData, {
      testId,
      path: 'udp',
      sctpStreamParameters: stream,
      label: 'probe',
    });
    expect(
      await code(
        kiosk.request(kioskLinkTestRequests.produceData, {
          testId,
          path: 'udp',
          sctpStreamParameters: { ...stream, streamId: 2 },
          label: 'probe',
        }),
      ),
    ).toBe('CONFLICT');
    const badDtls = await rawRequest(kiosk.socket, kioskLinkTestRequests.connect.name, {
      testId,
      path: 'tcp',
      dtlsParameters: { fingerprints: [] },
    });
    expect(badDtls).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Out of range figures in the report.
    const badReport = await rawRequest(kiosk.socket, kioskLinkTestRequests.finish.name, {
      testId,
      measuredPath: 'udp',
      rttMs: { udp: -1, tcp: null, turn: null },
      lossSent: 50,
    });
    expect(badReport).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // The test is still usable after all that.
    await expect(finishUnreached(kiosk, testId)).resolves.toMatchObject({
      result: { grade: 'impossible' },
    });
  });

  test('only console staff read a kiosk history', async ({ t, client }) => {
    const advisor = await client('/staff', t.advisor.token);
    expect(
      await refusal(advisor.request(staffLinkTestRequests.history, { kioskId: t.kiosk.id })),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});
