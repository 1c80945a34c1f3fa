import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { RtpCapabilitiesSchema } from './media';

/** Why a call ended, as both sides are told. */
export const CallEndReasonSchema = z.enum([
  'hangup', // one side hung up (see endedBy)
  'peer_disconnected', // one side's connection was lost beyond the reconnect grace period
  'media_failed', // the media worker hosting the call died
  'ended_by_staff', // ended by a technician or admin
  'server_shutdown',
]);
export type CallEndReason = z.infer<typeof CallEndReasonSchema>;

export const CallPartySchema = z.enum(['kiosk', 'advisor', 'system']);

export const callRequests = {
  hangup: defineRequest(
    'call:hangup',
    z.object({ callId: IdSchema }).strict(),
    z.object({}),
    'Either party: end the call. Both sides receive call:ended.',
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
});
export type CallStarted = z.infer<typeof CallStartedSchema>;

export const callEvents = {
  started: defineEvent(
    'call:started',
    CallStartedSchema,
    'A call this socket is party to has started: set up media for it.',
  ),
  ended: defineEvent(
    'call:ended',
    z.object({ callId: IdSchema, reason: CallEndReasonSchema, endedBy: CallPartySchema }),
    'The call is over: stop media and leave the call screen.',
  ),
} as const;
