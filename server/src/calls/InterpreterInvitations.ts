import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  AppError,
  INTERPRETER_CODE_ALPHABET,
  INTERPRETER_CODE_LENGTH,
  type Interpretation,
} from '@visio/shared/protocol';

/** How long a spent code (used, or its call over) is remembered, to say why it no longer works. */
const SPENT_KEPT_MS = 24 * 3600_000;
/** Bound on the spent codes remembered: the oldest are forgotten first (then "unknown"). */
const SPENT_KEPT_MAX = 10_000;

interface Invitation {
  callId: string;
  interpretation: Interpretation;
}

type Spent = { why: 'used' | 'expired'; at: number };

/** An interpreter without an account, let in by an invitation: their id and the call it is for. */
export interface InterpreterGuest {
  interpreterId: string;
  callId: string;
}

/** NOT_FOUND (`interpreter_code_unknown`): no such code (or not one for this guest). */
export function codeUnknown(): AppError {
  return AppError.withReason('NOT_FOUND', 'interpreter_code_unknown', 'No such invitation code');
}

/** CONFLICT (`interpreter_present`): the call has its interpreter already. */
export function interpreterPresent(): AppError {
  return AppError.withReason(
    'CONFLICT',
    'interpreter_present',
    'An interpreter takes part in this call already',
  );
}

/** BAD_STATE (`interpreter_code_expired`): the code's call is over, or a newer code replaced it. */
export function codeExpired(): AppError {
  return AppError.withReason(
    'BAD_STATE',
    'interpreter_code_expired',
    'This code expired: its call is over, or a newer code replaced it',
  );
}

/** `lsf`, `lpc` or `spoken:<language>`: how records and reports name an interpretation. */
export function interpretationLabel({ kind, language }: Interpretation): string {
  return kind === 'spoken' ? `spoken:${language ?? ''}` : kind;
}

/** The interpretation a label names (`interpretationLabel`'s inverse). */
export function parseInterpretation(label: string): Interpretation {
  if (label.startsWith('spoken:')) return { kind: 'spoken', language: label.slice(7) || null };
  return { kind: label === 'lpc' ? 'lpc' : 'lsf', language: null };
}

/**
 * One-time codes inviting an interpreter into a call. A code is single use, and expires when its
 * call ends; a new invitation for a call replaces its unused one. Codes live in this process (the
 * node carrying the call): random, from an alphabet without look-alike characters.
 */
export class InterpreterInvitations {
  private readonly pending = new Map<string, Invitation>();
  private readonly spent = new Map<string, Spent>();
  /** Guest passes (bearer tokens) by token. */
  private readonly guests = new Map<string, InterpreterGuest>();

  /** A new code for `callId` (its previous unused code, if any, no longer works). */
  issue(callId: string, interpretation: Interpretation): string {
    this.expire(callId);
    let code: string;
    do {
      code = Array.from(
        { length: INTERPRETER_CODE_LENGTH },
        () => INTERPRETER_CODE_ALPHABET[randomInt(INTERPRETER_CODE_ALPHABET.length)],
      ).join('');
    } while (this.pending.has(code) || this.spent.has(code));
    this.pending.set(code, { callId, interpretation });
    return code;
  }

  /**
   * The invitation a code stands for, without spending it. Throws NOT_FOUND
   * (`interpreter_code_unknown`), CONFLICT (`interpreter_code_used`) or BAD_STATE
   * (`interpreter_code_expired`).
   */
  peek(code: string): Invitation {
    const invitation = this.pending.get(code);
    if (invitation) return invitation;
    const spent = this.spent.get(code);
    if (spent?.why === 'used')
      throw AppError.withReason('CONFLICT', 'interpreter_code_used', 'This code was used already');
    if (spent?.why === 'expired') throw codeExpired();
    throw codeUnknown();
  }

  /** Spends a code (after `peek` and the caller's own checks). */
  use(code: string): void {
    if (this.pending.delete(code)) this.remember(code, 'used');
  }

  /**
   * A pass for an interpreter without an account, from a pending code (not spent: their join
   * spends it): a bearer token standing for a guest id that may join this code's call only. It
   * dies with the call (`callEnded`).
   */
  guestPass(code: string): { token: string; guest: InterpreterGuest } {
    const { callId } = this.peek(code);
    const token = randomBytes(32).toString('base64url');
    const guest = { interpreterId: randomUUID(), callId };
    this.guests.set(token, guest);
    return { token, guest };
  }

  /** The guest a pass stands for, while their call goes on. */
  guest(token: string): InterpreterGuest | undefined {
    return this.guests.get(token);
  }

  /** The call a guest interpreter may join (undefined: not a guest). */
  guestCall(interpreterId: string): string | undefined {
    for (const guest of this.guests.values())
      if (guest.interpreterId === interpreterId) return guest.callId;
    return undefined;
  }

  /** The call ended: its unused code expires, and its guests' passes stop working. */
  callEnded(callId: string): void {
    this.expire(callId);
    for (const [token, guest] of this.guests)
      if (guest.callId === callId) this.guests.delete(token);
  }

  /** The call ended (or was re-invited): its unused code no longer works. */
  expire(callId: string): void {
    for (const [code, invitation] of this.pending) {
      if (invitation.callId !== callId) continue;
      this.pending.delete(code);
      this.remember(code, 'expired');
    }
  }

  private remember(code: string, why: Spent['why']): void {
    const now = Date.now();
    this.spent.set(code, { why, at: now });
    for (const [old, { at }] of this.spent) {
      if (this.spent.size <= SPENT_KEPT_MAX && now - at < SPENT_KEPT_MS) break;
      this.spent.delete(old);
    }
  }
}
