import type { types } from 'mediasoup';
import type { LinkPath } from '@visio/shared/protocol';
import type { TransportListenOptions } from './MediaRoom';

/**
 * A WebRTC transport limited to one path's protocol, for the link probe and the nightly media
 * loop: UDP only, ICE-TCP only, or both for the TURN path (which the kiosk forces through its
 * relay); on the worker's WebRtcServer when there is one, else on its own port, as calls are.
 */
export function createPathTransport(
  router: types.Router,
  webRtcServer: types.WebRtcServer | undefined,
  listen: TransportListenOptions,
  path: LinkPath,
  extra: {
    enableSctp?: boolean;
    numSctpStreams?: { OS: number; MIS: number };
    maxSctpMessageSize?: number;
    initialAvailableOutgoingBitrate?: number;
    appData: types.AppData;
  },
): Promise<types.WebRtcTransport> {
  const enableUdp = path !== 'tcp';
  const enableTcp = path !== 'udp';
  const common = { ...extra, enableUdp, enableTcp, preferUdp: enableUdp };
  if (webRtcServer) return router.createWebRtcTransport({ ...common, webRtcServer });
  const listenInfos = (['udp', 'tcp'] as const)
    .filter((p) => (p === 'udp' ? enableUdp : enableTcp))
    .map((protocol) => ({ protocol, ip: listen.listenIp, announcedAddress: listen.announcedIp }));
  return router.createWebRtcTransport({ ...common, listenInfos });
}
