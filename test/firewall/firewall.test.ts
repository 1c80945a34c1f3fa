import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mediaFlowsFrom } from '../e2e/support/browser';
import { CallRig, type RigCall } from '../faults/CallRig';
import { NetworkNamespace } from '../support/NetworkNamespace';
import { TurnServerProcess } from '../support/TurnServerProcess';
import { readSelectedPaths, type PathReading } from './SelectedPath';
import { SiteFirewall } from './SiteFirewall';

const TURN_PORT = 3478;
const TURNS_PORT = 443;

/**
 * A kiosk behind its site's firewall still calls its advisor: the kiosk's Chromium runs in a
 * network namespace whose outgoing traffic a case filters with iptables, the server and a coturn
 * on deploy/turnserver.conf (UDP/TCP 3478, TLS 443 with a certificate made for this run) listen
 * on the host's end of the veth pair. Each case is a real call through the real UI, media decoded
 * both ways, and asserts the path the kiosk's browser selected (getStats), so that no case can
 * pass on another path than its own.
 */
describe('a kiosk behind a firewall', () => {
  let coturn: TurnServerProcess | undefined;
  let rig: CallRig | undefined;
  let firewall: SiteFirewall | undefined;
  let call: RigCall | undefined;
  let relayUrls: () => string[] = () => [];

  beforeAll(async () => {
    const network = await NetworkNamespace.create();
    try {
      const host = network.hostAddress;
      // The SFU listens on the host's end of the pair: a private (benchmark-range) address that
      // deploy/turnserver.conf denies, let through for the SFU alone as compose does.
      coturn = await TurnServerProcess.start({
        listenIp: host,
        port: TURN_PORT,
        tlsPort: TURNS_PORT,
        allowedPeerIps: [host],
      });
      firewall = await SiteFirewall.install(network);
    } catch (error) {
      await coturn?.close();
      await network.destroy();
      throw error;
    }
    relayUrls = () => [
      `turn:${network.hostAddress}:${TURN_PORT}?transport=udp`,
      `turn:${network.hostAddress}:${TURN_PORT}?transport=tcp`,
      `turns:${network.hostAddress}:${TURNS_PORT}?transport=tcp`,
    ];
    rig = await CallRig.open({
      network,
      serverEnv: {
        TURN_URLS: relayUrls().join(','),
        TURN_SECRET: coturn.secret,
      },
      // Chromium checks a TURN server's TLS certificate like a web site's (chain to a trusted
      // root, the URL's host among its names); the kiosk trusts this run's self-signed one by
      // its public key, and nothing else.
      kioskArgs: [`--ignore-certificate-errors-spki-list=${coturn.spkiSha256}`],
    });
  });

  afterEach(async () => {
    await firewall?.open();
    await rig?.endTrial(call);
    call = undefined;
  });

  afterAll(async () => {
    await rig?.close();
    await coturn?.close();
  });

  /** Starts the call; the kiosk's selected paths once media flows, and media flowing on. */
  async function callThroughFirewall(): Promise<PathReading> {
    call = await rig!.startCall();
    const paths = await readSelectedPaths(call.kiosk.page);
    // Both sides go on decoding video and receiving audio on that path.
    const [kioskGains, advisorGains] = await Promise.all([
      mediaFlowsFrom(call.kiosk.page),
      mediaFlowsFrom(call.advisor.page),
    ]);
    for (const gains of [kioskGains, advisorGains]) {
      expect(gains.frames).toBeGreaterThanOrEqual(30);
      expect(gains.audioPackets).toBeGreaterThanOrEqual(50);
    }
    console.log(JSON.stringify(paths.selected));
    expect(paths.selected).toHaveLength(2);
    return paths;
  }

  it('(a) open network: host UDP to the SFU, the relay offered but not used', async () => {
    const paths = await callThroughFirewall();
    for (const path of paths.selected)
      expect(path).toMatchObject({ candidateType: 'host', protocol: 'udp', relayProtocol: null });
    // The relay was there to fall back to: both transports were given it.
    expect(paths.offeredRelays).toEqual([relayUrls(), relayUrls()]);
  });

  it('(b) all UDP dropped: ICE-TCP to the SFU, or TURN over TCP', async () => {
    await firewall!.dropUdp();
    const paths = await callThroughFirewall();
    // Both are TCP from the browser, and both are seen: Chromium nominates the first pair that
    // works, so one transport may settle on the relay's TCP pair before the direct one.
    for (const path of paths.selected) {
      if (path.candidateType === 'relay')
        // TURN over TCP, or over TLS on 443 (TCP too): whichever allocation answered first.
        expect([
          {
            relayProtocol: 'tcp',
            url: `turn:${rig!.network.hostAddress}:${TURN_PORT}?transport=tcp`,
          },
          {
            relayProtocol: 'tls',
            url: `turns:${rig!.network.hostAddress}:${TURNS_PORT}?transport=tcp`,
          },
        ]).toContainEqual({ relayProtocol: path.relayProtocol, url: path.url });
      else {
        // An active ICE-TCP candidate shows as peer-reflexive: the browser learns its own
        // source port from the connection it opened (the gathered host candidate names port 9).
        expect(['host', 'prflx']).toContain(path.candidateType);
        expect(path).toMatchObject({ protocol: 'tcp', relayProtocol: null, url: null });
      }
    }
  });

  it('(c) only the web port and TCP 443 open: TURN over TLS on 443', async () => {
    const { network, server } = rig!;
    await firewall!.onlyTcpTo([server.port, TURNS_PORT]);
    const paths = await callThroughFirewall();
    for (const path of paths.selected)
      expect(path).toMatchObject({
        candidateType: 'relay',
        relayProtocol: 'tls',
        url: `turns:${network.hostAddress}:${TURNS_PORT}?transport=tcp`,
      });
  });
});
