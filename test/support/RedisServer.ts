import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ServerProcess';

const READY_TIMEOUT_MS = 10_000;
const HOST = '127.0.0.1';

/**
 * The guard between the test and redis-server: it starts redis-server, then waits for its own
 * stdin to close. The test holds the other end of that pipe, so the pipe closes both when the
 * test calls `stop()` and when the test process dies in any way (even SIGKILL): either way the
 * guard stops redis-server and removes the temp dir. No system service, nothing left behind.
 */
const GUARD = [
  'redis-server "$@" &',
  'pid=$!',
  'cat > /dev/null',
  'kill -TERM "$pid" 2> /dev/null',
  'wait "$pid"',
  'rm -rf "$VISIO_REDIS_DIR"',
].join('\n');

/**
 * Debian's redis-server started by a test on a free port of 127.0.0.1, in a temp dir, without
 * persistence (`--save "" --appendonly no`). `stop()` ends it and removes the dir; `restart()`
 * starts it again on the same port (a Redis blip, as seen by the nodes).
 */
export class RedisServer {
  private output = '';
  private child: ChildProcess | undefined;
  private dir = '';

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(HOST));
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  /** What redis-server printed last (for failure messages). */
  get log(): string {
    return this.output;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-redis-'));
    const args = [
      '--bind',
      HOST,
      '--port',
      String(this.port),
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--logfile',
      '',
    ];
    const child = spawn('bash', ['-c', GUARD, 'visio-redis-guard', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, VISIO_REDIS_DIR: this.dir },
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-16_384);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.child = child;
    try {
      await this.ready(child);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async ready(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`redis-server exited (${child.exitCode}):\n${this.output}`);
      if (await answersPing(this.port)) return;
      if (Date.now() > deadline)
        throw new Error(
          `redis-server did not answer within ${READY_TIMEOUT_MS} ms:\n${this.output}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** PING in the inline protocol; +PONG once the server accepts commands (not only connections). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    let reply = '';
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
  });
}
