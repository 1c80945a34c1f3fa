import {
  AppError,
  inCallEvents,
  inCallRequests,
  type ErrorCode,
  type Id,
  type SignatureClosed,
  type SignatureDeclineReason,
  type SignatureRequest,
  type SignatureStrokes,
} from '../protocol';
import type { SignallingClient } from './SignallingClient';
import { Store } from './Store';

/** What failed (asking, withdrawing, signing, declining), and why: a reason or a code. */
export interface SignatureProblem {
  readonly what: 'request' | 'cancel' | 'submit' | 'decline';
  readonly code: string;
}

export interface CallSignatureState {
  /** The document waiting for the citizen's signature, if any. */
  readonly open: SignatureRequest | null;
  /** How the last request ended (signed, declined, withdrawn), until the next one. */
  readonly last: SignatureClosed | null;
  /** A request of this side is on its way. */
  readonly busy: boolean;
  readonly problem: SignatureProblem | null;
}

const EMPTY: CallSignatureState = { open: null, last: null, busy: false, problem: null };

/**
 * Signing a document on the kiosk's screen, for either party of a call: the advisor sends a PDF
 * to sign (or withdraws it), the kiosk signs it or declines. Both sides hold the open request
 * (its SHA-256 is shown to both) and how the last one ended. Closed with its call.
 */
export class CallSignature {
  readonly store = new Store<CallSignatureState>(EMPTY);
  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly signalling: SignallingClient,
    readonly callId: Id,
  ) {}

  /** Listens at once; asks for the request still open once `askAfter` settles (see InCallDesk). */
  start(askAfter: Promise<unknown> = Promise.resolve()): void {
    if (this.cleanups.length > 0 || this.closed) return;
    this.cleanups.push(
      this.signalling.on(inCallEvents.signatureRequested, ({ callId, ...request }) => {
        if (callId === this.callId && !this.closed)
          this.store.set({ open: request, last: null, problem: null });
      }),
      this.signalling.on(inCallEvents.signatureClosed, (closed) => {
        if (closed.callId !== this.callId || this.closed) return;
        const { open } = this.store.get();
        this.store.set({
          open: open?.id === closed.signatureId ? null : open,
          last: closed,
        });
      }),
    );
    // A reload or a reconnect: the request still open is only known by asking.
    const onConnect = () => void this.refresh();
    this.signalling.socket.on('connect', onConnect);
    this.cleanups.push(() => this.signalling.socket.off('connect', onConnect));
    void askAfter.finally(() => {
      if (!this.closed) void this.refresh();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.store.set(EMPTY);
  }

  /** Advisor: sends a PDF of the call to sign; false if refused (see `problem`). */
  request(documentId: Id): Promise<boolean> {
    return this.run('request', async () => {
      const { signature } = await this.signalling.request(inCallRequests.requestSignature, {
        callId: this.callId,
        documentId,
      });
      this.store.set({ open: signature, last: null });
    });
  }

  /** Advisor: withdraws the open request. */
  cancel(): Promise<boolean> {
    return this.withOpen('cancel', (signatureId) =>
      this.signalling.request(inCallRequests.cancelSignature, { callId: this.callId, signatureId }),
    );
  }

  /** Kiosk: the citizen's signature. */
  submit(strokes: SignatureStrokes): Promise<boolean> {
    return this.withOpen('submit', (signatureId) =>
      this.signalling.request(inCallRequests.submitSignature, {
        callId: this.callId,
        signatureId,
        strokes,
      }),
    );
  }

  /** Kiosk: the citizen does not sign, and says why. */
  decline(reason: SignatureDeclineReason): Promise<boolean> {
    return this.withOpen('decline', (signatureId) =>
      this.signalling.request(inCallRequests.declineSignature, {
        callId: this.callId,
        signatureId,
        reason,
      }),
    );
  }

  dismissProblem(): void {
    if (!this.closed) this.store.set({ problem: null });
  }

  /** Forgets how the last request ended (its notice was read). */
  dismissLast(): void {
    if (!this.closed) this.store.set({ last: null });
  }

  private withOpen(
    what: SignatureProblem['what'],
    send: (signatureId: Id) => Promise<unknown>,
  ): Promise<boolean> {
    const open = this.store.get().open;
    if (!open) return Promise.resolve(false);
    // The server's signature:closed event says how it ended, to both sides.
    return this.run(what, () => send(open.id));
  }

  private async run(
    what: SignatureProblem['what'],
    work: () => Promise<unknown>,
  ): Promise<boolean> {
    if (this.closed || this.store.get().busy) return false;
    this.store.set({ busy: true, problem: null });
    try {
      await work();
      return true;
    } catch (error) {
      const code: string | ErrorCode =
        error instanceof AppError ? (error.reason ?? error.code) : 'INTERNAL';
      if (!this.closed) this.store.set({ problem: { what, code } });
      // Gone meanwhile (withdrawn, answered in another tab): what is open now is the server's.
      if (code === 'no_signature') void this.refresh();
      return false;
    } finally {
      if (!this.closed) this.store.set({ busy: false });
    }
  }

  private async refresh(): Promise<void> {
    try {
      const { signature } = await this.signalling.request(inCallRequests.currentSignature, {
        callId: this.callId,
      });
      if (!this.closed) this.store.set({ open: signature });
    } catch {
      // Asked again on the next reconnect; the events still arrive meanwhile.
    }
  }
}
