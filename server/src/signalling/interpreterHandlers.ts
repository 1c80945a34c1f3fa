import { AppError, appErrorFromBody, interpreterRequests, type Ack } from '@visio/shared/protocol';
import type { StaffPrincipal } from '../auth/Principal';
import type { CallService } from '../calls/CallService';
import type { RequestRouter } from './RequestRouter';

/** The staff app's page that joins a call with an invitation code. */
export function interpreterLink(code: string): string {
  return `/advisor/?interpret=${encodeURIComponent(code)}`;
}

/**
 * Several nodes: a join whose code this node does not know is tried on the others (the code lives
 * on the node carrying its call); answers that node's answer, or undefined if none knew it.
 */
export type JoinElsewhere = (
  principal: StaffPrincipal,
  payload: { code: string },
) => Promise<Ack<unknown> | undefined>;

/**
 * Three-way calls on the staff namespace: the call's advisor invites an interpreter (a one-time
 * code), a staff member with the interpreter role joins with it, and leaves. Being in the call
 * (its media, its real-time text) is then as for any party; see SignallingServer.
 */
export function registerStaffInterpreter(
  router: RequestRouter<StaffPrincipal>,
  calls: CallService,
  elsewhere?: JoinElsewhere,
): void {
  router
    .on(
      interpreterRequests.invite,
      ({ callId, kind, language }, { principal }) => {
        const code = calls.inviteInterpreter(principal, callId, { kind, language });
        return { code, link: interpreterLink(code) };
      },
      { roles: ['advisor'] },
    )
    .on(
      interpreterRequests.join,
      async ({ code }, { principal, socket }) => {
        try {
          return { callId: calls.joinAsInterpreter(principal.staffId, code).id };
        } catch (error) {
          // Relayed here from another node (no socket): answered here, never relayed again.
          const unknown = error instanceof AppError && error.reason === 'interpreter_code_unknown';
          if (!unknown || !elsewhere || !socket) throw error;
          const answer = await elsewhere(principal, { code });
          if (!answer) throw error;
          if (!answer.ok) throw appErrorFromBody(answer.error);
          return answer.data as { callId: string };
        }
      },
      { roles: ['interpreter'] },
    )
    .on(
      interpreterRequests.leave,
      ({ callId }, { principal }) => {
        calls.leaveAsInterpreter(principal, callId);
        return {};
      },
      { roles: ['interpreter'] },
    );
}
