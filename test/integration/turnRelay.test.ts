import { afterAll, beforeAll } from 'vitest';
import { TurnCredentials } from '@visio/server';
import { callEvents, mediaRequests } from '@visio/shared/protocol';
import { joinMedia } from '../support/callMedia';
import { describe, expect, test } from '../support/integrationTest';
import { nextEvent } from '../support/socketClient';
import { startDirectCall } from '../support/testServer';
import { allocate, type AllocationTarget } from '../support/TurnAllocation';
import { TurnServerProcess } from '../support/TurnServerProcess';

/**
 * The credentials the server hands out are the ones coturn accepts: a real coturn (Debian's, on
 * deploy/turnserver.conf) allocates a relay for what media:join and media:restartIce answer,
 * over UDP and over TLS, and refuses a tampered, an expired or a foreign credential.
 */
describe('TURN credentials against a real coturn', () => {
  let coturn: TurnServerProcess;
  beforeAll(async () => {
    coturn = await TurnServerProcess.start({ listenIp: '127.0.0.1', allowedPeerIps: [] });
  });
  afterAll(async () => {
    await coturn?.close();
  });

  const turnEnv = () => ({
    TURN_URLS: `turn:127.0.0.1:${coturn.port}?transport=udp,turns:127.0.0.1:${coturn.tlsPort}?transport=tcp`,
    TURN_SECRET: coturn.secret,
    TURN_CREDENTIAL_TTL_S: '300',
  });
  const udp = (): AllocationTarget => ({ host: '127.0.0.1', port: coturn.port, transport: 'udp' });
  const tlsTarget = (): AllocationTarget => ({
    host: '127.0.0.1',
    port: coturn.tlsPort,
    transport: 'tls',
    ca: coturn.certificatePem,
  });

  test('each party gets its own credential with its media join, which coturn accepts over UDP and TLS', async ({
    startServer,
    client,
  }) => {
    const t = await startServer(turnEnv());
    const kiosk = await client('/kiosk', t.kiosk.token, t);
    const advisor = await client('/staff', t.advisor.token, t);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await started;
    const { rtpCapabilities } = await kiosk.request(mediaRequests.routerCapabilities, { callId });
    const before = Math.floor(Date.now() / 1000);
    const joined = await kiosk.request(mediaRequests.join, {
      callId,
      rtpCapabilities,
      mediaEpoch: 0,
    });
    const after = Math.floor(Date.now() / 1000);

    expect(joined.iceServers).toHaveLength(1);
    const [relay] = joined.iceServers;
    expect(relay!.urls).toEqual(turnEnv().TURN_URLS.split(','));
    const [expiry, party] = relay!.username.split(':');
    expect(party).toBe(t.kiosk.id);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 300);
    expect(Number(expiry)).toBeLessThanOrEqual(after + 300);

    for (const target of [udp(), tlsTarget()]) {
      expect(await allocate(target, relay!.username, relay!.credential), target.transport).toEqual({
        ok: true,
        relayedAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      });
    }

    // The advisor's is another one, naming the advisor.
    const { iceServers } = await advisor.request(mediaRequests.join, {
      callId,
      rtpCapabilities,
      mediaEpoch: 0,
    });
    expect(iceServers[0]!.username).toMatch(new RegExp(`^\\d+:${t.advisor.id}$`));
    expect(iceServers[0]!.credential).not.toBe(relay!.credential);
    expect(await allocate(udp(), iceServers[0]!.username, iceServers[0]!.credential)).toMatchObject(
      { ok: true },
    );

    // An ICE restart brings a credential of its own, minted then.
    const { send } = await joinMedia(kiosk, callId);
    const restarted = await kiosk.request(mediaRequests.restartIce, {
      callId,
      transportId: send.transportId,
    });
    expect(restarted.iceServers[0]!.username).toMatch(new RegExp(`^\\d+:${t.kiosk.id}$`));
    expect(
      await allocate(udp(), restarted.iceServers[0]!.username, restarted.iceServers[0]!.credential),
    ).toMatchObject({ ok: true });
  });

  test('coturn refuses a tampered, an expired and a foreign credential', async () => {
    const relay = { urls: ['turn:127.0.0.1'], secret: coturn.secret, credentialTtlS: 60 };
    const party = '6f1c0f0e-8d5c-4a43-9a3e-0d1f2b3c4d5e';
    const [fresh] = new TurnCredentials(relay).iceServersFor(party);
    // A sanity check that the refusals below come from the credential alone.
    expect(await allocate(udp(), fresh!.username, fresh!.credential)).toMatchObject({ ok: true });

    const [, id] = fresh!.username.split(':');
    const longer = `${Number(fresh!.username.split(':')[0]) + 3600}:${id}`;
    expect(await allocate(udp(), longer, fresh!.credential)).toMatchObject({
      ok: false,
      errorCode: 401,
    });

    // Minted two minutes ago with a one-minute lifetime.
    const [expired] = new TurnCredentials(relay, () => Date.now() - 120_000).iceServersFor(party);
    expect(await allocate(tlsTarget(), expired!.username, expired!.credential)).toMatchObject({
      ok: false,
      errorCode: 401,
    });

    const [foreign] = new TurnCredentials({
      ...relay,
      secret: 'another-deployment-secret-0123456789abcdef',
    }).iceServersFor(party);
    expect(await allocate(udp(), foreign!.username, foreign!.credential)).toMatchObject({
      ok: false,
      errorCode: 401,
    });
  });
});

describe('without a relay', () => {
  test('media:join answers no ICE servers', async ({ t, client }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    const { rtpCapabilities } = await started;
    const { iceServers } = await kiosk.request(mediaRequests.join, {
      callId,
      rtpCapabilities,
      mediaEpoch: 0,
    });
    expect(iceServers).toEqual([]);
  });
});
