import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './ServerProcess';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The relay's configuration as deployed (docker-compose.yml): the tests run that very file. */
const DEPLOY_CONFIG = path.join(REPO_ROOT, 'deploy/turnserver.conf');
const READY_TIMEOUT_MS = 10_000;

export interface TurnServerOptions {
  /** The address coturn listens and relays on (and the certificate's IP). */
  listenIp: string;
  /** TURN over UDP and TCP; 0 picks a free one. */
  port?: number;
  /** TURN over TLS; 0 picks a free one. */
  tlsPort?: number;
  /** The peers relays may reach although deploy/turnserver.conf denies their range. */
  allowedPeerIps: string[];
}

/**
 * Debian's coturn started by a test on deploy/turnserver.conf, overriding on the command line
 * what compose overrides (secret, realm, addresses, the allowed peer) and what a test must own
 * (ports, a temp dir for its database, pid file and a self-signed certificate for `listenIp`,
 * made here with openssl). Stopped by `close()`.
 */
export class TurnServerProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly listenIp: string,
    readonly port: number,
    readonly tlsPort: number,
    /** coturn's static-auth-secret: the server's TURN_SECRET. */
    readonly secret: string,
    /** The certificate's PEM, to trust it. */
    readonly certificatePem: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-32_768);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(options: TurnServerOptions): Promise<TurnServerProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-turn-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=visio-test-turn',
      '-addext',
      `subjectAltName=IP:${options.listenIp}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    const port = options.port || (await freePort(options.listenIp));
    const tlsPort = options.tlsPort || (await freePort(options.listenIp));
    // The relayed ports: a block above the ephemeral range's usual start, picked per run.
    const relayBase = 50_000 + Math.floor(Math.random() * 100) * 100;
    const secret = randomBytes(32).toString('hex');
    const child = spawn(
      'turnserver',
      [
        '-c',
        DEPLOY_CONFIG,
        `--listening-ip=${options.listenIp}`,
        `--relay-ip=${options.listenIp}`,
        `--listening-port=${port}`,
        `--tls-listening-port=${tlsPort}`,
        `--min-port=${relayBase}`,
        `--max-port=${relayBase + 99}`,
        `--cert=${cert}`,
        `--pkey=${key}`,
        `--static-auth-secret=${secret}`,
        '--realm=visio.test',
        ...options.allowedPeerIps.map((ip) => `--allowed-peer-ip=${ip}`),
        `--db=${path.join(dir, 'turndb')}`,
        `--pidfile=${path.join(dir, 'turnserver.pid')}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const relay = new TurnServerProcess(
      child,
      dir,
      options.listenIp,
      port,
      tlsPort,
      secret,
      fs.readFileSync(cert, 'utf8'),
    );
    try {
      await relay.ready();
    } catch (error) {
      await relay.close();
      throw error;
    }
    return relay;
  }

  /** Base64 SHA-256 of the certificate's public key: Chromium's --ignore-certificate-errors-spki-list. */
  get spkiSha256(): string {
    const spki = new X509Certificate(this.certificatePem).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    return createHash('sha256').update(spki).digest('base64');
  }

  /** What coturn printed last (for failure messages). */
  get log(): string {
    return this.output;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Listening once both TCP listeners take connections (the UDP one opens before them). */
  private async ready(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null)
        throw new Error(`turnserver exited (${this.child.exitCode}):\n${this.output}`);
      const open = await Promise.all(
        [this.port, this.tlsPort].map((port) => accepts(this.listenIp, port)),
      );
      if (open.every(Boolean)) return;
      if (Date.now() > deadline)
        throw new Error(`turnserver did not listen within ${READY_TIMEOUT_MS} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
