import type { Socket } from 'socket.io-client';
import { expect, test as base } from 'vitest';
import { SignallingClient } from '@visio/shared/client';
import { clearAppointments } from './appointments';
import { connect } from './socketClient';
import { startTestServer, type Fixtures, type TestServer } from './testServer';

// The integration suite's `test`: a real server per file with its seeded parties, socket.io
// clients that are closed after each test, and what a test must leave behind checked (or made
// so) before the next one starts. A file sets its server's environment and its clean-up with
// `test.override({ serverEnv: {...}, afterEachTest: '...' })` at its top.

type Namespace = '/kiosk' | '/staff';

/** The `client` fixture: connects to the file's server, or to `on`. */
export type OpenClient = (
  nsp: Namespace,
  token: string,
  on?: TestServer,
) => Promise<SignallingClient>;

/**
 * What each test leaves for the next, once its sockets are closed and the server has seen them go:
 * - 'sockets': nothing more;
 * - 'no calls': every call has ended (the server ends a call whose party stays away past its
 *   reconnect grace, so a file using this keeps that grace short);
 * - 'no appointments': running calls are ended and every appointment not over is cancelled, on
 *   every server of the file.
 */
export type AfterEachTest = 'sockets' | 'no calls' | 'no appointments';

/** How long the server may take to see a socket go, or to end the calls left behind. */
const SETTLE = { timeout: 10_000, interval: 20 };

/** Servers started together and stopped together (a file's, or one test's own). */
class ServerGroup {
  private readonly started: TestServer[] = [];

  get all(): readonly TestServer[] {
    return this.started;
  }

  async start(
    env: Record<string, string> = {},
    reuse?: { dataDir: string; fixtures: Fixtures },
  ): Promise<TestServer> {
    const server = await startTestServer(env, reuse);
    this.started.push(server);
    return server;
  }

  /** Forgets a server the test stopped itself (a restart keeps its data for the next one). */
  stopped(server: TestServer): void {
    this.started.splice(this.started.indexOf(server), 1);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((server) => server.stop()));
  }
}

/** The sockets a test opened, each with the server it reached. */
class TestSockets {
  private readonly open: { socket: Socket; id: string; nsp: Namespace; on: TestServer }[] = [];

  async connect(
    on: TestServer,
    nsp: Namespace,
    token: string,
    beforeConnect?: (socket: Socket) => void,
  ): Promise<Socket> {
    const socket = await connect(on.url, nsp, token, beforeConnect);
    this.open.push({ socket, id: socket.id ?? '', nsp, on });
    return socket;
  }

  /**
   * Closes every socket, then waits until each server has dropped it: socket.io runs the
   * server's disconnect handlers in the same turn as it forgets the socket, so after this the
   * server has taken every departure into account.
   */
  async closeAll(): Promise<void> {
    const closing = this.open.splice(0);
    for (const { socket } of closing) socket.close();
    for (const { id, nsp, on } of closing) {
      await expect.poll(() => on.server.signalling.io.of(nsp).sockets.has(id), SETTLE).toBe(false);
    }
  }
}

export const test = base
  .extend('serverEnv', { scope: 'file' }, {} as Record<string, string>)
  .extend('afterEachTest', { scope: 'file' }, 'sockets' as AfterEachTest)
  // Vitest reads a fixture's dependencies from its first parameter, which must be a pattern.
  // eslint-disable-next-line no-empty-pattern
  .extend('servers', { scope: 'file' }, async ({}, { onCleanup }) => {
    const servers = new ServerGroup();
    onCleanup(() => servers.stopAll());
    return servers;
  })
  /** The file's server, started with `serverEnv`, seeded with a site, services and parties. */
  .extend('t', { scope: 'file' }, ({ servers, serverEnv }) => servers.start(serverEnv))
  /** Starts a server of the test's own (other settings), stopped after the test. */
  // eslint-disable-next-line no-empty-pattern
  .extend('startServer', async ({}, { onCleanup }) => {
    const own = new ServerGroup();
    onCleanup(() => own.stopAll());
    return (env: Record<string, string> = {}) => own.start(env);
  })
  // Depends on startServer so that the test's sockets are closed before its own servers stop.
  .extend(
    'sockets',
    { auto: true },
    async ({ servers, afterEachTest, startServer: _ }, { onCleanup }) => {
      const sockets = new TestSockets();
      onCleanup(async () => {
        await sockets.closeAll();
        if (afterEachTest === 'no calls') {
          for (const server of servers.all)
            await expect.poll(() => server.server.calls.activeCalls.length, SETTLE).toBe(0);
        }
        if (afterEachTest === 'no appointments')
          await Promise.all(servers.all.map((server) => clearAppointments(server)));
      });
      return sockets;
    },
  )
  /** A raw socket.io client on the file's server (or `on`), closed after the test. */
  .extend(
    'socket',
    ({ sockets, t }) =>
      (
        nsp: Namespace,
        token: string,
        options: { on?: TestServer; beforeConnect?: (socket: Socket) => void } = {},
      ) =>
        sockets.connect(options.on ?? t, nsp, token, options.beforeConnect),
  )
  /** A signalling client (typed requests and events), closed after the test. */
  .extend(
    'client',
    ({ socket }): OpenClient =>
      async (nsp, token, on) =>
        new SignallingClient(await socket(nsp, token, { on }), 5_000),
  );

export { describe, expect } from 'vitest';
