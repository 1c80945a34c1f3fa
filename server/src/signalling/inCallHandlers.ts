import type { Namespace } from 'socket.io';
import { inCallEvents, inCallRequests } from '@visio/shared/protocol';
import type { KioskPrincipal, Principal, StaffPrincipal } from '../auth/Principal';
import type { Call, CallRole } from '../calls/Call';
import type { InCallService } from '../calls/InCallService';
import { emit } from './emit';
import type { RequestRouter } from './RequestRouter';
import { partyRoom } from './SchedulingNotifier';

function registerCommon<P extends Principal>(
  router: RequestRouter<P>,
  inCall: InCallService,
  roles?: readonly ['advisor'],
): void {
  const opts = roles ? { roles } : {};
  // Real-time text reaches the call's interpreter too (a staff member with that role).
  const textOpts = roles ? { roles: [...roles, 'interpreter'] as const } : {};
  router
    .on(
      inCallRequests.chatDraft,
      ({ callId, text }, { principal }) => {
        inCall.chatDraft(principal, callId, text);
        return {};
      },
      textOpts,
    )
    .on(
      inCallRequests.chatSend,
      async ({ callId, text }, { principal }) => ({
        message: await inCall.chatSend(principal, callId, text),
      }),
      textOpts,
    )
    .on(
      inCallRequests.chatHistory,
      ({ callId }, { principal }) => ({ messages: inCall.chatHistory(principal, callId) }),
      textOpts,
    )
    .on(
      inCallRequests.listDocuments,
      ({ callId }, { principal }) => ({ documents: inCall.listDocuments(principal, callId) }),
      opts,
    )
    .on(
      inCallRequests.currentSignature,
      ({ callId }, { principal }) => ({ signature: inCall.currentSignature(principal, callId) }),
      opts,
    );
}

export function registerKioskInCall(
  router: RequestRouter<KioskPrincipal>,
  inCall: InCallService,
): void {
  registerCommon(router, inCall);
  router.on(inCallRequests.reportAccessibility, async ({ callId, ...settings }, { principal }) => {
    await inCall.reportAccessibility(principal, callId, settings);
    return {};
  });
  router
    .on(inCallRequests.submitSignature, async ({ callId, signatureId, strokes }, { principal }) =>
      inCall.submitSignature(principal, callId, signatureId, strokes),
    )
    .on(inCallRequests.declineSignature, ({ callId, signatureId, reason }, { principal }) => {
      inCall.declineSignature(principal, callId, signatureId, reason);
      return {};
    });
  router.on(inCallRequests.submitSurvey, async ({ callId, rating, badQuality }, { principal }) => {
    await inCall.submitSurvey(principal, callId, rating, badQuality);
    return {};
  });
}

export function registerStaffInCall(
  router: RequestRouter<StaffPrincipal>,
  inCall: InCallService,
): void {
  registerCommon(router, inCall, ['advisor']);
  router.on(
    inCallRequests.requestScan,
    ({ callId }, { principal }) => {
      inCall.requestScan(principal, callId);
      return {};
    },
    { roles: ['advisor'] },
  );
  router
    .on(
      inCallRequests.requestSignature,
      async ({ callId, documentId }, { principal }) => ({
        signature: await inCall.requestSignature(principal, callId, documentId),
      }),
      { roles: ['advisor'] },
    )
    .on(
      inCallRequests.cancelSignature,
      ({ callId, signatureId }, { principal }) => {
        inCall.cancelSignature(principal, callId, signatureId);
        return {};
      },
      { roles: ['advisor'] },
    );
}

/** Relays in-call events to the call's parties only: drafts to the other side, the rest to both. */
export function wireInCallEvents(inCall: InCallService, kiosks: Namespace, staff: Namespace): void {
  const toKiosk = (call: Call) => kiosks.to(partyRoom(call.kioskId));
  const toAdvisor = (call: Call) => staff.to(partyRoom(call.advisorId));
  // Real-time text goes to every party: the kiosk, the advisor and the interpreter, if any.
  const toEach = (call: Call, except?: CallRole) =>
    (['kiosk', 'advisor', 'interpreter'] as const)
      .filter((role) => role !== except)
      .flatMap((role) => {
        if (role === 'kiosk') return [toKiosk(call)];
        if (role === 'advisor') return [toAdvisor(call)];
        return call.interpreter ? [staff.to(partyRoom(call.interpreter.id))] : [];
      });
  inCall.on('chatDraft', ({ call, from, text }) => {
    for (const to of toEach(call, from))
      emit(to, inCallEvents.chatDraft, { callId: call.id, from, text });
  });
  inCall.on('chatMessage', ({ call, message }) => {
    for (const to of toEach(call))
      emit(to, inCallEvents.chatMessage, { callId: call.id, ...message });
  });
  inCall.on('scanRequested', ({ call }) =>
    emit(toKiosk(call), inCallEvents.scanRequested, { callId: call.id }),
  );
  inCall.on('documentAdded', ({ call, document }) => {
    for (const to of [toKiosk(call), toAdvisor(call)])
      emit(to, inCallEvents.documentAdded, { callId: call.id, ...document });
  });
  inCall.on('signatureRequested', ({ call, signature }) => {
    for (const to of [toKiosk(call), toAdvisor(call)])
      emit(to, inCallEvents.signatureRequested, { callId: call.id, ...signature });
  });
  inCall.on('signatureClosed', ({ call, closed }) => {
    for (const to of [toKiosk(call), toAdvisor(call)])
      emit(to, inCallEvents.signatureClosed, closed);
  });
}
