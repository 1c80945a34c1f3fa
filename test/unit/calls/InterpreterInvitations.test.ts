import { describe, expect, it } from 'vitest';
import { InterpreterCodeSchema } from '@visio/shared/protocol';
import {
  InterpreterInvitations,
  interpretationLabel,
  parseInterpretation,
} from '../../../server/src/calls/InterpreterInvitations';

// One-time codes inviting an interpreter: single use, one per call, dead with the call; guest
// passes bound to their call. Each refusal has its own reason.

const LSF = { kind: 'lsf', language: null } as const;

function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    const e = error as { code: string; reason?: string };
    return { code: e.code, reason: e.reason };
  }
  throw new Error('expected a refusal');
}

describe('InterpreterInvitations', () => {
  it('issues codes the protocol accepts, and different ones', () => {
    const invitations = new InterpreterInvitations();
    const codes = new Set(
      Array.from({ length: 200 }, (_, i) => invitations.issue(`call-${i}`, LSF)),
    );
    expect(codes.size).toBe(200);
    for (const code of codes) expect(InterpreterCodeSchema.parse(code)).toBe(code);
  });

  it('spends a code once; a new code for the call, or its end, expires the unused one', () => {
    const invitations = new InterpreterInvitations();
    const first = invitations.issue('call-1', LSF);
    const second = invitations.issue('call-1', { kind: 'spoken', language: 'ar' });
    expect(refusal(() => invitations.peek(first))).toEqual({
      code: 'BAD_STATE',
      reason: 'interpreter_code_expired',
    });
    expect(invitations.peek(second)).toEqual({
      callId: 'call-1',
      interpretation: { kind: 'spoken', language: 'ar' },
    });
    invitations.use(second);
    expect(refusal(() => invitations.peek(second))).toEqual({
      code: 'CONFLICT',
      reason: 'interpreter_code_used',
    });
    const third = invitations.issue('call-1', LSF);
    invitations.callEnded('call-1');
    expect(refusal(() => invitations.peek(third))).toMatchObject({
      reason: 'interpreter_code_expired',
    });
    expect(refusal(() => invitations.peek('ABCDEFGH'))).toEqual({
      code: 'NOT_FOUND',
      reason: 'interpreter_code_unknown',
    });
  });

  it('gives guest passes for a pending code, bound to its call, dead with it', () => {
    const invitations = new InterpreterInvitations();
    const code = invitations.issue('call-1', LSF);
    const { token, guest } = invitations.guestPass(code);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(invitations.guest(token)).toEqual(guest);
    expect(invitations.guestCall(guest.interpreterId)).toBe('call-1');
    // The pass does not spend the code.
    expect(invitations.peek(code).callId).toBe('call-1');
    invitations.callEnded('call-1');
    expect(invitations.guest(token)).toBeUndefined();
    expect(invitations.guestCall(guest.interpreterId)).toBeUndefined();
  });

  it('names an interpretation as a role, and reads it back', () => {
    for (const interpretation of [
      LSF,
      { kind: 'lpc', language: null },
      { kind: 'spoken', language: 'pt-BR' },
    ] as const) {
      const label = interpretationLabel(interpretation);
      expect(parseInterpretation(label)).toEqual(interpretation);
    }
    expect(interpretationLabel({ kind: 'spoken', language: 'ar' })).toBe('spoken:ar');
  });
});
