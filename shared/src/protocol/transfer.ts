import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';

// Warm transfer (issue #14 item 2): the call's advisor hands the call to a named colleague, with a
// private note; the citizen stays in the same call (same id, media router, chat and documents).

/** Longest private note an advisor may leave a colleague with a transfer. */
export const TRANSFER_NOTE_MAX = 500;

/**
 * Staff text for a colleague only: never logged, never sent to the kiosk or the console. Trimmed;
 * may be empty. No control characters but line breaks.
 */
export const TransferNoteSchema = z
  .string()
  .max(TRANSFER_NOTE_MAX * 2)
  .transform((s) => s.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .max(TRANSFER_NOTE_MAX, `is longer than ${TRANSFER_NOTE_MAX} characters`)
      // eslint-disable-next-line no-control-regex
      .refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(s), 'control character'),
  );

/** How an offer ended, as its sender is told. */
export const TransferOutcomeSchema = z.enum([
  'accepted', // the colleague took the call: the sender leaves it (call:ended reason transferred)
  'declined', // the colleague said no: the sender keeps the call
  'expired', // nobody answered within TRANSFER_OFFER_TIMEOUT_S: the sender keeps the call
  'cancelled', // the sender withdrew it
  'call_ended', // the call ended while the offer waited
]);
export type TransferOutcome = z.infer<typeof TransferOutcomeSchema>;

const isoTime = z.iso.datetime({ offset: true });

/** A colleague who may be offered a call now, with the services they serve. */
export const TransferColleagueSchema = z.object({
  advisorId: IdSchema,
  name: z.string(),
  services: z.array(z.object({ id: IdSchema, name: z.string() })),
});
export type TransferColleague = z.infer<typeof TransferColleagueSchema>;

const TransferRefSchema = z.object({ callId: IdSchema, transferId: IdSchema }).strict();

export const transferRequests = {
  colleagues: defineRequest(
    'transfer:colleagues',
    z.object({}).strict(),
    z.object({ colleagues: z.array(TransferColleagueSchema) }),
    'Advisor: the colleagues a call may be handed to now: advisors online, available and not in a call (oneself excluded), each with their services.',
  ),
  offer: defineRequest(
    'call:transferOffer',
    z
      .object({
        callId: IdSchema,
        toAdvisorId: IdSchema,
        /** The colleague's service the citizen is handed to (one the colleague serves). */
        serviceId: IdSchema,
        note: TransferNoteSchema,
      })
      .strict(),
    z.object({ transferId: IdSchema, expiresAt: isoTime }),
    "The call's advisor: offer the call to a colleague, with a private note. The colleague receives call:transferOffered; the sender keeps the call until it is accepted. NOT_FOUND (not your call, or reason no_such_colleague); FORBIDDEN reason self | service_not_served; BAD_STATE reason colleague_offline | colleague_away; CONFLICT reason colleague_in_call | transfer_pending.",
  ),
  accept: defineRequest(
    'call:transferAccept',
    TransferRefSchema,
    z.object({ callId: IdSchema }),
    'The colleague offered a call: take it. call:started follows (same call id); the kiosk keeps its media and gets this advisor’s. NOT_FOUND when the offer is not (or no longer) yours; CONFLICT reason advisor_in_call.',
  ),
  decline: defineRequest(
    'call:transferDecline',
    TransferRefSchema,
    z.object({}),
    'The colleague offered a call: decline it. The sender keeps the call (call:transferOutcome declined).',
  ),
  cancel: defineRequest(
    'call:transferCancel',
    TransferRefSchema,
    z.object({}),
    "The call's advisor withdraws an offer not accepted yet. NOT_FOUND when there is none.",
  ),
} as const;

export const TransferOfferedSchema = z.object({
  transferId: IdSchema,
  callId: IdSchema,
  fromAdvisorName: z.string(),
  /** The citizen's service in the call now, and the colleague's service it is handed to. */
  fromServiceName: z.string().nullable(),
  serviceName: z.string(),
  kioskName: z.string(),
  siteName: z.string(),
  /** The sender's private note (may be empty). For this colleague's eyes only. */
  note: z.string(),
  expiresAt: isoTime,
});
export type TransferOffered = z.infer<typeof TransferOfferedSchema>;

export const TransferOutcomeEventSchema = z.object({
  callId: IdSchema,
  transferId: IdSchema,
  outcome: TransferOutcomeSchema,
  colleagueName: z.string(),
});

/** What the kiosk shows the citizen about a transfer: never the note, never staff names before acceptance. */
export const CallHandoverSchema = z.object({
  callId: IdSchema,
  /** offered: the advisor is putting the citizen through; done: the new advisor is there; withdrawn: nothing changes. */
  state: z.enum(['offered', 'done', 'withdrawn']),
  serviceName: z.string(),
  /** The new advisor's display name, once `done`. */
  advisorName: z.string().nullable(),
  /** Once `done`: since when (the advisor's earlier messages are the previous advisor's). */
  advisorSince: isoTime.nullable(),
});
export type CallHandover = z.infer<typeof CallHandoverSchema>;

export const transferEvents = {
  offered: defineEvent(
    'call:transferOffered',
    TransferOfferedSchema,
    'To the colleague offered a call: who offers it, for which service and kiosk, the private note, and until when it may be accepted (sound and notification).',
  ),
  closed: defineEvent(
    'call:transferClosed',
    z.object({ transferId: IdSchema, outcome: TransferOutcomeSchema }),
    'To the colleague: an offer they were shown is over (accepted from another tab, declined, expired, cancelled, the call ended).',
  ),
  outcome: defineEvent(
    'call:transferOutcome',
    TransferOutcomeEventSchema,
    "To the call's advisor who offered it: how the offer ended. On accepted, call:ended (reason transferred) follows for them.",
  ),
  handover: defineEvent(
    'call:handover',
    CallHandoverSchema,
    'To the kiosk: the advisor is putting the citizen through to another service (offered), the new advisor is there (done: show their name), or the transfer did not happen (withdrawn). The call, its chat and documents go on; nothing is wiped.',
  ),
} as const;
