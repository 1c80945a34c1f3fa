import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError, defineRequest, MAX_REQUEST_BYTES } from '@visio/shared/protocol';
import type { Principal } from '../../../server/src/auth/Principal';
import { RequestRouter } from '../../../server/src/signalling/RequestRouter';
import { connect, rawRequest } from '../../support/socketClient';

// The one way a socket request reaches a handler, over a real socket.io server and client on
// loopback: every refusal has its stable code, the handler sees only valid input from an allowed
// role, and nothing a client sends gets past the router as an exception.

const echo = defineRequest(
  'test:echo',
  z.object({ text: z.string().max(100) }).strict(),
  z.object({ text: z.string(), by: z.string() }),
  'Echoes the text with who sent it.',
);
const technicianOnly = defineRequest('test:tech', z.object({}), z.object({}), 'For technicians.');
const refuses = defineRequest('test:refuse', z.object({}), z.object({}), 'Throws an AppError.');
const breaks = defineRequest('test:break', z.object({}), z.object({}), 'Throws a bug.');

const BURST = 5;
const logged: {
  level: number;
  msg: string;
  code?: string;
  err?: unknown;
  suppressed?: number;
}[] = [];
const handled: string[] = [];

const PRINCIPALS: Record<string, Principal> = {
  kiosk: { kind: 'kiosk', kioskId: 'kiosk-1', name: 'Kiosk' },
  advisor: { kind: 'staff', staffId: 'advisor-1', name: 'Advisor', roles: ['advisor'] },
  technician: { kind: 'staff', staffId: 'tech-1', name: 'Tech', roles: ['technician'] },
};

let http: HttpServer;
let io: Server;
let url: string;
let router: RequestRouter<Principal>;
const sockets: Socket[] = [];

beforeAll(async () => {
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) },
  );
  router = new RequestRouter<Principal>(logger, { ratePerSecond: 1, burst: BURST })
    .on(echo, ({ text }, { principal }) => {
      handled.push(echo.name);
      return { text, by: principal.name };
    })
    .on(
      technicianOnly,
      () => {
        handled.push(technicianOnly.name);
        return {};
      },
      { roles: ['technician'] },
    )
    .on(refuses, () => {
      throw AppError.withReason('CONFLICT', 'already_taken', 'Someone was faster');
    })
    .on(breaks, () => {
      throw new Error('secret internal detail');
    });
  http = createServer();
  io = new Server(http, { maxHttpBufferSize: 4 * MAX_REQUEST_BYTES });
  io.of('/kiosk').on('connection', (socket) => {
    router.attach(socket, PRINCIPALS[String(socket.handshake.auth.token)]!);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await io.close();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  logged.length = 0;
  handled.length = 0;
  vi.useRealTimers();
});

async function client(as: keyof typeof PRINCIPALS): Promise<Socket> {
  const socket = await connect(url, '/kiosk', as);
  sockets.push(socket);
  return socket;
}

describe('RequestRouter', () => {
  it('runs the handler with the validated payload and the principal, and acknowledges its answer', async () => {
    const kiosk = await client('kiosk');
    expect(await rawRequest(kiosk, echo.name, { text: 'bonjour' })).toEqual({
      ok: true,
      data: { text: 'bonjour', by: 'Kiosk' },
    });
  });

  it('answers an unknown message with UNKNOWN_MESSAGE', async () => {
    const kiosk = await client('kiosk');
    expect(await rawRequest(kiosk, 'test:nothing', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_MESSAGE' },
    });
  });

  it.each<[string, unknown[], string]>([
    ['a payload of the wrong shape', [{ text: 42 }], 'INVALID_INPUT'],
    ['an unknown field', [{ text: 'a', extra: true }], 'INVALID_INPUT'],
    ['no payload', [], 'INVALID_INPUT'],
    ['two payloads', [{ text: 'a' }, { text: 'b' }], 'INVALID_INPUT'],
    [
      'a payload over the size limit',
      [{ text: 'x'.repeat(MAX_REQUEST_BYTES) }],
      'PAYLOAD_TOO_LARGE',
    ],
  ])('refuses %s before any handler runs', async (_what, args, code) => {
    const kiosk = await client('kiosk');
    expect(await rawRequest(kiosk, echo.name, ...args)).toMatchObject({
      ok: false,
      error: { code },
    });
    expect(handled).toEqual([]);
  });

  it('says which fields are invalid', async () => {
    const kiosk = await client('kiosk');
    const answer = (await rawRequest(kiosk, echo.name, { text: 'x'.repeat(101) })) as {
      error: { details: { path: string }[] };
    };
    expect(answer.error.details.map((d) => d.path)).toEqual(['text']);
  });

  it('refuses a role the route does not allow, kiosks included, and lets the right one in', async () => {
    for (const as of ['kiosk', 'advisor'] as const) {
      expect(await rawRequest(await client(as), technicianOnly.name, {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(handled).toEqual([]);
    expect(await rawRequest(await client('technician'), technicianOnly.name, {})).toEqual({
      ok: true,
      data: {},
    });
  });

  it("passes a handler's refusal on with its code and reason", async () => {
    expect(await rawRequest(await client('advisor'), refuses.name, {})).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', reason: 'already_taken', message: 'Someone was faster' },
    });
  });

  it('turns a bug in a handler into INTERNAL, logged but never shown to the client', async () => {
    const answer = await rawRequest(await client('advisor'), breaks.name, {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('secret');
    expect(logged.find((l) => l.msg === 'request failed')?.err).toMatchObject({
      message: 'secret internal detail',
    });
  });

  it('ignores a request without an acknowledgement callback, and carries on', async () => {
    const kiosk = await client('kiosk');
    kiosk.emit(echo.name, { text: 'no ack' });
    expect(await rawRequest(kiosk, echo.name, { text: 'with ack' })).toMatchObject({ ok: true });
    // Events reach the server in order: the first was seen, and only the second was handled.
    expect(logged.map((l) => l.msg)).toContain('request without acknowledgement callback ignored');
    expect(handled).toEqual([echo.name]);
  });

  it('rate-limits each socket on its own, and refills its budget with time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const kiosk = await client('kiosk');
    const other = await client('kiosk');
    const codes = async (socket: Socket, n: number) => {
      const answers = [];
      for (let i = 0; i < n; i++)
        answers.push(
          (await rawRequest(socket, echo.name, { text: `${i}` })) as {
            ok: boolean;
            error?: { code: string };
          },
        );
      return answers.map((a) => (a.ok ? 'ok' : a.error!.code));
    };
    expect(await codes(kiosk, BURST + 2)).toEqual([
      ...Array<string>(BURST).fill('ok'),
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
    // Another socket has its own budget.
    expect(await codes(other, 1)).toEqual(['ok']);
    // One request per second comes back.
    vi.setSystemTime(Date.now() + 1_000);
    expect(await codes(kiosk, 2)).toEqual(['ok', 'RATE_LIMITED']);
  });

  it('counts every message against the budget, unknown and ack-less ones too, and samples the warnings', async () => {
    const kiosk = await client('kiosk');
    // 10,000 bad messages: unknown ones with and without an ack, known ones without an ack.
    const answered: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i % 3 === 0) kiosk.emit(`test:unknown-${i % 7}`, {});
      else if (i % 3 === 1) kiosk.emit(echo.name, { text: 'no ack' });
      else
        kiosk.emit('test:nothing', {}, (a: { ok: boolean; error?: { code: string } }) =>
          answered.push(a.ok ? 'ok' : a.error!.code),
        );
    }
    // Messages are handled in order: once this answer is in, the server has seen all of them.
    expect(await rawRequest(kiosk, echo.name, { text: 'after the flood' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    expect(handled).toEqual([]);
    expect(answered.length).toBe(3_333);
    expect(new Set(answered.slice(-100))).toEqual(new Set(['RATE_LIMITED']));
    // One line per kind of warning, not one per message.
    const warnings = logged.filter((l) => l.level === 40);
    expect(warnings.length).toBeLessThanOrEqual(5);
    expect(warnings.map((l) => l.msg)).toContain('requests over the rate limit refused');
    // The socket going logs how many were not.
    kiosk.close();
    await expect
      .poll(() => logged.find((l) => l.msg.endsWith('(repeats not logged)')))
      .toMatchObject({ suppressed: expect.any(Number) });
    expect(logged.filter((l) => l.level === 40).length).toBeLessThanOrEqual(10);
  });

  it('refuses a second handler for the same request, and lists what it routes', () => {
    expect(() => router.on(echo, () => ({ text: '', by: '' }))).toThrow(/Duplicate/);
    expect(router.names).toEqual([echo.name, technicianOnly.name, refuses.name, breaks.name]);
  });
});
