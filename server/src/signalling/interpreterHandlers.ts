import { interpreterRequests } from '@visio/shared/protocol';
import type { StaffPrincipal } from '../auth/Principal';
import type { CallService } from '../calls/CallService';
import type { RequestRouter } from './RequestRouter';

/** The staff app's page that joins a call with an invitation code. */
export function interpreterLink(code: string): string {
  return `/advisor/?interpret=${encodeURIComponent(code)}`;
}

/**
 * Three-way calls on the staff namespace: the call's advisor invites an interpreter (a one-time
 * code), a staff member with the interpreter role joins with it, and leaves. Being in the call
 * (its media, its real-time text) is then as for any party; see SignallingServer.
 */
export function registerStaffInterpreter(
  router: RequestRouter<StaffPrincipal>,
  calls: CallService,
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
      ({ code }, { principal }) => ({
        callId: calls.joinAsInterpreter(principal.staffId, code).id,
      }),
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
