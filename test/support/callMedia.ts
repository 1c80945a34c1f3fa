import type { SignallingClient } from '@visio/shared/client';
import { mediaRequests } from '@visio/shared/protocol';
import { FAKE_DTLS, opusParameters, vp8Parameters } from './fakeMedia';

/**
 * Joins a call's media and creates and connects both transports, as a browser would; `mediaEpoch`
 * names the room (the one of call:started or of the last call:mediaRestart).
 */
export async function joinMedia(c: SignallingClient, callId: string, mediaEpoch = 0) {
  const { rtpCapabilities } = await c.request(mediaRequests.routerCapabilities, { callId });
  const { producers } = await c.request(mediaRequests.join, {
    callId,
    rtpCapabilities,
    mediaEpoch,
  });
  const send = await c.request(mediaRequests.createTransport, { callId, direction: 'send' });
  const recv = await c.request(mediaRequests.createTransport, { callId, direction: 'recv' });
  for (const transport of [send, recv]) {
    await c.request(mediaRequests.connectTransport, {
      callId,
      transportId: transport.transportId,
      dtlsParameters: FAKE_DTLS,
    });
  }
  return { producers, send, recv };
}

/** Sends a microphone on the party's send transport, as a browser would. */
export function sendMicrophone(c: SignallingClient, callId: string, transportId: string) {
  return c.request(mediaRequests.produce, {
    callId,
    transportId,
    kind: 'audio',
    rtpParameters: opusParameters(),
    source: 'microphone',
  });
}

/** Sends a camera on the party's send transport, as a browser would. */
export function sendCamera(c: SignallingClient, callId: string, transportId: string) {
  return c.request(mediaRequests.produce, {
    callId,
    transportId,
    kind: 'video',
    rtpParameters: vp8Parameters(),
    source: 'camera',
  });
}
