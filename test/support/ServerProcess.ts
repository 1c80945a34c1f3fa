import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type Fixtures } from './testServer';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** What is kept of the process's output, for error messages. */
const OUTPUT_KEPT = 64 * 1024;

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** The address HTTP and the media transports listen on, and browsers reach. */
  host: string;
  /** More configuration (the README's table); the data directory, port and host are set here. */
  env?: Record<string, string>;
  /** How long a start may take until `/readyz` answers 200. */
  readyTimeoutMs?: number;
  /** Keep everything every process wrote (`output()`), not only the end for error messages. */
  recordOutput?: boolean;
  /**
   * A PostgreSQL database (`postgres://…`) to seed and run on instead of SQLite in the data
   * directory; other nodes `join` it.
   */
  databaseUrl?: string;
}

/**
 * The node arguments that run the server: today's `npm start` path (TypeScript through tsx).
 * `VISIO_SERVER_ENTRY=<file>` runs another entry point, such as a compiled `dist/main.js`.
 */
function serverArguments(): string[] {
  const entry = process.env.VISIO_SERVER_ENTRY ?? 'server/src/main.ts';
  return entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
}

/**
 * The server as a child process, as it runs in production, for the faults that hit the process
 * itself: SIGKILL, SIGTERM, restart. It keeps its port and its data directory across restarts.
 *
 * The data directory is seeded first with the fixtures of `startTestServer()`: site, services,
 * enrolled kiosks, staff with session tokens. An in-process server writes them and stops, then
 * the child starts on that data. `MEDIASOUP_WORKER_BIN` and the rest come from this process's
 * environment (run under scripts/with-env.sh); `DEMO_SEED` is off.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<ServerExit> | undefined;
  private output = '';
  /** Everything written, when asked to record it. */
  private recorded: string[] | undefined;
  private closed = false;

  private constructor(
    readonly fixtures: Fixtures,
    readonly dataDir: string,
    readonly host: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly readyTimeoutMs: number,
  ) {}

  /** Seeds a data directory, picks a free port on `host` and starts the first process. */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const database: Record<string, string> = options.databaseUrl
      ? { DATABASE_URL: options.databaseUrl }
      : {};
    // Seeded with the secret the processes will run with (codes made by the seed stay valid).
    const secret = options.env?.SERVER_SECRET;
    const seeded = await startTestServer({
      ...database,
      ...(secret ? { SERVER_SECRET: secret } : {}),
    });
    const { server: _server, url: _url, dataDir, stop, ...fixtures } = seeded;
    await stop({ keepData: true });
    return ServerProcess.launched(fixtures, dataDir, {
      ...options,
      env: { ...database, ...options.env },
    });
  }

  /**
   * Another node on the database of `first` (its `databaseUrl`), with the same fixtures and a
   * data directory of its own; `options.env` comes on top of the first node's.
   */
  static async join(first: ServerProcess, options: ServerProcessOptions): Promise<ServerProcess> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-node-'));
    return ServerProcess.launched(first.fixtures, dataDir, {
      ...options,
      env: { ...first.env, ...options.env },
    });
  }

  private static async launched(
    fixtures: Fixtures,
    dataDir: string,
    options: ServerProcessOptions,
  ): Promise<ServerProcess> {
    const server = new ServerProcess(
      fixtures,
      dataDir,
      options.host,
      await freePort(options.host),
      options.env ?? {},
      options.readyTimeoutMs ?? 60_000,
    );
    if (options.recordOutput) server.recorded = [];
    try {
      await server.launch();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The current process's pid, while it runs. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /**
   * Starts a process on the same port and data (the first one, or after the last one exited).
   * Resolves with `Date.now()` at the first 200 from `/readyz`; rejects if the process exits
   * first or is not ready in time.
   */
  async launch(): Promise<number> {
    if (this.closed) throw new Error('server process closed');
    if (this.running) throw new Error(`server process ${this.child?.pid} is still running`);
    const child = spawn(process.execPath, serverArguments(), {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        MEDIA_WORKER_LOG_LEVEL: 'warn',
        TIMEZONE: 'Europe/Paris',
        // The address browsers use: this process's own, unless it is behind a load balancer.
        PUBLIC_URL: this.url,
        ...this.env,
        DEMO_SEED: 'false',
        DATA_DIR: this.dataDir,
        HOST: this.host,
        PORT: String(this.port),
        MEDIA_LISTEN_IP: this.host,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output = (this.output + text).slice(-OUTPUT_KEPT);
      this.recorded?.push(text);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    this.output += `\n--- process ${child.pid} started\n`;
    return this.waitReady(child);
  }

  /** Sends a signal to the current process (SIGKILL: a crash; SIGTERM: a graceful stop). */
  kill(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error('no server process running');
    this.child?.kill(signal);
  }

  /** Resolves with how the current process ended, or undefined if it still runs after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<ServerExit | undefined> {
    if (!this.exit) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The HTTP status of `/readyz` now, or 'down' when nothing answers. */
  async readiness(): Promise<number | 'down'> {
    try {
      const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.status;
    } catch {
      return 'down';
    }
  }

  /** Stops the current process: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    if (await this.waitExit(graceMs)) return;
    this.child?.kill('SIGKILL');
    await this.waitExit(5_000);
  }

  /** Stops the process and removes the data directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Everything the server processes wrote so far (stdout and stderr), if recorded. */
  recordedOutput(): string {
    if (!this.recorded) throw new Error('started without recordOutput');
    return this.recorded.join('');
  }

  /** The end of what the server processes wrote, for error messages. */
  logTail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  private async waitReady(child: ChildProcess): Promise<number> {
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `server process exited (${child.exitCode ?? child.signalCode}) before ready:\n${this.logTail()}`,
        );
      if ((await this.readiness()) === 200) return Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`server process not ready after ${this.readyTimeoutMs} ms:\n${this.logTail()}`);
  }
}

/** A TCP port free right now on `host` (the server binds it a moment later, and again at each restart). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
