import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { NetworkNamespace } from './NetworkNamespace';

const run = promisify(execFile);

/** The chain that holds the random-loss rules, hooked into INPUT and OUTPUT of the namespace. */
const LOSS_CHAIN = 'VISIO_LOSS';
/**
 * How long a packet may wait in the token bucket before it is dropped: a modest buffer, as a DSL
 * or 4G modem has (most have more). It sets the queue the congestion control sees growing.
 */
const QUEUE_LATENCY_MS = 200;
/** Two full Ethernet frames at least, so that the bucket never refuses a single packet. */
const MIN_BURST_BYTES = 2 * 1514;

export interface LineCondition {
  /** The cap in each direction, kbit/s. */
  kbps: number;
  /** Random loss in each direction, percent of packets (all protocols). */
  lossPct: number;
}

/**
 * A poor line between the namespace and the host: a bandwidth cap each way with `tc tbf` (netem
 * does not exist in this kernel: handbook PLATFORM.md) and random loss each way with iptables'
 * `statistic` match, for UDP and TCP alike.
 *
 * - Upload (namespace → host) is shaped on the namespace's end of the veth pair, download
 *   (host → namespace) on the host's end: a qdisc shapes what leaves an interface only.
 * - Loss is dropped in the namespace: INPUT for what arrives, OUTPUT for what leaves.
 *
 * Everything lives on the pair and in the namespace, so `NetworkNamespace.destroy()` (also run at
 * process exit, and for a killed run's leftovers at the next `create()`) removes it all.
 */
export class LineImpairment {
  private hooked = false;

  constructor(private readonly network: NetworkNamespace) {}

  /** Replaces whatever condition was set with this one, and checks that the kernel took it. */
  async apply(condition: LineCondition): Promise<void> {
    if (!(condition.kbps > 0)) throw new Error(`kbps must be positive, got ${condition.kbps}`);
    if (!(condition.lossPct >= 0 && condition.lossPct < 100))
      throw new Error(`lossPct must be in [0, 100), got ${condition.lossPct}`);
    await this.shape(condition.kbps);
    await this.drop(condition.lossPct);
    await this.verify(condition);
  }

  /** Removes the cap and the loss: the pair carries what it can again. */
  async lift(): Promise<void> {
    await this.hostTc('qdisc', 'del', 'dev', this.network.hostInterface, 'root').catch(noQdisc);
    await this.namespaceTc('qdisc', 'del', 'dev', this.network.namespaceInterface, 'root').catch(
      noQdisc,
    );
    if (this.hooked) await this.network.iptables('-F', LOSS_CHAIN);
  }

  private async shape(kbps: number): Promise<void> {
    const bytesPerSecond = (kbps * 1000) / 8;
    // At least 10 ms of traffic, as tbf wants a bucket of rate/HZ or more.
    const burst = Math.max(MIN_BURST_BYTES, Math.ceil(bytesPerSecond / 100));
    const tbf = [
      'root',
      'tbf',
      'rate',
      `${kbps}kbit`,
      'burst',
      String(burst),
      'latency',
      `${QUEUE_LATENCY_MS}ms`,
    ];
    await this.hostTc('qdisc', 'replace', 'dev', this.network.hostInterface, ...tbf);
    await this.namespaceTc('qdisc', 'replace', 'dev', this.network.namespaceInterface, ...tbf);
  }

  private async drop(lossPct: number): Promise<void> {
    if (!this.hooked) {
      await this.network.iptables('-N', LOSS_CHAIN);
      await this.network.iptables('-A', 'INPUT', '-j', LOSS_CHAIN);
      await this.network.iptables('-A', 'OUTPUT', '-j', LOSS_CHAIN);
      this.hooked = true;
    }
    await this.network.iptables('-F', LOSS_CHAIN);
    if (lossPct === 0) return;
    const probability = (lossPct / 100).toFixed(4);
    for (const [direction, iface] of [
      ['-i', this.network.namespaceInterface],
      ['-o', this.network.namespaceInterface],
    ] as const) {
      await this.network.iptables(
        '-A',
        LOSS_CHAIN,
        direction,
        iface,
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        probability,
        '-j',
        'DROP',
      );
    }
  }

  /** Reads the qdiscs and the loss rules back: a condition the kernel did not take is no measure. */
  private async verify({ kbps, lossPct }: LineCondition): Promise<void> {
    const rate = new RegExp(`\\btbf\\b.*\\brate (\\d+(?:\\.\\d+)?)([KMG]?)bit`);
    for (const [side, shown] of [
      ['host', await this.hostTc('qdisc', 'show', 'dev', this.network.hostInterface)],
      [
        'namespace',
        await this.namespaceTc('qdisc', 'show', 'dev', this.network.namespaceInterface),
      ],
    ] as const) {
      const match = rate.exec(shown);
      const unit = { '': 1e-3, K: 1, M: 1e3, G: 1e6 }[match?.[2] ?? ''] ?? Number.NaN;
      const shownKbps = match ? Number(match[1]) * unit : Number.NaN;
      if (!(Math.abs(shownKbps - kbps) <= kbps * 0.01))
        throw new Error(`the ${side} side's qdisc is not tbf at ${kbps} kbit/s: ${shown.trim()}`);
    }
    const rules = (await this.network.exec('iptables', ['-w', '5', '-S', LOSS_CHAIN])).stdout;
    const drops = rules.split('\n').filter((line) => line.includes('--probability'));
    if (drops.length !== (lossPct === 0 ? 0 : 2))
      throw new Error(`expected ${lossPct === 0 ? 0 : 2} loss rules, found:\n${rules}`);
  }

  private async hostTc(...args: string[]): Promise<string> {
    return (await run('tc', args)).stdout;
  }

  private async namespaceTc(...args: string[]): Promise<string> {
    return (await this.network.exec('tc', args)).stdout;
  }
}

/** Deleting a root qdisc that is not there is not an error for `lift()`. */
function noQdisc(error: unknown): void {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '');
  if (!/No such file or directory|Cannot delete qdisc with handle of zero/.test(stderr))
    throw error;
}
