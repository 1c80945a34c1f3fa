import { execFile, execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every namespace this module makes is named so; the number is the pid of the process that made it. */
const NAME_PREFIX = 'visio-net-';
/**
 * 198.18.0.0/15 is reserved for network benchmarks (RFC 2544): no real network lives there, so a
 * /30 picked in it reaches nothing but the namespace. Each /30 holds the host end (.1) and the
 * namespace end (.2) of one veth pair.
 */
const POOL_BASE = 198 * 2 ** 24 + 18 * 2 ** 16;
const POOL_SUBNETS = 2 ** 15 / 4;
const MAX_PICKS = 32;
/** The chain that holds the cut rules, hooked into INPUT and OUTPUT of the namespace. */
const CUT_CHAIN = 'VISIO_CUT';

/**
 * A network namespace joined to the host by a veth pair on a private /30 picked for this run: a
 * machine of its own for a browser (or a server) under test, whose packets the test can drop for
 * real. CDP's offline emulation does not touch WebRTC media, and stopping a process queues rather
 * than drops (handbook PLATFORM.md, "Network conditions in tests").
 *
 * - The namespace has no default route: it reaches the host's end of the pair and nothing else.
 *   Anything the host should offer it (an HTTP server, media transports) must listen on
 *   `hostAddress`.
 * - `chromiumWrapper()` gives an executable that runs Chromium inside the namespace, for
 *   Playwright's `executablePath`. Playwright's pipe to the browser (file descriptors 3 and 4)
 *   passes through `ip netns exec`, which execs in place.
 *   A page from `http://<hostAddress>:<port>` is not a secure context, so it has no camera.
 *   Launch that Chromium with `--unsafely-treat-insecure-origin-as-secure=<origin>`.
 * - `cut()` drops every packet in and out of the namespace's interface; `restore()` lets them
 *   through again. `iptables()` and `exec()` are there for other conditions (port filters, random
 *   loss, `tc` shaping).
 * - `destroy()` removes the pair, the namespace (its iptables rules go with it) and the wrapper.
 *   It runs at process exit too. Namespaces left by a process that was killed outright are
 *   removed by the next `create()`.
 *
 * Needs root, iproute2 and iptables (scripts/setup.sh installs them with the test packages).
 */
export class NetworkNamespace {
  private wrapperDir: string | undefined;
  private destroyed = false;
  private readonly onExit = () => this.destroySync();

  private constructor(
    readonly name: string,
    readonly hostInterface: string,
    readonly namespaceInterface: string,
    /** The host's end of the pair: what the namespace can reach. */
    readonly hostAddress: string,
    /** The namespace's own address. */
    readonly namespaceAddress: string,
  ) {
    process.once('exit', this.onExit);
  }

  static async create(): Promise<NetworkNamespace> {
    await NetworkNamespace.removeStale();
    const taken = await takenPrefixes();
    for (let pick = 0; pick < MAX_PICKS; pick++) {
      const subnet = POOL_BASE + randomInt(POOL_SUBNETS) * 4;
      if (taken.some((prefix) => overlaps(prefix, { base: subnet, length: 30 }))) continue;
      const tag = `${process.pid.toString(36)}${randomInt(36 ** 3).toString(36)}`;
      const ns = new NetworkNamespace(
        `${NAME_PREFIX}${process.pid}-${tag}`,
        `vh${tag}`,
        `vn${tag}`,
        toDotted(subnet + 1),
        toDotted(subnet + 2),
      );
      try {
        await ns.build();
        return ns;
      } catch (error) {
        await ns.destroy();
        // Another run may have taken the same names or subnet a moment ago: pick again.
        if (pick === MAX_PICKS - 1) throw error;
      }
    }
    throw new Error(`no free /30 found in 198.18.0.0/15 after ${MAX_PICKS} picks`);
  }

  /**
   * Removes the namespaces this module made in processes that no longer run (a test run killed
   * outright never reached its teardown). Namespaces of live processes are left alone.
   */
  static async removeStale(): Promise<void> {
    const { stdout } = await run('ip', ['netns', 'list']);
    for (const line of stdout.split('\n')) {
      const name = line.split(' ')[0] ?? '';
      const pid = new RegExp(`^${NAME_PREFIX}(\\d+)-`).exec(name)?.[1];
      if (!pid || isAlive(Number(pid))) continue;
      // Deleting the namespace destroys its end of the veth pair, and with it the host's end.
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
    }
  }

  /** Runs a command inside the namespace. */
  exec(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
    return run('ip', ['netns', 'exec', this.name, command, ...args]);
  }

  /** Runs iptables inside the namespace (waiting for the xtables lock if another holds it). */
  async iptables(...args: string[]): Promise<void> {
    await this.exec('iptables', ['-w', '5', ...args]);
  }

  /** Drops every packet in and out of the namespace until `restore()`. */
  async cut(): Promise<void> {
    await this.iptables('-F', CUT_CHAIN);
    await this.iptables('-A', CUT_CHAIN, '-i', this.namespaceInterface, '-j', 'DROP');
    await this.iptables('-A', CUT_CHAIN, '-o', this.namespaceInterface, '-j', 'DROP');
  }

  /** Lets the namespace's packets through again. */
  async restore(): Promise<void> {
    await this.iptables('-F', CUT_CHAIN);
  }

  /**
   * An executable that runs `executable` (Chromium) inside the namespace with the arguments it is
   * given: hand it to Playwright as `executablePath`.
   */
  chromiumWrapper(executable: string): string {
    this.wrapperDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'visio-netns-'));
    const wrapper = path.join(this.wrapperDir, 'chromium');
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nexec ip netns exec ${shellQuote(this.name)} ${shellQuote(executable)} "$@"\n`,
      { mode: 0o755 },
    );
    return wrapper;
  }

  /**
   * Removes the veth pair, the namespace and the wrapper. Idempotent. Processes still running in
   * the namespace keep it alive until they exit: close the browser first.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('exit', this.onExit);
    await run('ip', ['link', 'del', this.hostInterface]).catch(() => undefined);
    await run('ip', ['netns', 'del', this.name]).catch(() => undefined);
    if (this.wrapperDir) fs.rmSync(this.wrapperDir, { recursive: true, force: true });
  }

  private async build(): Promise<void> {
    const ip = (...args: string[]) => run('ip', args);
    await ip('netns', 'add', this.name);
    await ip(
      'link',
      'add',
      this.hostInterface,
      'type',
      'veth',
      'peer',
      'name',
      this.namespaceInterface,
    );
    await ip('link', 'set', this.namespaceInterface, 'netns', this.name);
    await ip('addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostInterface);
    await ip('link', 'set', this.hostInterface, 'up');
    await ip(
      '-n',
      this.name,
      'addr',
      'add',
      `${this.namespaceAddress}/30`,
      'dev',
      this.namespaceInterface,
    );
    await ip('-n', this.name, 'link', 'set', this.namespaceInterface, 'up');
    await ip('-n', this.name, 'link', 'set', 'lo', 'up');
    await this.iptables('-N', CUT_CHAIN);
    await this.iptables('-A', 'INPUT', '-j', CUT_CHAIN);
    await this.iptables('-A', 'OUTPUT', '-j', CUT_CHAIN);
  }

  /** The same teardown, synchronous, for process exit (no event loop to await on). */
  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const args of [
      ['link', 'del', this.hostInterface],
      ['netns', 'del', this.name],
    ]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
    if (this.wrapperDir) fs.rmSync(this.wrapperDir, { recursive: true, force: true });
  }
}

interface Prefix {
  base: number;
  length: number;
}

/** Every IPv4 prefix the host already uses, on an interface or in a route. */
async function takenPrefixes(): Promise<Prefix[]> {
  const [addresses, routes] = await Promise.all([
    run('ip', ['-4', '-o', 'addr', 'show']),
    run('ip', ['-4', 'route', 'show', 'table', 'all']),
  ]);
  const prefixes: Prefix[] = [];
  for (const match of `${addresses.stdout}\n${routes.stdout}`.matchAll(
    /\b(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?\b/g,
  )) {
    prefixes.push({ base: fromDotted(match[1]!), length: Number(match[2] ?? 32) });
  }
  return prefixes;
}

function overlaps(a: Prefix, b: Prefix): boolean {
  const length = Math.min(a.length, b.length);
  const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

function fromDotted(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
