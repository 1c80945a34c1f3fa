import type { MediaPath, MediaStartFailure } from '@visio/shared/protocol';
import type { PeerTraffic, RoomTraffic } from '../media';
import type { Party } from './CallQualityTracker';

type Direction = 'kiosk_to_advisor' | 'advisor_to_kiosk';

const DIRECTIONS: readonly [Direction, Party, Party][] = [
  ['kiosk_to_advisor', 'kiosk', 'advisor'],
  ['advisor_to_kiosk', 'advisor', 'kiosk'],
];

/** What is known of a call's media: the server's traffic, and what each browser reported. */
export interface MediaStartEvidence {
  traffic: RoomTraffic | undefined;
  peers: Record<Party, string>;
  /** The party's browser reported receiving packets of the call. */
  browserReceived: (party: Party) => boolean;
}

const NO_TRAFFIC: PeerTraffic = {
  send: null,
  recv: null,
  producers: 0,
  sendsLive: false,
  packetsReceived: 0,
  packetsSent: 0,
};

/**
 * Whether media arrived each way, from media actually received, never from the set-up messages:
 * sender → receiver flows when the receiver's browser reports packets of the call, or when the
 * server sent it packets (mediasoup only sends on a transport the browser reached and completed
 * DTLS on). A sender who sends nothing live (microphone muted and camera off from the start) has
 * nothing to forward: that way is then proved by the packets the server still receives from it
 * (a paused track still sends) and the receiver's connected transport.
 */
export function flowingDirections(evidence: MediaStartEvidence): Record<Direction, boolean> {
  const of = (party: Party) => evidence.traffic?.get(evidence.peers[party]) ?? NO_TRAFFIC;
  const result = {} as Record<Direction, boolean>;
  for (const [direction, sender, receiver] of DIRECTIONS) {
    const from = of(sender);
    const to = of(receiver);
    const nothingToForward =
      !from.sendsLive &&
      (from.producers === 0 || from.packetsReceived > 0) &&
      to.recv?.dtls === 'connected';
    result[direction] =
      evidence.browserReceived(receiver) || to.packetsSent > 0 || nothingToForward;
  }
  return result;
}

/**
 * Why a call's media did not start: the directions without media, and the parties whose own
 * network carried nothing at all (no packet either way, no transport that completed DTLS), which
 * is where a technician should look.
 */
export function mediaStartFailure(
  evidence: MediaStartEvidence,
  waitedMs: number,
): MediaStartFailure {
  const flowing = flowingDirections(evidence);
  const of = (party: Party) => evidence.traffic?.get(evidence.peers[party]) ?? NO_TRAFFIC;
  const carriedNothing = (party: Party) => {
    const t = of(party);
    return (
      t.packetsReceived === 0 &&
      t.packetsSent === 0 &&
      !evidence.browserReceived(party) &&
      t.send?.dtls !== 'connected' &&
      t.recv?.dtls !== 'connected'
    );
  };
  return {
    waitedSeconds: Math.round(waitedMs / 100) / 10,
    missing: DIRECTIONS.filter(([d]) => !flowing[d]).map(([d]) => d),
    unreachable: (['kiosk', 'advisor'] as const).filter(carriedNothing),
    kiosk: pathOf(of('kiosk')),
    advisor: pathOf(of('advisor')),
  };
}

function pathOf(t: PeerTraffic): MediaPath {
  return {
    send: t.send ? { ice: t.send.ice, dtls: t.send.dtls } : null,
    recv: t.recv ? { ice: t.recv.ice, dtls: t.recv.dtls } : null,
    protocol: t.recv?.protocol ?? t.send?.protocol ?? null,
    packetsReceived: t.packetsReceived,
    packetsSent: t.packetsSent,
  };
}
