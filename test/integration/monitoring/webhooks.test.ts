import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { callEvents, callRequests } from '@visio/shared/protocol';
import { createLogger } from '@visio/server';
import { WebhookSender } from '../../../server/src/monitoring/WebhookSender';
import { eventually } from '../../support/appointments';
import { describe, expect, test as integrationTest } from '../../support/integrationTest';
import { connectClient, nextEvent } from '../../support/socketClient';
import { startTestServer, startDirectCall } from '../../support/testServer';

// Webhooks to a real HTTP receiver on loopback: signed, ids only, retried, never in the way.

const SECRET = 'webhook-secret-for-tests';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
}

/** A receiver on 127.0.0.1 answering each request with the next status of `plan` (then 200). */
async function receiver(plan: (number | 'hang')[] = []) {
  const received: Received[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      const next = plan.shift() ?? 200;
      if (next === 'hang') hanging.push(res);
      else res.writeHead(next).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/visio`;
  return {
    url,
    received,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** What a receiver does: recompute the HMAC of the raw body with the shared secret. */
function signatureValid(r: Received): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(r.raw).digest('hex')}`;
  return r.headers['x-visio-signature'] === expected;
}

const logger = createLogger('silent');

const test = integrationTest
  /** The file's receiver, closed once its server has stopped. */
  // eslint-disable-next-line no-empty-pattern
  .extend('hook', { scope: 'file' }, async ({}, { onCleanup }) => {
    const hook = await receiver();
    onCleanup(() => hook.close());
    return hook;
  })
  /** A server sending its webhooks to `hook`. */
  .extend('hooked', { scope: 'file' }, ({ hook, servers }) =>
    servers.start({
      WEBHOOK_URLS: hook.url,
      WEBHOOK_SECRET: SECRET,
      KIOSK_OFFLINE_ALERT_GRACE_MS: '100',
    }),
  );

describe('webhooks from a running server', () => {
  test('posts call.started and call.ended, signed over the raw body, with ids only', async ({
    hooked: t,
    hook,
    client,
  }) => {
    const kiosk = await client('/kiosk', t.kiosk.token, t);
    const advisor = await client('/staff', t.advisor.token, t);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await started;
    await advisor.request(callRequests.hangup, { callId });
    const forCall = await eventually(() => {
      const hits = hook.received.filter((r) => r.raw.includes(callId));
      return hits.length === 2 ? hits : undefined;
    }, 'two webhooks for the call');
    const bodies = forCall.map(
      (r) => JSON.parse(r.raw) as { event: string; at: string; data: Record<string, unknown> },
    );
    expect(bodies.map((b) => b.event).sort()).toEqual(['call.ended', 'call.started']);
    const ids = {
      callId,
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      serviceId: null,
      appointmentId: null,
    };
    expect(bodies.find((b) => b.event === 'call.started')!.data).toEqual(ids);
    expect(bodies.find((b) => b.event === 'call.ended')!.data).toEqual({
      ...ids,
      reason: 'hangup',
    });
    for (const r of forCall) {
      expect(signatureValid(r)).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      const stamp = Number(r.headers['x-visio-timestamp']);
      expect(Math.abs(stamp - Date.now() / 1000)).toBeLessThan(300);
      // Names never travel: not the kiosk's, not the advisor's.
      expect(r.raw).not.toContain('Kiosk A');
      expect(r.raw).not.toContain('Advisor One');
    }
    // A tampered body fails the check.
    expect(signatureValid({ ...forCall[0]!, raw: forCall[0]!.raw.replace('call.', 'calL.') })).toBe(
      false,
    );
  });

  test('posts kiosk.offline when a kiosk goes away', async ({ hooked: t, hook, client }) => {
    const kiosk = await client('/kiosk', t.kiosk2.token, t);
    kiosk.socket.close();
    const hit = await eventually(
      () =>
        hook.received.find((r) => r.raw.includes('kiosk.offline') && r.raw.includes(t.kiosk2.id)),
      'the kiosk.offline webhook',
    );
    expect(signatureValid(hit)).toBe(true);
    expect((JSON.parse(hit.raw) as { data: unknown }).data).toEqual({ kioskId: t.kiosk2.id });
  });
});

describe('WebhookSender deliveries', () => {
  const receivers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
  });

  test('retries a failing receiver with the same delivery id until it accepts, three tries at most', async () => {
    const hook = await receiver([503, 500]);
    receivers.push(hook);
    const sender = new WebhookSender(
      { urls: [hook.url], secret: SECRET, timeoutMs: 2_000, retryBaseMs: 20 },
      logger,
    );
    await sender.send('call.started', { callId: 'c1' });
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers['x-visio-delivery'])).size).toBe(1);
    expect(hook.received.every(signatureValid)).toBe(true);

    const down = await receiver([503, 503, 503, 503]);
    receivers.push(down);
    await new WebhookSender(
      { urls: [down.url], secret: SECRET, timeoutMs: 2_000, retryBaseMs: 20 },
      logger,
    ).send('call.ended', {
      callId: 'c2',
    });
    expect(down.received).toHaveLength(3);
  });

  test('does not retry a receiver that refuses the request', async () => {
    const hook = await receiver([400]);
    receivers.push(hook);
    await new WebhookSender(
      { urls: [hook.url], secret: SECRET, timeoutMs: 2_000, retryBaseMs: 20 },
      logger,
    ).send('kiosk.offline', {
      kioskId: 'k1',
    });
    expect(hook.received).toHaveLength(1);
  });

  test('gives up on a receiver that never answers after three timed-out tries', async () => {
    const hook = await receiver(['hang', 'hang', 'hang']);
    receivers.push(hook);
    const sender = new WebhookSender(
      { urls: [hook.url], secret: SECRET, timeoutMs: 100, retryBaseMs: 10 },
      logger,
    );
    await sender.send('call.started', { callId: 'c3' });
    expect(hook.received).toHaveLength(3);
  });

  test('never delays a call: calls start while the receiver hangs', async () => {
    const hook = await receiver(['hang', 'hang', 'hang', 'hang', 'hang', 'hang']);
    receivers.push(hook);
    const t = await startTestServer({
      WEBHOOK_URLS: hook.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_TIMEOUT_MS: '30000',
    });
    try {
      const kiosk = await connectClient(t.url, '/kiosk', t.kiosk.token);
      const advisor = await connectClient(t.url, '/staff', t.advisor.token);
      const started = nextEvent(kiosk, callEvents.started);
      const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
      await started;
      await eventually(
        () => hook.received.some((r) => r.raw.includes(callId)),
        'the hanging delivery',
      );
      await advisor.request(callRequests.hangup, { callId });
      kiosk.socket.close();
      advisor.socket.close();
    } finally {
      // Shutdown abandons the hanging deliveries instead of waiting for them.
      await t.stop();
    }
  });
});
