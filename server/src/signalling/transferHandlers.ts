import type { Namespace, Socket } from 'socket.io';
import { transferEvents, transferRequests } from '@visio/shared/protocol';
import type { StaffPrincipal } from '../auth/Principal';
import type { CallTransfers } from '../calls/CallTransfers';
import type { CallTabs } from './CallTabs';
import { emit } from './emit';
import type { RequestRouter } from './RequestRouter';
import { partyRoom } from './SchedulingNotifier';

/** Warm transfer, advisors only: the colleagues, offering a call, answering and withdrawing an offer. */
export function registerStaffTransfer(
  router: RequestRouter<StaffPrincipal>,
  transfers: CallTransfers,
  tabs: CallTabs,
): void {
  const advisorOnly = { roles: ['advisor'] as const };
  router
    .on(
      transferRequests.colleagues,
      async (_data, { principal }) => ({ colleagues: await transfers.colleagues(principal) }),
      advisorOnly,
    )
    .on(
      transferRequests.offer,
      (request, { principal }) => transfers.offer(principal, request),
      advisorOnly,
    )
    .on(
      transferRequests.accept,
      // The call runs in the tab that accepted, as in the tab that admits.
      (ref, { principal, socket }) =>
        tabs.admitFrom(socket?.id ?? '', () => transfers.accept(principal, ref)),
      advisorOnly,
    )
    .on(
      transferRequests.decline,
      (ref, { principal }) => {
        transfers.decline(principal, ref);
        return {};
      },
      advisorOnly,
    )
    .on(
      transferRequests.cancel,
      (ref, { principal }) => {
        transfers.cancel(principal, ref);
        return {};
      },
      advisorOnly,
    );
}

/** A colleague's new tab (or reloaded page) is shown the offers still waiting for their answer. */
export function tellPendingOffers(socket: Socket, transfers: CallTransfers, staffId: string): void {
  for (const offer of transfers.offersTo(staffId)) emit(socket, transferEvents.offered, offer.view);
}

/**
 * Offers and their ends as socket messages: the note to the colleague offered the call only; the
 * sender hears how it ended; the kiosk hears only that its citizen is being put through to a
 * service, and the new advisor's name once they are there.
 */
export function wireTransferEvents(
  transfers: CallTransfers,
  kiosks: Namespace,
  staff: Namespace,
): void {
  transfers.on('offered', ({ offer }) => {
    emit(staff.to(partyRoom(offer.to.advisorId)), transferEvents.offered, offer.view);
    emit(kiosks.to(partyRoom(offer.kioskId)), transferEvents.handover, {
      callId: offer.callId,
      state: 'offered',
      serviceName: offer.to.serviceName,
      advisorName: null,
      advisorSince: null,
    });
  });
  transfers.on('closed', ({ offer, outcome, advisorSince }) => {
    const { callId, id: transferId } = offer;
    emit(staff.to(partyRoom(offer.to.advisorId)), transferEvents.closed, { transferId, outcome });
    emit(staff.to(partyRoom(offer.fromAdvisorId)), transferEvents.outcome, {
      callId,
      transferId,
      outcome,
      colleagueName: offer.to.name,
    });
    if (outcome === 'call_ended') return;
    const accepted = outcome === 'accepted';
    emit(kiosks.to(partyRoom(offer.kioskId)), transferEvents.handover, {
      callId,
      state: accepted ? 'done' : 'withdrawn',
      serviceName: offer.to.serviceName,
      advisorName: accepted ? offer.to.name : null,
      advisorSince: advisorSince?.toISOString() ?? null,
    });
  });
}
