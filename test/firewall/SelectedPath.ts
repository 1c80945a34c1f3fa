import type { Page } from 'playwright-core';

/** The path one peer connection's media takes, from the browser's own `getStats()`. */
export interface SelectedPath {
  /** The local candidate of the transport's selected pair: `host`, `srflx`, `prflx` or `relay`. */
  candidateType: string;
  /** Transport between the two ends of the pair (for a relay: between relay and SFU). */
  protocol: string;
  /** For a relay candidate, how the browser reaches the relay: `udp`, `tcp` or `tls`. */
  relayProtocol: string | null;
  /** For a relay candidate, the TURN URL it came from. */
  url: string | null;
  /** The remote (SFU) candidate's port. */
  remotePort: number;
}

export interface PathReading {
  /** One per live peer connection (the send and the receive transport). */
  selected: SelectedPath[];
  /**
   * The TURN URLs each live peer connection was configured with: the relay it could fall back
   * to. (getStats lists only the local candidates still paired, so not an unused relay's.)
   */
  offeredRelays: string[][];
  /** Each live peer connection's ICE connection state (`checking`, `connected`, `failed`…). */
  iceStates: string[];
  /** The candidate pairs whose connectivity checks succeeded, over all live peer connections. */
  succeededPairs: number;
}

/**
 * What the page's live peer connections selected, what they could have chosen from, and how far
 * their connectivity checks got.
 */
export function readSelectedPaths(page: Page): Promise<PathReading> {
  return page.evaluate(async () => {
    const reading = {
      selected: [] as SelectedPath[],
      offeredRelays: [] as string[][],
      iceStates: [] as string[],
      succeededPairs: 0,
    };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      reading.offeredRelays.push(
        (pc.getConfiguration().iceServers ?? []).flatMap((server) =>
          typeof server.urls === 'string' ? [server.urls] : server.urls,
        ),
      );
      reading.iceStates.push(pc.iceConnectionState);
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.state === 'succeeded') reading.succeededPairs += 1;
        if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
        const pair = stats.get(String(s.selectedCandidatePairId)) as Record<string, unknown>;
        const local = stats.get(String(pair.localCandidateId)) as Record<string, unknown>;
        const remote = stats.get(String(pair.remoteCandidateId)) as Record<string, unknown>;
        reading.selected.push({
          candidateType: String(local.candidateType),
          protocol: String(local.protocol),
          relayProtocol: local.relayProtocol === undefined ? null : String(local.relayProtocol),
          url: local.url === undefined ? null : String(local.url),
          remotePort: Number(remote.port),
        });
      });
    }
    return reading;
  });
}
