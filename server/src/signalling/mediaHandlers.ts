import type { DtlsParameters, RtpCapabilities, RtpParameters } from 'mediasoup/types';
import { mediaRequests, type ResponseOf, type StaffRole } from '@visio/shared/protocol';
import { principalId, type Principal } from '../auth/Principal';
import type { CallService } from '../calls/CallService';
import type { RequestRouter } from './RequestRouter';

/**
 * The media requests, the same on both namespaces: each resolves the caller's own call (any other
 * call is NOT_FOUND) and forwards to its media room under the caller's identity.
 * The zod schemas have checked shape and bounds; mediasoup checks the semantics.
 */
export function registerMediaHandlers<P extends Principal>(
  router: RequestRouter<P>,
  calls: CallService,
  roles?: readonly StaffRole[],
): void {
  const opts = roles ? { roles } : {};
  const roomOf = (principal: P, callId: string) => calls.callFor(principal, callId).room;

  router
    .on(
      mediaRequests.routerCapabilities,
      ({ callId }, { principal }) => ({
        // mediasoup's router capabilities always list codecs; its type leaves them optional.
        rtpCapabilities: roomOf(principal, callId).rtpCapabilities as ResponseOf<
          typeof mediaRequests.routerCapabilities
        >['rtpCapabilities'],
      }),
      opts,
    )
    .on(
      mediaRequests.join,
      ({ callId, rtpCapabilities }, { principal }) => ({
        producers: roomOf(principal, callId).join(
          principalId(principal),
          rtpCapabilities as RtpCapabilities,
        ),
      }),
      opts,
    )
    .on(
      mediaRequests.createTransport,
      ({ callId, direction }, { principal }) =>
        roomOf(principal, callId).createTransport(principalId(principal), direction),
      opts,
    )
    .on(
      mediaRequests.connectTransport,
      async ({ callId, transportId, dtlsParameters }, { principal }) => {
        await roomOf(principal, callId).connectTransport(
          principalId(principal),
          transportId,
          dtlsParameters as DtlsParameters,
        );
        return {};
      },
      opts,
    )
    .on(
      mediaRequests.produce,
      ({ callId, transportId, kind, rtpParameters, source, paused }, { principal }) =>
        roomOf(principal, callId).produce(
          principalId(principal),
          transportId,
          kind,
          rtpParameters as RtpParameters,
          source,
          paused,
        ),
      opts,
    )
    .on(
      mediaRequests.consume,
      ({ callId, producerId }, { principal }) =>
        roomOf(principal, callId).consume(principalId(principal), producerId),
      opts,
    )
    .on(
      mediaRequests.resumeConsumer,
      async ({ callId, consumerId }, { principal }) => {
        await roomOf(principal, callId).resumeConsumer(principalId(principal), consumerId);
        return {};
      },
      opts,
    )
    .on(
      mediaRequests.setProducerPaused,
      async ({ callId, producerId, paused }, { principal }) => {
        await roomOf(principal, callId).setProducerPaused(
          principalId(principal),
          producerId,
          paused,
        );
        return {};
      },
      opts,
    )
    .on(
      mediaRequests.closeProducer,
      ({ callId, producerId }, { principal }) => {
        roomOf(principal, callId).closeProducer(principalId(principal), producerId);
        return {};
      },
      opts,
    )
    .on(
      mediaRequests.restartIce,
      ({ callId, transportId }, { principal }) =>
        roomOf(principal, callId).restartIce(principalId(principal), transportId),
      opts,
    );
}
