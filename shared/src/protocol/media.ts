import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { IceServersSchema } from './relay';

// Structural schemas for the mediasoup objects exchanged during signalling. They check shape and
// bound every array and string; mediasoup validates the semantics again on the server. Unknown
// keys pass through (looseObject) because browsers add fields mediasoup understands.

const shortString = z.string().max(256);
const codecParameters = z
  .record(z.string().max(64), z.union([z.string().max(512), z.number()]))
  .refine((r) => Object.keys(r).length <= 32, 'too many codec parameters');
const rtcpFeedback = z
  .array(z.looseObject({ type: shortString, parameter: shortString.optional() }))
  .max(16);

export const MediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

/** What a producer carries; lets the far side place it (main video vs. shared screen). */
export const MediaSourceSchema = z.enum(['microphone', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z
    .array(
      z.looseObject({
        kind: MediaKindSchema,
        mimeType: shortString,
        preferredPayloadType: z.number().int().min(0).max(127).optional(),
        clockRate: z.number().int().positive(),
        channels: z.number().int().positive().max(8).optional(),
        parameters: codecParameters.optional(),
        rtcpFeedback: rtcpFeedback.optional(),
      }),
    )
    .min(1)
    .max(64),
  headerExtensions: z
    .array(
      z.looseObject({
        kind: MediaKindSchema,
        uri: shortString,
        preferredId: z.number().int().min(1).max(255),
      }),
    )
    .max(64)
    .optional(),
});

export const RtpParametersSchema = z.looseObject({
  mid: shortString.optional(),
  codecs: z
    .array(
      z.looseObject({
        mimeType: shortString,
        payloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
        channels: z.number().int().positive().max(8).optional(),
        parameters: codecParameters.optional(),
        rtcpFeedback: rtcpFeedback.optional(),
      }),
    )
    .min(1)
    .max(16),
  headerExtensions: z
    .array(z.looseObject({ uri: shortString, id: z.number().int().min(1).max(255) }))
    .max(32)
    .optional(),
  encodings: z
    .array(
      z.looseObject({
        ssrc: z.number().int().nonnegative().optional(),
        rid: shortString.optional(),
        scalabilityMode: shortString.optional(),
        maxBitrate: z.number().nonnegative().optional(),
      }),
    )
    .max(8)
    .optional(),
  rtcp: z.looseObject({ cname: shortString.optional() }).optional(),
});

export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.object({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().max(256),
      }),
    )
    .min(1)
    .max(8),
});

// The server's answers are produced by mediasoup itself; clients only check the envelope.
const fromServer = z.looseObject({});

/**
 * Why a camera or microphone sends nothing: the person turned it off (`user`), its device stopped
 * mid-call and is being opened again (`device_lost`), or that gave up and the call goes on without
 * it (`device_missing`). The far side words them differently: "camera off" is a choice, the others
 * are not.
 */
export const PauseReasonSchema = z.enum(['user', 'device_lost', 'device_missing']);
export type PauseReason = z.infer<typeof PauseReasonSchema>;

export const ProducerInfoSchema = z.object({
  producerId: IdSchema,
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  paused: z.boolean(),
  /** Why it is paused; null while it is not. */
  pauseReason: PauseReasonSchema.nullable(),
  /**
   * Whose producer it is (the kiosk's, the advisor's or the interpreter's id, as call:started and
   * call:interpreterJoined name them): a three-way call shows each party apart.
   */
  peerId: IdSchema.optional(),
});
export type ProducerInfo = z.infer<typeof ProducerInfoSchema>;

const callId = IdSchema;

/** A consumer made for a participant, paused, as its client builds its own from it. */
const ConsumerParametersSchema = z.object({
  consumerId: IdSchema,
  producerId: IdSchema,
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  rtpParameters: fromServer,
  producerPaused: z.boolean(),
});

/** A WebRTC transport the server made for a participant, as its client builds its own from it. */
export const TransportInfoSchema = z.object({
  transportId: IdSchema,
  iceParameters: fromServer,
  iceCandidates: z.array(fromServer),
  dtlsParameters: fromServer,
  /** A receive transport's SCTP association (for its warm-up, media:warmUp). */
  sctpParameters: fromServer.optional(),
});

/**
 * A receive transport's warm-up: a data consumer of a data producer nobody sends on. Consuming
 * it has the browser connect the transport (ICE, DTLS) at once (media:warmUp, or made with the
 * transports call:started hands).
 */
export const WarmUpSchema = z.object({
  dataConsumerId: IdSchema,
  dataProducerId: IdSchema,
  sctpStreamParameters: fromServer,
  label: z.string(),
  protocol: z.string(),
});
export type WarmUp = z.infer<typeof WarmUpSchema>;

export const mediaRequests = {
  join: defineRequest(
    'media:join',
    z
      .object({
        callId,
        rtpCapabilities: RtpCapabilitiesSchema,
        /** The mediaEpoch of the call:started or call:mediaRestart this join answers. */
        mediaEpoch: z.number().int().min(0),
        /**
         * The transports call:started handed this participant (`media`) that it builds: kept,
         * if never connected, rather than closed with the rest.
         */
        keep: z.array(IdSchema).max(2).optional(),
      })
      .strict(),
    z.object({ producers: z.array(ProducerInfoSchema), iceServers: IceServersSchema }),
    "Declare the device RTP capabilities for this call and (re)join its media room, starting this participant over; answers the far side producers already live, and the TURN relay with a fresh credential for the transports built next (every call start, media restart, rejoin and reload goes through a join, so a credential is never older than this join). Later producers arrive as media:newProducer. A mediaEpoch other than the current room's is refused with CONFLICT (reason stale_media_epoch).",
  ),
  warmUp: defineRequest(
    'media:warmUp',
    z.object({ callId, transportId: IdSchema }).strict(),
    WarmUpSchema,
    "A data consumer on the receive transport, of a data producer nobody sends on: consuming it has the browser connect the transport (ICE, DTLS) at once rather than at the first media consumer, so the far side's first picture flows on a transport already connected. Once per receive transport.",
  ),
  capabilities: defineRequest(
    'media:capabilities',
    z.object({}).strict(),
    z.object({ rtpCapabilities: RtpCapabilitiesSchema }),
    "The RTP capabilities every call router of this server has (call:started carries the same), so a page loads its mediasoup-client Device before its first call: the call's media then starts in the task that hears of it.",
  ),
  routerCapabilities: defineRequest(
    'media:routerCapabilities',
    z.object({ callId }).strict(),
    z.object({ rtpCapabilities: RtpCapabilitiesSchema }),
    "The call router's RTP capabilities, to load the mediasoup-client Device.",
  ),
  createTransport: defineRequest(
    'media:createTransport',
    z.object({ callId, direction: z.enum(['send', 'recv']) }).strict(),
    TransportInfoSchema,
    'Create a WebRTC transport (one send, one receive per participant).',
  ),
  connectTransport: defineRequest(
    'media:connectTransport',
    z.object({ callId, transportId: IdSchema, dtlsParameters: DtlsParametersSchema }).strict(),
    z.object({}),
    'Complete the DTLS handshake parameters of a transport.',
  ),
  produce: defineRequest(
    'media:produce',
    z
      .object({
        callId,
        transportId: IdSchema,
        kind: MediaKindSchema,
        rtpParameters: RtpParametersSchema,
        source: MediaSourceSchema,
        paused: z.boolean().optional(),
      })
      .strict(),
    z.object({ producerId: IdSchema }),
    'Start sending a track. The far side is told with media:newProducer.',
  ),
  consume: defineRequest(
    'media:consume',
    z.object({ callId, producerId: IdSchema }).strict(),
    ConsumerParametersSchema,
    'Receive a far-side producer (when media:newProducer came without a consumer). The consumer starts paused; send media:resumeConsumer once it is set up. A consumer the server made for it but that was never resumed is replaced.',
  ),
  resumeConsumer: defineRequest(
    'media:resumeConsumer',
    z.object({ callId, consumerId: IdSchema }).strict(),
    z.object({}),
    'Start the flow of a consumer created paused.',
  ),
  setProducerPaused: defineRequest(
    'media:setProducerPaused',
    z
      .object({
        callId,
        producerId: IdSchema,
        paused: z.boolean(),
        /** Why it pauses (default `user`); ignored when resuming. */
        reason: PauseReasonSchema.optional(),
      })
      .strict(),
    z.object({}),
    'Mute or unmute (camera off/on) one own producer, or say its device is lost (`reason`); the far side is told with media:producerPaused, the console sees device losses in its live call.',
  ),
  closeProducer: defineRequest(
    'media:closeProducer',
    z.object({ callId, producerId: IdSchema }).strict(),
    z.object({}),
    'Stop sending a track for good (e.g. the end of a screen share).',
  ),
  restartIce: defineRequest(
    'media:restartIce',
    z.object({ callId, transportId: IdSchema }).strict(),
    z.object({ iceParameters: fromServer, iceServers: IceServersSchema }),
    'New ICE parameters for a transport whose connection was lost, and a fresh relay credential: the restart may gather new relay candidates long after the join.',
  ),
} as const;

export const mediaEvents = {
  newProducer: defineEvent(
    'media:newProducer',
    ProducerInfoSchema.extend({
      callId,
      /**
       * The consumer the server already made for this participant, paused, on its receive
       * transport (`transportId`), when it had joined with one: build it and send
       * media:resumeConsumer, with no media:consume.
       */
      consumer: ConsumerParametersSchema.extend({ transportId: IdSchema }).optional(),
    }),
    'The far side started sending a track. When the participant has joined and has a receive transport, the server made the consumer already (`consumer`, paused): build it, then media:resumeConsumer. Otherwise consume it once with media:consume.',
  ),
  producerPaused: defineEvent(
    'media:producerPaused',
    z.object({
      callId,
      producerId: IdSchema,
      paused: z.boolean(),
      /** Why it is paused; null when it resumes. */
      reason: PauseReasonSchema.nullable(),
    }),
    'The far side muted or unmuted a track, or lost its device (`reason`).',
  ),
  consumerClosed: defineEvent(
    'media:consumerClosed',
    z.object({ callId, consumerId: IdSchema, producerId: IdSchema }),
    'A consumer was closed because its producer went away.',
  ),
  peerDownlink: defineEvent(
    'media:peerDownlink',
    z.object({ callId, kbps: z.number().nonnegative() }),
    "What the server estimates it can send to the far side (its receive transport's congestion control), kbit/s, audio included; about once a second. The camera keeps its video within it: the far side's line may be weak in the direction its own browser does not measure.",
  ),
} as const;
