import { describe, expect, it } from 'vitest';
import type { PeerTraffic, RoomTraffic } from '../../../server/src/media';
import type { Party } from '../../../server/src/monitoring/CallQualityTracker';
import {
  flowingDirections,
  mediaStartFailure,
} from '../../../server/src/monitoring/mediaStartVerdict';

// What counts as media flowing: packets, never set-up messages. Traffic as MediaRoom.traffic()
// reads it from mediasoup.

const connected = { ice: 'completed', dtls: 'connected', protocol: 'udp' as const };
const neverReached = { ice: 'new', dtls: 'new', protocol: null };

function peer(over: Partial<PeerTraffic>): PeerTraffic {
  return {
    send: connected,
    recv: connected,
    producers: 2,
    sendsLive: true,
    packetsReceived: 500,
    packetsSent: 480,
    ...over,
  };
}

function evidence(kiosk: PeerTraffic, advisor: PeerTraffic, received: Party[] = []) {
  const traffic: RoomTraffic = new Map([
    ['k', kiosk],
    ['a', advisor],
  ]);
  return {
    traffic,
    peers: { kiosk: 'k', advisor: 'a' },
    browserReceived: (party: Party) => received.includes(party),
  };
}

describe('media start', () => {
  it('flows both ways when the server forwards packets to each side', () => {
    expect(flowingDirections(evidence(peer({}), peer({})))).toEqual({
      kiosk_to_advisor: true,
      advisor_to_kiosk: true,
    });
  });

  it('does not flow to a kiosk whose network lets nothing through, whatever was signalled', () => {
    const kiosk = peer({
      send: neverReached,
      recv: neverReached,
      packetsReceived: 0,
      packetsSent: 0,
    });
    // The advisor's consumer of the kiosk's camera exists and is resumed, but carries nothing.
    const advisor = peer({ packetsSent: 0 });
    const ev = evidence(kiosk, advisor);
    expect(flowingDirections(ev)).toEqual({ kiosk_to_advisor: false, advisor_to_kiosk: false });
    expect(mediaStartFailure(ev, 20_049)).toEqual({
      waitedSeconds: 20,
      missing: ['kiosk_to_advisor', 'advisor_to_kiosk'],
      unreachable: ['kiosk'],
      kiosk: {
        send: { ice: 'new', dtls: 'new' },
        recv: { ice: 'new', dtls: 'new' },
        protocol: null,
        packetsReceived: 0,
        packetsSent: 0,
      },
      advisor: {
        send: { ice: 'completed', dtls: 'connected' },
        recv: { ice: 'completed', dtls: 'connected' },
        protocol: 'udp',
        packetsReceived: 500,
        packetsSent: 0,
      },
    });
  });

  it('takes a browser’s own report of packets received as media arrived that way', () => {
    const silent = peer({ packetsReceived: 0, packetsSent: 0 });
    expect(flowingDirections(evidence(silent, silent, ['advisor']))).toEqual({
      kiosk_to_advisor: true,
      advisor_to_kiosk: false,
    });
  });

  it('needs nothing forwarded from a side that sends nothing live, once its packets arrive and the other side is reached', () => {
    // An advisor who starts with the microphone muted and the camera off: paused producers,
    // whose tracks still send (black frames, silence) to the server, and nothing to forward.
    const advisor = peer({ sendsLive: false, packetsReceived: 40 });
    const kiosk = peer({ packetsSent: 0 });
    expect(flowingDirections(evidence(kiosk, advisor)).advisor_to_kiosk).toBe(true);
    const notReached = peer({ packetsSent: 0, recv: { ...connected, dtls: 'connecting' } });
    expect(flowingDirections(evidence(notReached, advisor)).advisor_to_kiosk).toBe(false);
  });

  it('knows nothing flowed when the room could not be read', () => {
    const ev = { ...evidence(peer({}), peer({})), traffic: undefined };
    expect(flowingDirections(ev)).toEqual({ kiosk_to_advisor: false, advisor_to_kiosk: false });
    expect(mediaStartFailure(ev, 1000).unreachable).toEqual(['kiosk', 'advisor']);
  });
});
