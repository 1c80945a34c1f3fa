import type { NetworkNamespace } from '../support/NetworkNamespace';

const CHAIN = 'VISIO_SITE_FIREWALL';

/**
 * The firewall of the kiosk's site: a chain of its own on the namespace's OUTPUT (first match
 * wins), filled by a case and emptied by `open()` for the next one.
 */
export class SiteFirewall {
  private constructor(private readonly network: NetworkNamespace) {}

  static async install(network: NetworkNamespace): Promise<SiteFirewall> {
    await network.iptables('-N', CHAIN);
    await network.iptables('-A', 'OUTPUT', '-j', CHAIN);
    return new SiteFirewall(network);
  }

  /** No UDP leaves the site. */
  dropUdp(): Promise<void> {
    return this.append('-p', 'udp', '-j', 'DROP');
  }

  /** Only TCP to these ports of the host's address leaves the site (and the kiosk's loopback). */
  async onlyTcpTo(ports: readonly number[]): Promise<void> {
    await this.append('-o', 'lo', '-j', 'ACCEPT');
    for (const port of ports)
      await this.append(
        '-p',
        'tcp',
        '-d',
        this.network.hostAddress,
        '--dport',
        String(port),
        '-j',
        'ACCEPT',
      );
    await this.append('-j', 'DROP');
  }

  /** Every rule removed: the network is open again. */
  open(): Promise<void> {
    return this.network.iptables('-F', CHAIN);
  }

  private append(...rule: string[]): Promise<void> {
    return this.network.iptables('-A', CHAIN, ...rule);
  }
}
