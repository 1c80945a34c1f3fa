import type { types } from 'mediasoup';
import { isWebRtc, peerIdOf, type MediaRoomObserver } from './MediaRoomObserver';

/** One of a peer's WebRTC transports as the server sees it: ICE and DTLS states, and its path. */
export interface TransportPath {
  ice: string;
  dtls: string;
  protocol: 'udp' | 'tcp' | null;
}

/**
 * What actually crossed the network for one peer: RTP received from its browser (its producers)
 * and RTP sent to it (its consumers). mediasoup only sends on a connected transport, so packets
 * sent to a peer went out on a path its browser had reached.
 */
export interface PeerTraffic {
  send: TransportPath | null;
  recv: TransportPath | null;
  /** Producers the peer has (paused or not), and whether one of them is live (unpaused). */
  producers: number;
  sendsLive: boolean;
  packetsReceived: number;
  packetsSent: number;
}

/** By peer id. */
export type RoomTraffic = Map<string, PeerTraffic>;

type LiveObjects = Pick<MediaRoomObserver, 'transports' | 'producers' | 'consumers'>;

/** Reads the packet counters of every producer and consumer of the room (one request each). */
export async function measuredTraffic(objects: LiveObjects): Promise<RoomTraffic> {
  const traffic: RoomTraffic = new Map();
  const peer = (peerId: string): PeerTraffic => {
    let entry = traffic.get(peerId);
    if (!entry) {
      entry = {
        send: null,
        recv: null,
        producers: 0,
        sendsLive: false,
        packetsReceived: 0,
        packetsSent: 0,
      };
      traffic.set(peerId, entry);
    }
    return entry;
  };
  for (const transport of objects.transports) {
    const peerId = peerIdOf(transport.appData);
    const direction = transport.appData.direction;
    if (!peerId || transport.closed || !isWebRtc(transport)) continue;
    if (direction !== 'send' && direction !== 'recv') continue;
    peer(peerId)[direction] = pathOf(transport);
  }
  const tasks: Promise<void>[] = [];
  for (const producer of objects.producers) {
    const peerId = peerIdOf(producer.appData);
    if (!peerId || producer.closed) continue;
    const entry = peer(peerId);
    entry.producers += 1;
    if (!producer.paused) entry.sendsLive = true;
    tasks.push(
      producer.getStats().then((stats) => {
        for (const s of stats) if (s.type === 'inbound-rtp') entry.packetsReceived += s.packetCount;
      }),
    );
  }
  for (const consumer of objects.consumers) {
    const peerId = peerIdOf(consumer.appData);
    if (!peerId || consumer.closed) continue;
    const entry = peer(peerId);
    tasks.push(
      consumer.getStats().then((stats) => {
        for (const s of stats) if (s.type === 'outbound-rtp') entry.packetsSent += s.packetCount;
      }),
    );
  }
  // An object closing meanwhile rejects (InvalidStateError): it simply counts nothing this time.
  await Promise.allSettled(tasks);
  return traffic;
}

function pathOf(transport: types.WebRtcTransport): TransportPath {
  return {
    ice: transport.iceState,
    dtls: transport.dtlsState,
    protocol: transport.iceSelectedTuple?.protocol ?? null,
  };
}
