import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '../../support/integrationTest';
import type { Socket } from 'socket.io-client';
import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  inCallRequests,
  interpreterRequests,
  kioskDirectoryRequests,
  mediaRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { kioskMonitoringRequests, staffMonitoringRequests } from '@visio/shared/protocol';
import { api } from '../../support/appointments';
import { FAKE_DTLS, opusParameters } from '../../support/fakeMedia';
import { connect, connectClient, nextEvent, rawRequest } from '../../support/socketClient';
import { type TestServer, startDirectCall } from '../../support/testServer';

// Who may use each monitoring request: console staff (technician, admin) see and act; advisors
// only report their own call's statistics; schedulers nothing; kiosks only their heartbeat and
// their own call's statistics. And technicians never reach any call's media.

let t: TestServer;
let sockets: Record<'technician' | 'admin' | 'advisor' | 'scheduler' | 'kiosk', Socket>;
let live: { kiosk: SignallingClient; advisor: SignallingClient; callId: string };

test.override({ serverEnv: { SIGNALLING_RATE_BURST: '100000' } });

// The file's server and sockets, shared by every test below (the server's lifecycle is the fixture's).
test.beforeAll(async ({ t: server }) => {
  t = server;
  sockets = {
    technician: await connect(t.url, '/staff', t.technician.token),
    admin: await connect(t.url, '/staff', t.admin.token),
    advisor: await connect(t.url, '/staff', t.advisor2.token),
    scheduler: await connect(t.url, '/staff', t.scheduler.token),
    kiosk: await connect(t.url, '/kiosk', t.kiosk2.token),
  };
  // A call the sockets above are not part of.
  const kiosk = await connectClient(t.url, '/kiosk', t.kiosk.token);
  const advisor = await connectClient(t.url, '/staff', t.advisor.token);
  const started = nextEvent(kiosk, callEvents.started);
  const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
  await started;
  live = { kiosk, advisor, callId };
});
test.afterAll(async () => {
  for (const s of [...Object.values(sockets), live.kiosk.socket, live.advisor.socket]) s.close();
});

const codeOf = (ack: unknown) => {
  const a = ack as { ok: boolean; error?: { code: string } };
  return a.ok ? 'OK' : a.error!.code;
};

/** Valid payloads naming objects that do not exist (actions then change nothing). */
const payloads: Record<string, () => unknown> = {
  'fleet:list': () => ({}),
  'alerts:list': () => ({ limit: 5 }),
  'calls:live': () => ({}),
  'calls:samples': () => ({ callId: randomUUID() }),
  'calls:history': () => ({ quality: 'poor', limit: 5 }),
  'health:get': () => ({}),
  'calls:end': () => ({ callId: randomUUID(), reason: 'checking rights' }),
  'kiosk:reload': () => ({ kioskId: randomUUID(), reason: 'checking rights' }),
  'kiosk:setOutOfService': () => ({
    kioskId: randomUUID(),
    outOfService: true,
    reason: 'checking rights',
  }),
  'stats:report': () => ({
    callId: live.callId,
    stats: {
      timestamp: 1,
      outbound: { audio: null, video: null },
      inbound: { audio: null, video: null },
    },
  }),
  'kiosk:heartbeat': () => ({
    appVersion: '1.0.0',
    screen: 'welcome',
    camera: { present: true, permission: 'granted' },
    microphone: { present: true, permission: 'granted' },
    speakerTestedAt: null,
    network: { effectiveType: null, serverRttMs: null },
    userAgent: 'test',
  }),
};

// Expected answers, written out rather than derived from the handlers.
const ON_STAFF: Record<string, Record<'technician' | 'admin' | 'advisor' | 'scheduler', string>> = {
  'fleet:list': { technician: 'OK', admin: 'OK', advisor: 'FORBIDDEN', scheduler: 'FORBIDDEN' },
  'alerts:list': { technician: 'OK', admin: 'OK', advisor: 'FORBIDDEN', scheduler: 'FORBIDDEN' },
  'calls:live': { technician: 'OK', admin: 'OK', advisor: 'FORBIDDEN', scheduler: 'FORBIDDEN' },
  'calls:samples': { technician: 'OK', admin: 'OK', advisor: 'FORBIDDEN', scheduler: 'FORBIDDEN' },
  'calls:history': { technician: 'OK', admin: 'OK', advisor: 'FORBIDDEN', scheduler: 'FORBIDDEN' },
  'health:get': { technician: 'OK', admin: 'OK', advisor: 'FORBIDDEN', scheduler: 'FORBIDDEN' },
  'calls:end': {
    technician: 'NOT_FOUND',
    admin: 'NOT_FOUND',
    advisor: 'FORBIDDEN',
    scheduler: 'FORBIDDEN',
  },
  'kiosk:reload': {
    technician: 'NOT_FOUND',
    admin: 'NOT_FOUND',
    advisor: 'FORBIDDEN',
    scheduler: 'FORBIDDEN',
  },
  'kiosk:setOutOfService': {
    technician: 'NOT_FOUND',
    admin: 'NOT_FOUND',
    advisor: 'FORBIDDEN',
    scheduler: 'FORBIDDEN',
  },
  // Advisors report their own call only; nobody else is ever a party.
  'stats:report': {
    technician: 'FORBIDDEN',
    admin: 'FORBIDDEN',
    advisor: 'NOT_FOUND',
    scheduler: 'FORBIDDEN',
  },
  'kiosk:heartbeat': {
    technician: 'UNKNOWN_MESSAGE',
    admin: 'UNKNOWN_MESSAGE',
    advisor: 'UNKNOWN_MESSAGE',
    scheduler: 'UNKNOWN_MESSAGE',
  },
};
const ON_KIOSK: Record<string, string> = {
  'fleet:list': 'UNKNOWN_MESSAGE',
  'alerts:list': 'UNKNOWN_MESSAGE',
  'calls:live': 'UNKNOWN_MESSAGE',
  'calls:samples': 'UNKNOWN_MESSAGE',
  'calls:history': 'UNKNOWN_MESSAGE',
  'health:get': 'UNKNOWN_MESSAGE',
  'calls:end': 'UNKNOWN_MESSAGE',
  'kiosk:reload': 'UNKNOWN_MESSAGE',
  'kiosk:setOutOfService': 'UNKNOWN_MESSAGE',
  'stats:report': 'NOT_FOUND',
  'kiosk:heartbeat': 'OK',
};

describe('monitoring requests by role', () => {
  test('covers every monitoring request of both namespaces', () => {
    const defined = [
      ...Object.values(staffMonitoringRequests),
      ...Object.values(kioskMonitoringRequests),
    ].map((d) => d.name);
    expect(new Set(defined)).toEqual(new Set(Object.keys(ON_KIOSK)));
    for (const name of defined) {
      const def = [
        ...Object.values(staffMonitoringRequests),
        ...Object.values(kioskMonitoringRequests),
      ].find((d) => d.name === name)!;
      expect(def.request.safeParse(payloads[name]!()).success, name).toBe(true);
    }
  });

  const staffCases = Object.entries(ON_STAFF).flatMap(([name, byRole]) =>
    Object.entries(byRole).map(([role, expected]) => [name, role, expected] as const),
  );
  test.each(staffCases)('/staff %s as %s → %s', async (name, role, expected) => {
    const ack = await rawRequest(
      sockets[role as keyof (typeof ON_STAFF)[string]],
      name,
      payloads[name]!(),
    );
    expect(codeOf(ack)).toBe(expected);
  });

  test.each(Object.entries(ON_KIOSK))('/kiosk %s → %s', async (name, expected) => {
    expect(codeOf(await rawRequest(sockets.kiosk, name, payloads[name]!()))).toBe(expected);
  });

  test('the REST views are for console staff only', async () => {
    for (const path of [
      'fleet',
      'alerts',
      'calls/live',
      'calls/history?quality=good&limit=3',
      'health',
    ]) {
      expect(
        (await api(t, 'GET', `/api/monitoring/${path}`, { token: t.technician.token })).status,
        path,
      ).toBe(200);
      expect(
        (await api(t, 'GET', `/api/monitoring/${path}`, { token: t.admin.token })).status,
        path,
      ).toBe(200);
      expect(
        (await api(t, 'GET', `/api/monitoring/${path}`, { token: t.advisor.token })).status,
        path,
      ).toBe(403);
      expect(
        (await api(t, 'GET', `/api/monitoring/${path}`, { token: t.scheduler.token })).status,
        path,
      ).toBe(403);
      expect((await api(t, 'GET', `/api/monitoring/${path}`)).status, path).toBe(401);
    }
    expect(
      (
        await api(t, 'GET', '/api/monitoring/calls/history?limit=9999', {
          token: t.technician.token,
        })
      ).status,
    ).toBe(400);
  });
});

describe('technicians never reach a call', () => {
  const callId = () => live.callId;
  const id = randomUUID();
  // Valid payloads aimed at the live call: only the role check stands in the way.
  const attempts: [string, () => unknown][] = [
    [mediaRequests.routerCapabilities.name, () => ({ callId: callId() })],
    [
      mediaRequests.join.name,
      () => ({
        callId: callId(),
        mediaEpoch: 0,
        rtpCapabilities: {
          codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
        },
      }),
    ],
    [mediaRequests.createTransport.name, () => ({ callId: callId(), direction: 'recv' })],
    [
      mediaRequests.connectTransport.name,
      () => ({ callId: callId(), transportId: id, dtlsParameters: FAKE_DTLS }),
    ],
    [
      mediaRequests.produce.name,
      () => ({
        callId: callId(),
        transportId: id,
        kind: 'audio',
        rtpParameters: opusParameters(),
        source: 'microphone',
      }),
    ],
    [mediaRequests.consume.name, () => ({ callId: callId(), producerId: id })],
    [mediaRequests.resumeConsumer.name, () => ({ callId: callId(), consumerId: id })],
    [
      mediaRequests.setProducerPaused.name,
      () => ({ callId: callId(), producerId: id, paused: true }),
    ],
    [mediaRequests.closeProducer.name, () => ({ callId: callId(), producerId: id })],
    [mediaRequests.restartIce.name, () => ({ callId: callId(), transportId: id })],
    [mediaRequests.warmUp.name, () => ({ callId: callId(), transportId: id })],
    [mediaRequests.capabilities.name, () => ({})],
    [staffSchedulingRequests.admit.name, () => ({ appointmentId: id })],
    [inCallRequests.chatDraft.name, () => ({ callId: callId(), text: 'hello' })],
    [inCallRequests.chatSend.name, () => ({ callId: callId(), text: 'hello' })],
    [inCallRequests.listDocuments.name, () => ({ callId: callId() })],
    [inCallRequests.requestScan.name, () => ({ callId: callId() })],
    [interpreterRequests.invite.name, () => ({ callId: callId(), kind: 'lsf', language: null })],
    [interpreterRequests.join.name, () => ({ code: 'ABCDEFGH' })],
    [interpreterRequests.leave.name, () => ({ callId: callId() })],
  ];

  test('covers every interpreter request', () => {
    const covered = attempts.map(([name]) => name);
    for (const def of Object.values(interpreterRequests)) expect(covered).toContain(def.name);
  });

  test('covers every media request', () => {
    const covered = attempts.map(([name]) => name);
    for (const def of Object.values(mediaRequests)) expect(covered).toContain(def.name);
  });

  test.each(attempts)('%s → FORBIDDEN for a technician and an admin', async (name, payload) => {
    expect(codeOf(await rawRequest(sockets.technician, name, payload()))).toBe('FORBIDDEN');
    expect(codeOf(await rawRequest(sockets.admin, name, payload()))).toBe('FORBIDDEN');
  });

  test('the call carried on untouched', async () => {
    expect(t.server.calls.activeCalls.map((c) => c.id)).toEqual([live.callId]);
  });
});

describe('interpreters reach the calls they join, nothing else', () => {
  test('no agenda, no queue, no kiosks, no console, no report', async () => {
    const interpreter = await connect(t.url, '/staff', t.interpreter.token);
    try {
      const asked: [string, unknown][] = [
        [staffSchedulingRequests.agenda.name, {}],
        [staffSchedulingRequests.queue.name, {}],
        [kioskDirectoryRequests.list.name, {}],
        [staffMonitoringRequests.fleetList.name, {}],
        [staffMonitoringRequests.callsLive.name, {}],
      ];
      for (const [name, payload] of asked)
        expect(codeOf(await rawRequest(interpreter, name, payload)), name).toBe('FORBIDDEN');
      for (const path of ['/api/monitoring/calls/history', '/api/report'])
        expect((await api(t, 'GET', path, { token: t.interpreter.token })).status, path).toBe(403);
    } finally {
      interpreter.close();
    }
  });
});
