import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadgen');

/** What the generator needs to reach one WebRtcTransport and what it sends on it. */
export interface EndpointSpec {
  id: number;
  ip: string;
  port: number;
  ufrag: string;
  pwd: string;
  /** The server's SHA-256 certificate fingerprint, "AB:CD:…". */
  fingerprint: string;
  send?: {
    videoSsrc: number;
    audioSsrc: number;
    videoPt: number;
    audioPt: number;
    videoMid: string;
    audioMid: string;
    ext: { mid: number; absSendTime: number; transportCc: number; audioLevel: number };
    kbps: number;
  };
}

export interface EndpointStats {
  id: number;
  state: 'ice' | 'dtls' | 'media' | 'failed';
  sent_rtp: number;
  sent_rtcp: number;
  sent_bytes: number;
  send_errors: number;
  rx_rtp: number;
  rx_rtcp: number;
  rx_bytes: number;
  rx: { ssrc: number; received: number; expected: number }[];
}

export interface LoadgenStats {
  cpu_ms: number;
  endpoints: EndpointStats[];
}

type Line = { event: string } & Record<string, unknown>;

/**
 * Builds the C load generator (make; a no-op when up to date) and returns the binary's path.
 * Under a lock: the unit and integration suites may start it at the same moment.
 */
export function buildLoadgen(): string {
  execFileSync('flock', [path.join(SOURCE_DIR, 'build.lock'), 'make', '-s', '-C', SOURCE_DIR], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return path.join(SOURCE_DIR, 'build', 'loadgen');
}

export type SrtpOffer = 'browser' | 'cm';

/**
 * The load generator as a child process: commands as `word key=value` lines on its stdin,
 * answers and events as JSON lines on its stdout. `taskset` pins it to a CPU when asked.
 */
export class Loadgen {
  readonly fingerprint: string;
  /** The SRTP profiles the server chose, over the endpoints connected so far. */
  readonly srtpProfiles = new Set<string>();
  private readonly waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  private readonly events: Line[] = [];
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    fingerprint: string,
    private readonly lines: readline.Interface,
  ) {
    this.fingerprint = fingerprint;
    lines.on('line', (text) => this.onLine(JSON.parse(text) as Line));
    child.on('exit', () => {
      this.exited = true;
    });
  }

  /**
   * `srtp`: the DTLS-SRTP profiles it offers: `browser` (Chromium's: AEAD_AES_256_GCM, then
   * AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80; mediasoup takes the first) or `cm`
   * (AES_CM_128_HMAC_SHA1_80 alone).
   */
  static async start(options: { cpu?: number; srtp?: SrtpOffer } = {}): Promise<Loadgen> {
    const bin = buildLoadgen();
    const spawnOptions = {
      stdio: ['pipe', 'pipe', 'inherit'] as ('pipe' | 'inherit')[],
      env: { ...process.env, LOADGEN_SRTP: options.srtp ?? 'browser' },
    };
    const child =
      options.cpu === undefined
        ? spawn(bin, [], spawnOptions)
        : spawn('taskset', ['-c', String(options.cpu), bin], spawnOptions);
    const lines = readline.createInterface({ input: child.stdout! });
    const first = await new Promise<Line>((resolve, reject) => {
      lines.once('line', (text) => resolve(JSON.parse(text) as Line));
      child.once('exit', (code) =>
        reject(new Error(`loadgen exited (${code}) before it was ready`)),
      );
    });
    if (first.event !== 'ready')
      throw new Error(`loadgen: unexpected first line ${JSON.stringify(first)}`);
    return new Loadgen(child, String(first.fingerprint), lines);
  }

  get pid(): number {
    return this.child.pid!;
  }

  add(spec: EndpointSpec): void {
    const words = [
      'add',
      `id=${spec.id}`,
      `ip=${spec.ip}`,
      `port=${spec.port}`,
      `ufrag=${spec.ufrag}`,
      `pwd=${spec.pwd}`,
      `fp=${spec.fingerprint}`,
    ];
    const s = spec.send;
    if (s) {
      words.push(
        `video_ssrc=${s.videoSsrc}`,
        `audio_ssrc=${s.audioSsrc}`,
        `video_pt=${s.videoPt}`,
        `audio_pt=${s.audioPt}`,
        `video_mid=${s.videoMid}`,
        `audio_mid=${s.audioMid}`,
        `ext_mid=${s.ext.mid}`,
        `ext_abs=${s.ext.absSendTime}`,
        `ext_twcc=${s.ext.transportCc}`,
        `ext_level=${s.ext.audioLevel}`,
        `kbps=${s.kbps}`,
      );
    }
    this.send(words.join(' '));
  }

  /** Resolves when the endpoint's DTLS handshake is done (SRTP keys in hand), rejects on failure. */
  async connected(id: number, timeoutMs = 20_000): Promise<number> {
    const line = await this.next(
      (l) => (l.event === 'connected' || l.event === 'failed') && l.id === id,
      timeoutMs,
    );
    if (line.event === 'failed') throw new Error(`endpoint ${id} failed: ${String(line.reason)}`);
    this.srtpProfiles.add(String(line.srtp));
    return Number(line.ms);
  }

  async remove(id: number): Promise<void> {
    this.send(`remove id=${id}`);
    await this.next(
      (l) => (l.event === 'removed' || l.event === 'error') && (l.id === id || l.id === undefined),
    );
  }

  async stats(): Promise<LoadgenStats> {
    this.send('stats');
    return (await this.next((l) => l.event === 'stats')) as unknown as LoadgenStats;
  }

  /** Sends a self-test command (kdf, keystream, protect) and returns its answer. */
  async call(command: string): Promise<Line> {
    this.send(command);
    return this.next(
      (l) => l.event !== 'connected' && l.event !== 'failed' && l.event !== 'removed',
    );
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    this.lines.close();
  }

  private send(line: string): void {
    if (this.exited) throw new Error('loadgen has exited');
    this.child.stdin!.write(`${line}\n`);
  }

  private onLine(line: Line): void {
    const i = this.waiters.findIndex((w) => w.match(line));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(line);
    else this.events.push(line);
  }

  private next(match: (l: Line) => boolean, timeoutMs = 20_000): Promise<Line> {
    const i = this.events.findIndex(match);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]!);
    return new Promise<Line>((resolve, reject) => {
      const timer = setTimeout(() => {
        const w = this.waiters.indexOf(waiter);
        if (w >= 0) this.waiters.splice(w, 1);
        reject(new Error('loadgen: no answer in time'));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (l: Line) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.waiters.push(waiter);
    });
  }
}
