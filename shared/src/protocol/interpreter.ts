import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';

/**
 * What an interpreter interprets: French Sign Language (`lsf`), cued speech (`lpc`, langue
 * française parlée complétée), or a spoken language (`spoken`, with its language code).
 */
export const InterpreterKindSchema = z.enum(['lsf', 'lpc', 'spoken']);
export type InterpreterKind = z.infer<typeof InterpreterKindSchema>;

/** A BCP 47 primary language subtag, optionally with a region: `en`, `ar`, `pt-BR`. */
export const SpokenLanguageSchema = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/);

/** A spoken interpretation names its language; LSF and LPC name none. */
const namesItsLanguage = [
  (i: { kind: InterpreterKind; language: string | null }) =>
    (i.kind === 'spoken') === (i.language !== null),
  {
    message: 'A spoken interpretation names its language; LSF and LPC name none',
    path: ['language'] as PropertyKey[],
  },
] as const;

/** The interpretation a call carries: a role, never a name. */
export const InterpretationSchema = z
  .object({
    kind: InterpreterKindSchema,
    /** The spoken language interpreted (`spoken` only; null for LSF and LPC). */
    language: SpokenLanguageSchema.nullable(),
  })
  .refine(...namesItsLanguage);
export type Interpretation = z.infer<typeof InterpretationSchema>;

/** An interpretation as records and the console show it: a role, never a name. */
export const InterpreterRoleSchema = z.object({
  kind: InterpreterKindSchema,
  language: SpokenLanguageSchema.nullable(),
});
export type InterpreterRole = z.infer<typeof InterpreterRoleSchema>;

/** The interpreter of a call, as its other parties see it. */
export const CallInterpreterSchema = z.object({
  /** The interpreter's id in the call (its media producers carry it as `peerId`). */
  interpreterId: IdSchema,
  kind: InterpreterKindSchema,
  language: SpokenLanguageSchema.nullable(),
});
export type CallInterpreter = z.infer<typeof CallInterpreterSchema>;

/** How long an invitation code is: short enough to read out on the phone. */
export const INTERPRETER_CODE_LENGTH = 8;
/** Letters and digits that cannot be taken for one another (no 0/O, 1/I/L). */
export const INTERPRETER_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const InterpreterCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(
    z.string().regex(new RegExp(`^[${INTERPRETER_CODE_ALPHABET}]{${INTERPRETER_CODE_LENGTH}}$`)),
  );

const callId = IdSchema;

export const interpreterRequests = {
  invite: defineRequest(
    'call:inviteInterpreter',
    z
      .object({
        callId,
        kind: InterpreterKindSchema,
        language: SpokenLanguageSchema.nullable().default(null),
      })
      .strict()
      .refine(...namesItsLanguage),
    z.object({
      /** One-time code, to give the interpreter; it expires when the call ends. */
      code: InterpreterCodeSchema,
      /** The staff app's page that joins with this code (path only, on this server). */
      link: z.string(),
    }),
    'The advisor of a call invites an interpreter (LSF, LPC, or a spoken language): answers a one-time code and the link that uses it. A new invitation replaces an unused one; CONFLICT (reason interpreter_present) while an interpreter is in the call.',
  ),
  join: defineRequest(
    'call:joinAsInterpreter',
    z.object({ code: InterpreterCodeSchema }).strict(),
    z.object({ callId }),
    'A staff member with the interpreter role joins the call the code was made for (call:started follows, then media as any party). Wrong code: NOT_FOUND (reason interpreter_code_unknown); used: CONFLICT (interpreter_code_used); its call over: BAD_STATE (interpreter_code_expired).',
  ),
  leave: defineRequest(
    'call:leave',
    z.object({ callId }).strict(),
    z.object({}),
    'The interpreter leaves the call: their media closes, the others receive call:interpreterLeft and the call goes on.',
  ),
} as const;

export const interpreterEvents = {
  joined: defineEvent(
    'call:interpreterJoined',
    CallInterpreterSchema.extend({ callId }),
    'An interpreter joined the call (to the kiosk and the advisor): their media follows with media:newProducer, `peerId` the interpreterId.',
  ),
  left: defineEvent(
    'call:interpreterLeft',
    z.object({
      callId,
      interpreterId: IdSchema,
      /** `left`: by their choice; `disconnected`: their connection was lost beyond the grace. */
      reason: z.enum(['left', 'disconnected']),
    }),
    'The interpreter left the call (their media is closed); the call goes on between the kiosk and the advisor.',
  ),
} as const;

/** `POST /api/interpreter/guest`: an invitation link opened by an interpreter without an account. */
export const InterpreterGuestBodySchema = z.object({ code: InterpreterCodeSchema }).strict();
export const InterpreterGuestResponseSchema = z.object({
  /**
   * A bearer token for the staff socket (handshake auth `{ token }`): a guest with the interpreter
   * role only, who may join this code's call (with call:joinAsInterpreter) and nothing else; it
   * stops working when the call ends.
   */
  token: z.string(),
});
