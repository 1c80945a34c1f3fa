import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { CallInterpreterSchema } from './interpreter';
import { RtpCapabilitiesSchema, TransportInfoSchema, WarmUpSchema } from './media';
import { IceServersSchema } from './relay';

/** Why a call ended, as both sides are told. */
export const CallEndReasonSchema = z.enum([
  'hangup', // one side hung up (see endedBy)
  'peer_disconnected', // one side's connection was lost beyond the reconnect grace period
  'media_failed', // the media worker hosting the call died
  'ended_by_staff', // ended by a technician or admin
  'server_shutdown',
  // the advisor's connection was lost beyond the grace period: the citizen is not sent home but
  // goes back to the head of their service's queue (a waiting:status follows on the kiosk)
  'advisor_disconnected',
  // no media flowed both ways within MEDIA_START_TIMEOUT_S of the start (a firewall, a network
  // that blocks the media ports): a failed call. The citizen goes back to the head of their
  // service's queue, as for advisor_disconnected; `unreachable` says whose path failed
  'media_unreachable',
  // to the advisor who handed the call to a colleague (call:transferAccept) only: the call goes
  // on without them, with the same id, for the kiosk and the colleague
  'transferred',
]);
export type CallEndReason = z.infer<typeof CallEndReasonSchema>;

export const CallPartySchema = z.enum(['kiosk', 'advisor', 'system']);

/**
 * What a party's line carries: audio and video, or audio and real-time text only (its line is too
 * weak for video: its camera is paused, and the other party pauses its own so the weak line
 * receives no video either). docs/degradation.md gives the thresholds.
 */
export const MediaModeSchema = z.enum(['video', 'audio_text']);
export type MediaMode = z.infer<typeof MediaModeSchema>;

export const callRequests = {
  hangup: defineRequest(
    'call:hangup',
    z.object({ callId: IdSchema }).strict(),
    z.object({}),
    'Either party: end the call. Both sides receive call:ended.',
  ),
  setMediaMode: defineRequest(
    'call:setMediaMode',
    z.object({ callId: IdSchema, mode: MediaModeSchema }).strict(),
    z.object({}),
    'Either party: its degradation policy switched its line to audio + real-time text, or back to video. The other party receives call:mediaMode; the technician console shows it on the live call.',
  ),
} as const;

export const CallStartedSchema = z.object({
  callId: IdSchema,
  kioskId: IdSchema,
  advisorId: IdSchema,
  /** The far side's display name (the advisor for the kiosk, the kiosk's name for the advisor). */
  peerName: z.string(),
  /** The appointment (or walk-in) the call serves, when it came from the waiting room. */
  appointmentId: IdSchema.nullable(),
  /** The call router's RTP capabilities, so the client loads its device without a round trip. */
  rtpCapabilities: RtpCapabilitiesSchema,
  /**
   * Which media room of the call this is: 0 at the start, +1 each time the call's media is
   * re-homed (call:mediaRestart). media:join must name it, so a late join for a room that was
   * replaced meanwhile is refused (CONFLICT, reason stale_media_epoch) instead of applied.
   */
  mediaEpoch: z.number().int().min(0),
  /** The call's interpreter while one takes part (a third party); absent or null: none. */
  interpreter: CallInterpreterSchema.nullable().optional(),
  /**
   * To the kiosk and the advisor: what the other party's line carries now (call:mediaMode tells
   * each change after this), so that a page told the call again (reloaded, reconnected, or taking
   * it over from a colleague) holds its camera for a line in audio + text. Absent: video.
   */
  peerMediaMode: MediaModeSchema.optional(),
  /**
   * When the call starts (not when told again): a send and a receive transport the server made
   * for this participant, with the TURN relay, so that its client builds its transports without
   * asking; its media:join names them in `keep`. Absent to a participant that asks for its own.
   * `warmUp`: the receive transport's warm-up (as media:warmUp answers it), made with it, so the
   * client has that transport connect at once, without asking.
   */
  media: z
    .object({
      send: TransportInfoSchema,
      recv: TransportInfoSchema,
      warmUp: WarmUpSchema.optional(),
      iceServers: IceServersSchema,
    })
    .optional(),
  /**
   * When the advisor in the call now took it over from a colleague (warm transfer, ISO 8601):
   * the advisor's earlier messages are that colleague's. Absent when they started the call.
   */
  advisorSince: z.iso.datetime({ offset: true }).optional(),
  /**
   * To the call's advisor told again (a reloaded page): their warm-transfer offer of this call
   * still waiting for the colleague's answer (call:transferOffer), to show and withdraw.
   */
  transfer: z
    .object({
      transferId: IdSchema,
      colleagueName: z.string(),
      serviceName: z.string(),
      expiresAt: z.iso.datetime({ offset: true }),
    })
    .optional(),
});
export type CallStarted = z.infer<typeof CallStartedSchema>;

/** Why a call's media room was replaced while the call went on. */
export const MediaRestartReasonSchema = z.enum([
  'worker_died', // the media worker process hosting the router exited
  'worker_unresponsive', // the worker stopped answering its health probe and was replaced
  'router_closed', // the router closed without the call ending
  'server_restart', // the server restarted and restored the call from its store
]);
export type MediaRestartReason = z.infer<typeof MediaRestartReasonSchema>;

export const MediaRestartSchema = z.object({
  callId: IdSchema,
  /** The new room's epoch: the next media:join names it. */
  mediaEpoch: z.number().int().min(0),
  rtpCapabilities: RtpCapabilitiesSchema,
  reason: MediaRestartReasonSchema,
});
export type MediaRestart = z.infer<typeof MediaRestartSchema>;

export const PartyStatusSchema = z.object({
  callId: IdSchema,
  /** The party whose connection changed (never the receiver itself). */
  party: z.enum(['kiosk', 'advisor']),
  state: z.enum(['away', 'back']),
  /** While away: since when (ISO 8601), and when the grace period runs out. */
  awaySince: z.string().nullable(),
  graceEndsAt: z.string().nullable(),
});
export type PartyStatus = z.infer<typeof PartyStatusSchema>;

export const CallMediaModeSchema = z.object({
  callId: IdSchema,
  /** The party whose line changed (never the receiver itself). */
  party: z.enum(['kiosk', 'advisor']),
  mode: MediaModeSchema,
});
export type CallMediaMode = z.infer<typeof CallMediaModeSchema>;

export const callEvents = {
  started: defineEvent(
    'call:started',
    CallStartedSchema,
    'A call this socket is party to has started: set up media for it.',
  ),
  ended: defineEvent(
    'call:ended',
    z.object({
      callId: IdSchema,
      reason: CallEndReasonSchema,
      endedBy: CallPartySchema,
      /**
       * media_unreachable only: the parties whose own network never carried the call's media
       * (empty when the server cannot tell which side it was).
       */
      unreachable: z
        .array(z.enum(['kiosk', 'advisor']))
        .max(2)
        .optional(),
    }),
    'The call is over: stop media and leave the call screen. `media_unreachable`: no media flowed both ways within MEDIA_START_TIMEOUT_S of the start; a failed call (never completed), the citizen waits again at the head of their service’s queue.',
  ),
  mediaRestart: defineEvent(
    'call:mediaRestart',
    MediaRestartSchema,
    'The call goes on but its media moved to a new room (worker lost, server restarted): close every transport, producer and consumer, then set media up again with media:join naming the new mediaEpoch. Chat, documents and the call id are unchanged.',
  ),
  partyStatus: defineEvent(
    'call:partyStatus',
    PartyStatusSchema,
    'The other party lost its connection (away, with the end of its grace period) or came back.',
  ),
  mediaMode: defineEvent(
    'call:mediaMode',
    CallMediaModeSchema,
    "The other party's line switched to audio + real-time text (pause your camera too, say so), or back to video.",
  ),
} as const;
