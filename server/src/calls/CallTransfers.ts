import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AppError,
  type TransferColleague,
  type TransferOffered,
  type TransferOutcome,
} from '@visio/shared/protocol';
import type { StaffPrincipal } from '../auth/Principal';
import type { ReferenceRepository } from '../scheduling/ReferenceRepository';
import type { WaitingRoom } from '../scheduling/WaitingRoom';
import type { Call } from './Call';
import type { CallService } from './CallService';
import type { CallTransferRepository } from './CallTransferRepository';

/** One offer of a call to a colleague, waiting for their answer. The note lives here only. */
export interface TransferOffer {
  readonly id: string;
  readonly callId: string;
  readonly kioskId: string;
  readonly fromAdvisorId: string;
  readonly fromAppointmentId: string | undefined;
  readonly to: { advisorId: string; name: string; serviceId: string; serviceName: string };
  readonly offeredAt: Date;
  readonly expiresAt: Date;
  /** What the colleague is shown (the private note included). */
  readonly view: TransferOffered;
  timer: NodeJS.Timeout | undefined;
  /** Set while its acceptance runs: a second answer finds nothing to answer. */
  answered: boolean;
}

export interface CallTransfersEvents {
  /** A colleague is offered a call: they see it (note included); the kiosk hears "putting you through". */
  offered: [{ offer: TransferOffer }];
  /** An offer is over: its sender hears how; the colleague's notice goes; the kiosk is told. */
  closed: [{ offer: TransferOffer; outcome: TransferOutcome; advisorSince?: Date | undefined }];
}

export interface CallTransfersDeps {
  calls: CallService;
  refs: ReferenceRepository;
  waitingRoom: WaitingRoom;
  records: CallTransferRepository;
  /** How long a colleague has to accept (TRANSFER_OFFER_TIMEOUT_S). */
  offerTimeoutMs: number;
  logger: Logger;
}

/**
 * Warm transfer: the advisor of a call offers it to a named colleague (online, available, in no
 * call) with a private note; the colleague accepts or declines within the offer's time, else it
 * expires and the first advisor keeps the call. On acceptance the advisor's seat changes hands in
 * the same call (CallService.handOver), the citizen's appointment completes as `transferred` and
 * the colleague's begins. One offer per call at a time. Every offer's end is kept with the call.
 * The note is never logged nor stored.
 */
export class CallTransfers extends EventEmitter<CallTransfersEvents> {
  /** call id → its pending offer. */
  private readonly offers = new Map<string, TransferOffer>();

  constructor(private readonly deps: CallTransfersDeps) {
    super();
    deps.calls.on('callEnded', ({ call }) => {
      const offer = this.offers.get(call.id);
      if (offer) this.close(offer, 'call_ended');
    });
  }

  /** Colleagues a call may be handed to now: online, available, in no call; oneself excluded. */
  async colleagues(principal: StaffPrincipal): Promise<TransferColleague[]> {
    const { advisors, services } = await this.deps.refs.referenceData();
    const nameOf = new Map(services.map((s) => [s.id, s.name]));
    return advisors
      .filter(
        (a) =>
          a.id !== principal.staffId && this.deps.waitingRoom.advisorStatus(a.id) === 'available',
      )
      .map((a) => ({
        advisorId: a.id,
        name: a.name,
        services: a.serviceIds.map((id) => ({ id, name: nameOf.get(id) ?? '' })),
      }));
  }

  async offer(
    principal: StaffPrincipal,
    request: { callId: string; toAdvisorId: string; serviceId: string; note: string },
  ): Promise<{ transferId: string; expiresAt: string }> {
    const { calls, refs, waitingRoom, offerTimeoutMs } = this.deps;
    const call = this.callOf(principal, request.callId);
    this.assertNoOffer(call.id);
    if (request.toAdvisorId === principal.staffId)
      throw AppError.withReason('FORBIDDEN', 'self', 'The call is yours already');
    const colleague = await refs.advisor(request.toAdvisorId);
    if (!colleague) throw AppError.withReason('NOT_FOUND', 'no_such_colleague', 'No such advisor');
    if (!colleague.serviceIds.includes(request.serviceId))
      throw AppError.withReason(
        'FORBIDDEN',
        'service_not_served',
        'This colleague does not serve that service',
      );
    const status = waitingRoom.advisorStatus(colleague.id);
    if (status === 'offline')
      throw AppError.withReason('BAD_STATE', 'colleague_offline', 'This colleague is offline');
    if (status === 'away')
      throw AppError.withReason('BAD_STATE', 'colleague_away', 'This colleague is away');
    if (status === 'in_call')
      throw AppError.withReason('CONFLICT', 'colleague_in_call', 'This colleague is in a call');
    const [service, fromService, kiosk] = await Promise.all([
      refs.service(request.serviceId),
      call.serviceId ? refs.service(call.serviceId) : undefined,
      refs.kioskSite(call.kioskId),
    ]);
    // Checked again after the reads: the call may have ended, or another offer gone out.
    if (call.ended || calls.activeCallOf(principal.staffId) !== call)
      throw new AppError('NOT_FOUND', 'No such call');
    this.assertNoOffer(call.id);
    const offeredAt = new Date();
    const expiresAt = new Date(offeredAt.getTime() + offerTimeoutMs);
    const id = randomUUID();
    const offer: TransferOffer = {
      id,
      callId: call.id,
      kioskId: call.kioskId,
      fromAdvisorId: principal.staffId,
      fromAppointmentId: call.appointmentId,
      to: {
        advisorId: colleague.id,
        name: colleague.name,
        serviceId: request.serviceId,
        serviceName: service?.name ?? '',
      },
      offeredAt,
      expiresAt,
      view: {
        transferId: id,
        callId: call.id,
        fromAdvisorName: call.names.advisor,
        fromServiceName: fromService?.name ?? null,
        serviceName: service?.name ?? '',
        kioskName: kiosk?.kioskName ?? call.names.kiosk,
        siteName: kiosk?.site.name ?? '',
        note: request.note,
        expiresAt: expiresAt.toISOString(),
      },
      timer: undefined,
      answered: false,
    };
    this.offers.set(call.id, offer);
    this.armExpiry(offer);
    // Ids only: the note and the names stay out of the log.
    this.deps.logger.info(
      { callId: call.id, transferId: id, toServiceId: request.serviceId },
      'call transfer offered',
    );
    this.emit('offered', { offer });
    return { transferId: id, expiresAt: offer.view.expiresAt };
  }

  /**
   * The colleague takes the call: the seat changes hands, then the appointments (in the call's
   * order of store writes, so that its end finds the colleague's appointment written).
   */
  async accept(
    principal: StaffPrincipal,
    ref: { callId: string; transferId: string },
  ): Promise<{ callId: string }> {
    const offer = this.offerTo(principal, ref);
    offer.answered = true;
    clearTimeout(offer.timer);
    const { calls, waitingRoom } = this.deps;
    const fromAppointmentId = offer.fromAppointmentId;
    const toAppointmentId = fromAppointmentId ? randomUUID() : undefined;
    const { advisorId, name, serviceId } = offer.to;
    let call: Call;
    try {
      call = await calls.handOver(offer.callId, {
        advisorId,
        name,
        appointmentId: toAppointmentId,
        serviceId,
      });
    } catch (error) {
      // Still theirs to answer (they may end their own call first) until it expires.
      offer.answered = false;
      this.armExpiry(offer);
      throw error;
    }
    if (fromAppointmentId && toAppointmentId)
      await calls.persist(offer.callId, 'appointment handover', () =>
        waitingRoom.handOver(
          fromAppointmentId,
          offer.fromAdvisorId,
          { advisorId, serviceId },
          toAppointmentId,
        ),
      );
    this.close(offer, 'accepted', toAppointmentId, call.advisorSince);
    return { callId: offer.callId };
  }

  decline(principal: StaffPrincipal, ref: { callId: string; transferId: string }): void {
    this.close(this.offerTo(principal, ref), 'declined');
  }

  /** The sender withdraws an offer not accepted yet. */
  cancel(principal: StaffPrincipal, ref: { callId: string; transferId: string }): void {
    const offer = this.offers.get(ref.callId);
    if (!offer || offer.id !== ref.transferId || offer.fromAdvisorId !== principal.staffId)
      throw new AppError('NOT_FOUND', 'No such transfer offer of yours');
    if (offer.answered)
      throw AppError.withReason('BAD_STATE', 'accepting', 'The colleague is taking the call');
    this.close(offer, 'cancelled');
  }

  /** The offer of a call waiting for an answer, if any. */
  offerOf(callId: string): TransferOffer | undefined {
    return this.offers.get(callId);
  }

  /** The offers waiting for this colleague's answer (their page reloaded: shown again). */
  offersTo(advisorId: string): TransferOffer[] {
    return [...this.offers.values()].filter((o) => o.to.advisorId === advisorId && !o.answered);
  }

  /** Offers pending, and their timers, go (shutdown). */
  stop(): void {
    for (const offer of this.offers.values()) clearTimeout(offer.timer);
    this.offers.clear();
  }

  /** The offer expires at its time (at once if that has passed): the sender keeps the call. */
  private armExpiry(offer: TransferOffer): void {
    const left = Math.max(0, offer.expiresAt.getTime() - Date.now());
    offer.timer = setTimeout(() => this.close(offer, 'expired'), left);
    offer.timer.unref();
  }

  private callOf(principal: StaffPrincipal, callId: string): Call {
    const call = this.deps.calls.callFor(principal, callId);
    if (call.advisorId !== principal.staffId) throw new AppError('NOT_FOUND', 'No such call');
    return call;
  }

  private assertNoOffer(callId: string): void {
    if (this.offers.has(callId))
      throw AppError.withReason(
        'CONFLICT',
        'transfer_pending',
        'An offer of this call is waiting for an answer',
      );
  }

  /** The pending offer `ref` made to this colleague, not answered yet; else NOT_FOUND. */
  private offerTo(
    principal: StaffPrincipal,
    ref: { callId: string; transferId: string },
  ): TransferOffer {
    const offer = this.offers.get(ref.callId);
    if (
      !offer ||
      offer.id !== ref.transferId ||
      offer.to.advisorId !== principal.staffId ||
      offer.answered
    )
      throw new AppError('NOT_FOUND', 'No such transfer offer of yours');
    return offer;
  }

  private close(
    offer: TransferOffer,
    outcome: TransferOutcome,
    toAppointmentId?: string,
    advisorSince?: Date,
  ): void {
    if (this.offers.get(offer.callId) !== offer) return;
    this.offers.delete(offer.callId);
    clearTimeout(offer.timer);
    const { calls, records, logger } = this.deps;
    logger.info({ callId: offer.callId, transferId: offer.id, outcome }, 'call transfer closed');
    void calls.persist(offer.callId, 'call transfer', () =>
      records.decided({
        callId: offer.callId,
        fromAdvisorId: offer.fromAdvisorId,
        toAdvisorId: offer.to.advisorId,
        toServiceId: offer.to.serviceId,
        fromAppointmentId: offer.fromAppointmentId,
        toAppointmentId,
        offeredAt: offer.offeredAt,
        decidedAt: new Date(),
        outcome,
      }),
    );
    this.emit('closed', { offer, outcome, advisorSince });
  }
}
