// The store without React (the UI only re-exports it): transfers are logic, tested without a page.
import { requestProblem, Store, type SignallingClient } from '@visio/shared/client';
import {
  AppError,
  transferEvents,
  transferRequests,
  type CallStarted,
  type ErrorCode,
  type TransferColleague,
  type TransferOffered,
  type TransferOutcome,
} from '@visio/shared/protocol';

export interface TransferProblem {
  readonly context: 'colleagues' | 'offer' | 'answer' | 'cancel';
  readonly code: ErrorCode;
  readonly reason: string | null;
  readonly seq: number;
}

/** An offer of ours waiting for the colleague's answer. */
export interface PendingTransfer {
  readonly transferId: string;
  readonly callId: string;
  readonly colleagueName: string;
  readonly serviceName: string;
}

export interface TransferState {
  readonly dialogOpen: boolean;
  /** The colleagues the call may go to; null while they are being fetched. */
  readonly colleagues: readonly TransferColleague[] | null;
  readonly sending: boolean;
  readonly pending: PendingTransfer | null;
  /** How our last offer ended, shown until dismissed or the next offer. */
  readonly lastOutcome: {
    readonly outcome: TransferOutcome;
    readonly colleagueName: string;
  } | null;
  /** Calls colleagues offer us, oldest first. */
  readonly incoming: readonly TransferOffered[];
  /** The offer an answer of ours is on its way for. */
  readonly answering: string | null;
  readonly problem: TransferProblem | null;
}

export interface TransferHooks {
  /** A colleague offers us a call: sound, notification, announcement. */
  readonly onOffered: (offer: TransferOffered) => void;
}

/**
 * Warm transfer, both sides: offering our call to a colleague (and withdrawing the offer), and
 * answering the calls colleagues offer us. The private note goes to the server and the colleague
 * only; nothing of it stays here once sent.
 */
export class TransferDesk {
  readonly store = new Store<TransferState>({
    dialogOpen: false,
    colleagues: null,
    sending: false,
    pending: null,
    lastOutcome: null,
    incoming: [],
    answering: null,
    problem: null,
  });
  private readonly unsubscribers: (() => void)[] = [];
  private problemSeq = 0;
  /** Our latest offer: its outcome may come after our call ended (accepted: it went to them). */
  private lastOffered: string | null = null;

  constructor(
    private readonly signalling: SignallingClient,
    private readonly hooks: TransferHooks,
  ) {}

  attach(): void {
    if (this.unsubscribers.length > 0) return;
    this.unsubscribers.push(
      this.signalling.on(transferEvents.offered, (offer) => {
        this.store.set((s) => ({
          incoming: [...s.incoming.filter((o) => o.transferId !== offer.transferId), offer],
        }));
        this.hooks.onOffered(offer);
      }),
      this.signalling.on(transferEvents.closed, ({ transferId }) =>
        this.forgetIncoming(transferId),
      ),
      this.signalling.on(transferEvents.outcome, ({ transferId, outcome, colleagueName }) => {
        if (this.lastOffered !== transferId) return;
        this.lastOffered = null;
        this.store.set({ pending: null, lastOutcome: { outcome, colleagueName } });
      }),
    );
  }

  detach(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  openDialog(): void {
    this.store.set({ dialogOpen: true, problem: null, lastOutcome: null });
    void this.refreshColleagues();
  }

  closeDialog(): void {
    this.store.set({ dialogOpen: false });
  }

  async refreshColleagues(): Promise<void> {
    this.store.set({ colleagues: null });
    try {
      const { colleagues } = await this.signalling.request(transferRequests.colleagues, {});
      this.store.set({ colleagues });
    } catch (error) {
      this.store.set({ colleagues: [] });
      this.fail('colleagues', error);
    }
  }

  /** Offers the call to a colleague for one of their services; true once it is offered. */
  async offer(
    callId: string,
    colleague: TransferColleague,
    serviceId: string,
    note: string,
  ): Promise<boolean> {
    if (this.store.get().sending || this.store.get().pending) return false;
    this.store.set({ sending: true, problem: null });
    try {
      const { transferId } = await this.signalling.request(transferRequests.offer, {
        callId,
        toAdvisorId: colleague.advisorId,
        serviceId,
        note,
      });
      this.lastOffered = transferId;
      const serviceName = colleague.services.find((s) => s.id === serviceId)?.name ?? '';
      this.store.set({
        pending: { transferId, callId, colleagueName: colleague.name, serviceName },
        dialogOpen: false,
        lastOutcome: null,
      });
      return true;
    } catch (error) {
      this.fail('offer', error);
      return false;
    } finally {
      this.store.set({ sending: false });
    }
  }

  /** Withdraws our offer (the call stays ours); its outcome comes as `cancelled`. */
  async cancel(): Promise<void> {
    const pending = this.store.get().pending;
    if (!pending) return;
    try {
      await this.signalling.request(transferRequests.cancel, {
        callId: pending.callId,
        transferId: pending.transferId,
      });
    } catch (error) {
      this.fail('cancel', error);
    }
  }

  /** Takes the call a colleague offers: call:started follows. */
  accept(offer: TransferOffered): Promise<void> {
    return this.answer(offer, transferRequests.accept);
  }

  decline(offer: TransferOffered): Promise<void> {
    return this.answer(offer, transferRequests.decline);
  }

  /** Our call (again, after a reload): an offer of it still waiting is ours to show. */
  callStarted(call: CallStarted): void {
    const transfer = call.transfer;
    if (!transfer) return;
    this.lastOffered = transfer.transferId;
    this.store.set({
      pending: {
        transferId: transfer.transferId,
        callId: call.callId,
        colleagueName: transfer.colleagueName,
        serviceName: transfer.serviceName,
      },
    });
  }

  /** Our call ended: an offer of it is over too (the server says so as well). */
  callEnded(callId: string): void {
    if (this.store.get().pending?.callId === callId) this.store.set({ pending: null });
    this.closeDialog();
  }

  dismissOutcome(): void {
    this.store.set({ lastOutcome: null });
  }

  dismissProblem(): void {
    this.store.set({ problem: null });
  }

  private async answer(
    offer: TransferOffered,
    def: typeof transferRequests.accept | typeof transferRequests.decline,
  ): Promise<void> {
    if (this.store.get().answering) return;
    this.store.set({ answering: offer.transferId, problem: null });
    try {
      await this.signalling.request(def, {
        callId: offer.callId,
        transferId: offer.transferId,
      });
      this.forgetIncoming(offer.transferId);
    } catch (error) {
      this.fail('answer', error);
      // Gone (expired, withdrawn): its notice goes; still there (we are in a call): it stays.
      if (error instanceof AppError && error.code === 'NOT_FOUND')
        this.forgetIncoming(offer.transferId);
    } finally {
      this.store.set({ answering: null });
    }
  }

  private forgetIncoming(transferId: string): void {
    this.store.set((s) => ({ incoming: s.incoming.filter((o) => o.transferId !== transferId) }));
  }

  private fail(context: TransferProblem['context'], error: unknown): void {
    this.problemSeq += 1;
    this.store.set({ problem: { context, ...requestProblem(error, this.problemSeq) } });
  }
}
