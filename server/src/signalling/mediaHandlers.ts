import { mediaRequests, type ResponseOf, type StaffRole } from '@visio/shared/protocol';
import { principalId, type Principal } from '../auth/Principal';
import type { CallService } from '../calls/CallService';
import type { TurnCredentials } from '../relay/TurnCredentials';
import type { RequestRouter } from './RequestRouter';

/**
 * The media requests, the same on both namespaces: each resolves the caller's own call (any other
 * call is NOT_FOUND) and forwards to its media room under the caller's identity.
 * The zod schemas have checked shape and bounds; the media room checks the semantics.
 * Joins and ICE restarts also hand the caller the TURN relay with a credential minted then, so
 * transports built or restarted late in a call never carry an expired one.
 */
export function registerMediaHandlers<P extends Principal>(
  router: RequestRouter<P>,
  calls: CallService,
  relay: TurnCredentials | undefined,
  roles?: readonly StaffRole[],
): void {
  const opts = roles ? { roles } : {};
  const roomOf = (principal: P, callId: string) => calls.callFor(principal, callId).room;
  const iceServersFor = (principal: P) => relay?.iceServersFor(principalId(principal)) ?? [];

  router
    .on(
      mediaRequests.capabilities,
      async () => ({
        rtpCapabilities: (await calls.routerRtpCapabilities()) as ResponseOf<
          typeof mediaRequests.capabilities
        >['rtpCapabilities'],
      }),
      opts,
    )
    .on(
      mediaRequests.routerCapabilities,
      ({ callId }, { principal }) => ({
        rtpCapabilities: roomOf(principal, callId).rtpCapabilities,
      }),
      opts,
    )
    .on(
      mediaRequests.join,
      ({ callId, ...join }, { principal }) => ({
        producers: calls.joinMedia(principal, callId, join),
        iceServers: iceServersFor(principal),
      }),
      opts,
    )
    .on(
      mediaRequests.warmUp,
      ({ callId, transportId }, { principal }) =>
        roomOf(principal, callId).warmUp(principalId(principal), transportId),
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
          dtlsParameters,
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
          rtpParameters,
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
      async ({ callId, producerId, paused, reason }, { principal }) => {
        await roomOf(principal, callId).setProducerPaused(
          principalId(principal),
          producerId,
          paused,
          reason,
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
      async ({ callId, transportId }, { principal }) => ({
        ...(await roomOf(principal, callId).restartIce(principalId(principal), transportId)),
        iceServers: iceServersFor(principal),
      }),
      opts,
    );
}
