import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '../support/integrationTest';
import type { Socket } from 'socket.io-client';
import type { SignallingClient } from '@visio/shared/client';
import {
  callRequests,
  interpreterRequests,
  kioskDirectoryRequests,
  kioskNamespace,
  MAX_REQUEST_BYTES,
  mediaRequests,
  staffNamespace,
  type AnyRequestDef,
} from '@visio/shared/protocol';
import { FAKE_DTLS, opusParameters, vp8Parameters } from '../support/fakeMedia';
import { connect, connectClient, rawRequest } from '../support/socketClient';
import { type TestServer, startDirectCall } from '../support/testServer';

// Every request, sent wrong in every way a client can, gets the right stable error code; the
// server stays up and a call running beside the abuse is not disturbed.

let t: TestServer;
let kiosk: Socket;
let staff: Socket;
let bystanders: { kiosk: SignallingClient; advisor: SignallingClient; callId: string };

test.override({ serverEnv: { SIGNALLING_RATE_BURST: '100000' } });

// The file's server and sockets, shared by every test below (the server's lifecycle is the fixture's).
test.beforeAll(async ({ t: server }) => {
  // This file sends hundreds of requests per socket: the rate limit has its own test below.
  t = server;
  kiosk = await connect(t.url, '/kiosk', t.kiosk.token);
  staff = await connect(t.url, '/staff', t.advisor.token);
  const k2 = await connectClient(t.url, '/kiosk', t.kiosk2.token);
  const a2 = await connectClient(t.url, '/staff', t.advisor2.token);
  const { callId } = await startDirectCall(t, t.advisor2.token, t.kiosk2.id);
  bystanders = { kiosk: k2, advisor: a2, callId };
});
test.afterAll(async () => {
  for (const s of [kiosk, staff, bystanders.kiosk.socket, bystanders.advisor.socket]) s.close();
});

const errorCode = (ack: unknown) => (ack as { ok: boolean; error?: { code: string } }).error?.code;

/** A payload of the right shape for each request, naming objects that do not exist. */
function validShaped(def: AnyRequestDef): unknown {
  const callId = randomUUID();
  const id = randomUUID();
  const samples: Record<string, unknown> = {
    'session:whoami': {},
    'kiosks:list': {},
    'call:hangup': { callId },
    'call:setMediaMode': { callId, mode: 'audio_text' },
    'transfer:colleagues': {},
    'call:transferOffer': { callId, toAdvisorId: id, serviceId: id, note: 'a word for you' },
    'call:transferAccept': { callId, transferId: id },
    'call:transferDecline': { callId, transferId: id },
    'call:transferCancel': { callId, transferId: id },
    'call:inviteInterpreter': { callId, kind: 'lsf', language: null },
    'call:joinAsInterpreter': { code: 'ABCDEFGH' },
    'call:leave': { callId },
    'media:join': {
      callId,
      rtpCapabilities: {
        codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
      },
      mediaEpoch: 0,
    },
    'media:routerCapabilities': { callId },
    'media:createTransport': { callId, direction: 'send' },
    'media:connectTransport': { callId, transportId: id, dtlsParameters: FAKE_DTLS },
    'media:produce': {
      callId,
      transportId: id,
      kind: 'audio',
      rtpParameters: opusParameters(),
      source: 'microphone',
    },
    'media:consume': { callId, producerId: id },
    'media:resumeConsumer': { callId, consumerId: id },
    'media:setProducerPaused': { callId, producerId: id, paused: true },
    'media:closeProducer': { callId, producerId: id },
    'media:restartIce': { callId, transportId: id },
    'kiosk:home': {},
    'checkin:submit': { code: '123456' },
    'walkin:join': { serviceId: id },
    'waiting:cancel': {},
    'agenda:today': {},
    'queue:list': {},
    'waiting:admit': { appointmentId: id },
    'advisor:setAvailability': { availability: 'away' },
    'appointment:recordOutcome': { appointmentId: id, outcome: 'resolved' },
    'chat:draft': { callId, text: 'bonjour' },
    'chat:send': { callId, text: 'bonjour' },
    'chat:history': { callId },
    'documents:list': { callId },
    'documents:requestScan': { callId },
    'survey:submit': { callId, rating: 5, badQuality: false },
    'kiosk:heartbeat': {
      appVersion: '1.0.0',
      screen: 'welcome',
      camera: { present: true, permission: 'granted' },
      microphone: { present: true, permission: 'granted' },
      speakerTestedAt: null,
      network: { effectiveType: '4g', serverRttMs: 20 },
      userAgent: 'test',
    },
    'stats:report': {
      callId,
      stats: {
        timestamp: 1,
        outbound: { audio: null, video: null },
        inbound: { audio: null, video: null },
      },
    },
    'fleet:list': {},
    'alerts:list': { limit: 10 },
    'calls:live': {},
    'calls:samples': { callId },
    'calls:history': { quality: 'poor', limit: 10, before: new Date().toISOString() },
    'health:get': {},
    'calls:end': { callId, reason: 'frozen video' },
    'kiosk:reload': { kioskId: id, reason: 'frozen screen' },
    'kiosk:setOutOfService': { kioskId: id, outOfService: true, reason: 'screen cracked' },
    'linkTest:start': {},
    'linkTest:connect': { testId: id, path: 'udp', dtlsParameters: FAKE_DTLS },
    'linkTest:produceData': {
      testId: id,
      path: 'udp',
      sctpStreamParameters: { streamId: 0, ordered: false, maxRetransmits: 0 },
      label: 'probe',
    },
    'linkTest:finish': {
      testId: id,
      measuredPath: 'udp',
      rttMs: { udp: 10, tcp: null, turn: null },
      lossSent: 50,
    },
    'linkTest:history': { kioskId: id, limit: 20 },
    'media:warmUp': { callId, transportId: id },
    'media:capabilities': {},
    'call:accessibility': { callId, readAloud: true, language: 'fr' },
    'signature:request': { callId, documentId: id },
    'signature:cancel': { callId, signatureId: id },
    'signature:current': { callId },
    'signature:submit': { callId, signatureId: id, strokes: [[10, 10, 20, 20]] },
    'signature:decline': { callId, signatureId: id, reason: 'cannot_sign' },
    'nightlyTest:start': {},
    'nightlyTest:decline': { reason: 'busy' },
    'nightlyTest:connect': {
      testId: id,
      path: 'udp',
      direction: 'send',
      dtlsParameters: FAKE_DTLS,
    },
    'nightlyTest:produce': {
      testId: id,
      path: 'udp',
      kind: 'audio',
      rtpParameters: opusParameters(),
    },
    'nightlyTest:consume': {
      testId: id,
      path: 'udp',
      kind: 'audio',
      rtpCapabilities: {
        codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
      },
    },
    'nightlyTest:finish': {
      testId: id,
      paths: [
        {
          path: 'udp',
          reached: true,
          timeToFirstFrameMs: 300,
          rttMs: 20,
          jitterMs: 5,
          lossPct: 0,
          videoKbps: 500,
          audioKbps: 32,
        },
      ],
    },
    'nightlyTest:run': { kioskId: id, reason: 'nightly check' },
    'nightlyTest:history': { kioskId: id, limit: 20 },
  };
  if (!(def.name in samples)) throw new Error(`No sample for ${def.name}: add one`);
  expect(def.request.safeParse(samples[def.name]).success).toBe(true);
  return samples[def.name];
}

const malformed: [string, unknown[]][] = [
  ['a number', [42]],
  ['a string', ['hello']],
  ['null', [null]],
  ['an array', [[1, 2]]],
  ['no payload', []],
  ['an unknown field', [{ unexpected: true }]],
  ['two payloads', [{}, {}]],
];

describe.each([
  ['/kiosk', kioskNamespace.requests, () => kiosk],
  ['/staff', staffNamespace.requests, () => staff],
] as const)('%s namespace', (_nsp, requests, socket) => {
  describe.each(requests.map((def) => [def.name, def] as const))('%s', (_name, def) => {
    test.each(malformed)('refuses %s with INVALID_INPUT', async (_what, args) => {
      expect(errorCode(await rawRequest(socket(), def.name, ...args))).toBe('INVALID_INPUT');
    });

    test('refuses an oversized payload with PAYLOAD_TOO_LARGE', async () => {
      const big = { ...(validShaped(def) as object), padding: 'x'.repeat(MAX_REQUEST_BYTES) };
      expect(errorCode(await rawRequest(socket(), def.name, big))).toBe('PAYLOAD_TOO_LARGE');
    });

    test('refuses wrong types in every field with INVALID_INPUT', async () => {
      const sample = validShaped(def) as Record<string, unknown>;
      for (const key of Object.keys(sample)) {
        const ack = await rawRequest(socket(), def.name, { ...sample, [key]: { nested: [key] } });
        expect(errorCode(ack), `${def.name}.${key}`).toBe('INVALID_INPUT');
      }
    });
  });

  test('answers an unknown message with UNKNOWN_MESSAGE', async () => {
    expect(errorCode(await rawRequest(socket(), 'admin:shutdown', {}))).toBe('UNKNOWN_MESSAGE');
  });

  test('survives requests sent without an acknowledgement callback', async () => {
    socket().emit('call:hangup', { callId: 'not-a-uuid' });
    socket().emit('media:consume');
    const ack = await rawRequest(socket(), 'session:whoami', {});
    expect(ack).toMatchObject({ ok: true });
  });
});

describe('objects of other calls, or of none', () => {
  // About no call: the capabilities every call router has (to load the Device ahead).
  const callFree: string[] = [mediaRequests.capabilities.name];
  test.each(
    kioskNamespace.requests
      .filter((d) => /^(media|chat|documents|survey|call):/.test(d.name))
      .filter((d) => !callFree.includes(d.name))
      .map((d) => [d.name, d] as const),
  )('kiosk %s on a call it is not in → NOT_FOUND', async (_name, def) => {
    expect(errorCode(await rawRequest(kiosk, def.name, validShaped(def)))).toBe('NOT_FOUND');
  });

  // The interpreter's own requests (joining with a code, leaving) are refused to advisors by role.
  const interpreterOnly: string[] = [interpreterRequests.join.name, interpreterRequests.leave.name];
  test.each(
    staffNamespace.requests
      .filter((d) => /^(media|chat|documents|survey|call):/.test(d.name))
      .filter((d) => !interpreterOnly.includes(d.name) && !callFree.includes(d.name))
      .map((d) => [d.name, d] as const),
  )("advisor %s on someone else's call → NOT_FOUND", async (_name, def) => {
    const payload = { ...(validShaped(def) as object), callId: bystanders.callId };
    expect(errorCode(await rawRequest(staff, def.name, payload))).toBe('NOT_FOUND');
  });

  test.each(
    [
      ...interpreterOnly,
      mediaRequests.join.name,
      mediaRequests.consume.name,
      'chat:send',
      'chat:history',
    ].map((name) => [name, staffNamespace.requests.find((d) => d.name === name)!] as const),
  )(
    'interpreter %s on a call they are not in (or an unknown code) → NOT_FOUND',
    async (_name, def) => {
      const interpreter = await connect(t.url, '/staff', t.interpreter.token);
      try {
        const sample = validShaped(def) as object;
        const payload = 'callId' in sample ? { ...sample, callId: bystanders.callId } : sample;
        expect(errorCode(await rawRequest(interpreter, def.name, payload))).toBe('NOT_FOUND');
      } finally {
        interpreter.close();
      }
    },
  );

  test('advisors may not use the interpreter’s requests', async () => {
    for (const name of interpreterOnly) {
      const def = staffNamespace.requests.find((d) => d.name === name)!;
      expect(errorCode(await rawRequest(staff, name, validShaped(def))), name).toBe('FORBIDDEN');
    }
  });
});

describe('authentication and roles', () => {
  test.each([
    ['/kiosk', undefined],
    ['/kiosk', 'not-a-token'],
    ['/kiosk', 'x'.repeat(10_000)],
    ['/staff', undefined],
    ['/staff', 'not-a-token'],
  ] as const)('%s with token %s is refused with UNAUTHORIZED', async (nsp, token) => {
    await expect(connect(t.url, nsp, token)).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  test('a kiosk token does not open the staff namespace, nor a staff token the kiosk one', async () => {
    await expect(connect(t.url, '/staff', t.kiosk.token)).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(connect(t.url, '/kiosk', t.advisor.token)).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  test('a technician may list kiosks but never start a call or touch media', async () => {
    const tech = await connect(t.url, '/staff', t.technician.token);
    try {
      expect(await rawRequest(tech, kioskDirectoryRequests.list.name, {})).toMatchObject({
        ok: true,
      });
      for (const def of Object.values(mediaRequests)) {
        const sample = validShaped(def) as object;
        const payload = 'callId' in sample ? { ...sample, callId: bystanders.callId } : sample;
        expect(errorCode(await rawRequest(tech, def.name, payload)), def.name).toBe('FORBIDDEN');
      }
    } finally {
      tech.close();
    }
  });
});

describe('requests out of order within one call', () => {
  test('gets BAD_STATE, CONFLICT or INVALID_INPUT as fits, and the call carries on', async () => {
    const k = await connectClient(t.url, '/kiosk', t.kiosk.token);
    const a = await connectClient(t.url, '/staff', t.advisor.token);
    try {
      const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
      const code = async (p: Promise<unknown>) =>
        p.then(
          () => 'OK',
          (e: { code: string }) => e.code,
        );
      const { rtpCapabilities } = await k.request(mediaRequests.routerCapabilities, { callId });

      // Consuming before joining, or before a receive transport exists.
      expect(
        await code(k.request(mediaRequests.consume, { callId, producerId: randomUUID() })),
      ).toBe('BAD_STATE');
      await k.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 0 });
      await a.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 0 });
      expect(
        await code(k.request(mediaRequests.consume, { callId, producerId: randomUUID() })),
      ).toBe('BAD_STATE');

      const send = await k.request(mediaRequests.createTransport, { callId, direction: 'send' });
      const recv = await k.request(mediaRequests.createTransport, { callId, direction: 'recv' });
      expect(
        await code(k.request(mediaRequests.createTransport, { callId, direction: 'send' })),
      ).toBe('CONFLICT');
      await k.request(mediaRequests.connectTransport, {
        callId,
        transportId: send.transportId,
        dtlsParameters: FAKE_DTLS,
      });
      expect(
        await code(
          k.request(mediaRequests.connectTransport, {
            callId,
            transportId: send.transportId,
            dtlsParameters: FAKE_DTLS,
          }),
        ),
      ).toBe('BAD_STATE');

      const produce = (transportId: string, extra: object = {}) =>
        k.request(mediaRequests.produce, {
          callId,
          transportId,
          kind: 'audio',
          rtpParameters: opusParameters(),
          source: 'microphone',
          ...extra,
        });
      expect(await code(produce(recv.transportId))).toBe('BAD_STATE');
      expect(
        await code(produce(send.transportId, { kind: 'video', rtpParameters: vp8Parameters() })),
      ).toBe('INVALID_INPUT');
      const unknownCodec = {
        ...opusParameters(),
        codecs: [{ mimeType: 'audio/nonsense', payloadType: 100, clockRate: 8000 }],
      };
      expect(await code(produce(send.transportId, { rtpParameters: unknownCodec }))).toBe(
        'INVALID_INPUT',
      );
      const { producerId } = await produce(send.transportId);
      expect(await code(produce(send.transportId))).toBe('CONFLICT');
      // Its own producer is not something a kiosk can consume.
      expect(await code(k.request(mediaRequests.consume, { callId, producerId }))).toBe(
        'NOT_FOUND',
      );

      // The advisor can still consume it: the mistakes above changed nothing.
      await a.request(mediaRequests.createTransport, { callId, direction: 'recv' });
      const consumer = await a.request(mediaRequests.consume, { callId, producerId });
      expect(consumer.producerId).toBe(producerId);
      expect(await code(a.request(mediaRequests.consume, { callId, producerId }))).toBe('CONFLICT');
      await a.request(callRequests.hangup, { callId });
      expect(await code(k.request(mediaRequests.routerCapabilities, { callId }))).toBe('NOT_FOUND');
    } finally {
      k.socket.close();
      a.socket.close();
    }
  });
});

describe('rate limiting', () => {
  test('answers a flood with RATE_LIMITED instead of serving it', async ({
    socket,
    startServer,
  }) => {
    const limited = await startServer({
      SIGNALLING_RATE_BURST: '100',
      SIGNALLING_RATE_PER_SECOND: '50',
    });
    const s = await socket('/kiosk', limited.kiosk.token, { on: limited });
    const acks = await Promise.all(
      Array.from({ length: 300 }, () => rawRequest(s, 'session:whoami', {})),
    );
    const codes = acks.map(errorCode);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === undefined).length).toBeGreaterThanOrEqual(100);
  });
});

describe('after all of that', () => {
  test('the server is healthy and the bystanders’ call is untouched', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(t.server.calls.activeCalls.map((c) => c.id)).toContain(bystanders.callId);
    const { rtpCapabilities } = await bystanders.kiosk.request(mediaRequests.routerCapabilities, {
      callId: bystanders.callId,
    });
    expect(rtpCapabilities).toHaveProperty('codecs');
  });
});
