import type { SignallingClient } from '@visio/shared/client';
import { mediaRequests } from '@visio/shared/protocol';
import { FAKE_DTLS } from './fakeMedia';

/** Joins a call's media and creates and connects both transports, as a browser would. */
export async function joinMedia(c: SignallingClient, callId: string) {
  const { rtpCapabilities } = await c.request(mediaRequests.routerCapabilities, { callId });
  const { producers } = await c.request(mediaRequests.join, {
    callId,
    rtpCapabilities,
    mediaEpoch: 0,
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
