import { z } from 'zod';
import {
  AppError,
  ChatMessageSchema,
  DocumentInfoSchema,
  MAX_CHAT_TEXT,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS_PER_CALL,
  inCallEvents,
  inCallRequests,
  type ChatMessage,
  type DocumentInfo,
  type ErrorCode,
  type Id,
} from '../protocol';
import { CallTabMemory } from './CallTabMemory';
import type { SignallingClient } from './SignallingClient';
import { Store } from './Store';
import { TypedEmitter } from './TypedEmitter';

/** Who is at this end of the call, as chat messages and documents name their sender. */
/** A call's parties as its real-time text names them: the kiosk, the advisor, the interpreter. */
export type CallParty = ChatMessage['from'];

export const ACCEPTED_DOCUMENT_TYPES: readonly DocumentInfo['type'][] = [
  'application/pdf',
  'image/jpeg',
  'image/png',
];

/** What went wrong: sending text, sending a document, opening one, taking or asking for a scan. */
export type DeskAction = 'chat' | 'upload' | 'download' | 'capture' | 'scan';

/** Why: the server's refusal reasons, the same checks made up front, or a request's error code. */
export type DeskProblemCode = 'unsupported_type' | 'too_large' | 'too_many' | 'empty' | ErrorCode;

export interface DeskProblem {
  readonly what: DeskAction;
  readonly code: DeskProblemCode;
  /** Bumped on every problem, so the same one is announced again. */
  readonly seq: number;
}

export interface InCallDeskState {
  readonly messages: readonly ChatMessage[];
  /** This side's text being typed (sent live as real-time text). */
  readonly draft: string;
  /** What the other side is typing right now. */
  readonly peerDraft: string;
  /** Who typed `peerDraft` last (a three-way call has two other sides); null before anyone. */
  readonly peerDraftFrom: CallParty | null;
  readonly sending: boolean;
  readonly documents: readonly DocumentInfo[];
  readonly uploading: boolean;
  /** Blob URLs of the documents fetched for viewing, by document id. */
  readonly documentUrls: Readonly<Record<Id, string>>;
  readonly viewing: Id | null;
  /** Bumped each time the other side asks this one for a scan. */
  readonly scanRequests: number;
  readonly problem: DeskProblem | null;
}

export interface InCallDeskEvents extends Record<string, unknown> {
  /** A document joined the call (from either side). */
  documentAdded: DocumentInfo;
}

export interface InCallDeskOptions {
  readonly signalling: SignallingClient;
  readonly callId: Id;
  readonly party: CallParty;
  /** A bearer token for the documents over HTTP; null: the page's session cookie. */
  readonly token: string | null;
}

const EMPTY: InCallDeskState = {
  messages: [],
  draft: '',
  peerDraft: '',
  peerDraftFrom: null,
  sending: false,
  documents: [],
  uploading: false,
  documentUrls: {},
  viewing: null,
  scanRequests: 0,
  problem: null,
};

/** Real-time text: every change goes out, at most one message per this many milliseconds. */
const DRAFT_THROTTLE_MS = 100;
const SERVER_REASONS: readonly DeskProblemCode[] = [
  'unsupported_type',
  'too_large',
  'too_many',
  'empty',
];

/**
 * What a call carries beside sound and picture, for either party: real-time text and documents.
 * Everything here belongs to one call: `close()` forgets it all, revokes every blob URL and
 * removes every listener and timer it set.
 */
export class InCallDesk extends TypedEmitter<InCallDeskEvents> {
  readonly store = new Store<InCallDeskState>(EMPTY);
  readonly callId: Id;
  private readonly signalling: SignallingClient;
  private readonly party: CallParty;
  private readonly token: string | null;
  private readonly cleanups: (() => void)[] = [];
  private readonly blobUrls = new Set<string>();
  /**
   * The messages seen so far, kept in the tab so that a reload mid-call shows them at once; the
   * server's history (chat:history) completes them.
   */
  private readonly transcript: CallTabMemory<readonly ChatMessage[]>;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDraftSent = '';
  private lastDraftAt = 0;
  private problemSeq = 0;
  private started = false;
  private closed = false;

  constructor(options: InCallDeskOptions) {
    super();
    this.signalling = options.signalling;
    this.callId = options.callId;
    this.party = options.party;
    this.token = options.token;
    this.transcript = new CallTabMemory('chat', options.callId, z.array(ChatMessageSchema));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Listens to the call's text and document events at once, and asks for the documents and text
   * shared so far once `askAfter` settles (the call's media join: what the first picture waits on
   * goes first).
   */
  start(askAfter: Promise<unknown> = Promise.resolve()): void {
    if (this.started || this.closed) return;
    this.started = true;
    const kept = this.transcript.read();
    if (kept) this.store.set({ messages: kept });
    const mine = (payload: { callId: string }) => payload.callId === this.callId && !this.closed;
    this.cleanups.push(
      this.signalling.on(inCallEvents.chatDraft, ({ callId, from, text }) => {
        if (mine({ callId }) && from !== this.party)
          this.store.set({ peerDraft: text, peerDraftFrom: from });
      }),
      this.signalling.on(inCallEvents.chatMessage, ({ callId, ...message }) => {
        if (!mine({ callId })) return;
        this.addMessage(message);
        // The server clears a committed draft on both sides.
        if (message.from !== this.party && message.from === this.store.get().peerDraftFrom)
          this.store.set({ peerDraft: '' });
      }),
      this.signalling.on(inCallEvents.scanRequested, (payload) => {
        if (mine(payload)) this.store.set((s) => ({ scanRequests: s.scanRequests + 1 }));
      }),
      this.signalling.on(inCallEvents.documentAdded, ({ callId, ...document }) => {
        if (mine({ callId })) this.addDocuments([document]);
      }),
    );
    // After a reconnect (or a reload mid-call), documents shared meanwhile are only known by asking.
    const onConnect = () => void this.refreshDocuments();
    this.signalling.socket.on('connect', onConnect);
    this.cleanups.push(() => this.signalling.socket.off('connect', onConnect));
    void askAfter.finally(() => {
      if (this.closed) return;
      void this.refreshDocuments();
      void this.loadHistory();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.draftTimer !== undefined) clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    for (const url of this.blobUrls) URL.revokeObjectURL(url);
    this.blobUrls.clear();
    this.transcript.forget();
    this.store.set(EMPTY);
  }

  // ---- real-time text ------------------------------------------------------------------

  /** The text being typed: shown to the other side as it changes. */
  setDraft(text: string): void {
    if (this.closed) return;
    this.store.set({ draft: text.slice(0, MAX_CHAT_TEXT) });
    if (this.draftTimer !== undefined) return;
    const wait = Math.max(0, this.lastDraftAt + DRAFT_THROTTLE_MS - Date.now());
    this.draftTimer = setTimeout(() => {
      this.draftTimer = undefined;
      this.flushDraft();
    }, wait);
  }

  /** Commits the draft as a message; it stays in the field if the server does not take it. */
  async send(): Promise<void> {
    const { draft, sending } = this.store.get();
    const text = draft.trim();
    if (!text || sending || this.closed) return;
    this.store.set({ sending: true });
    try {
      const { message } = await this.signalling.request(inCallRequests.chatSend, {
        callId: this.callId,
        text,
      });
      if (this.closed) return;
      this.addMessage(message);
      this.lastDraftSent = '';
      // Whatever was typed while the message was on its way stays.
      if (this.store.get().draft === draft) this.store.set({ draft: '' });
    } catch (error) {
      this.fail('chat', error);
    } finally {
      if (!this.closed) this.store.set({ sending: false });
    }
  }

  private flushDraft(): void {
    const { draft } = this.store.get();
    if (this.closed || draft === this.lastDraftSent) return;
    this.lastDraftSent = draft;
    this.lastDraftAt = Date.now();
    this.signalling
      .request(inCallRequests.chatDraft, { callId: this.callId, text: draft })
      .catch(() => {
        // A lost draft is replaced by the next keystroke; the committed message is what counts.
      });
  }

  private addMessage(message: ChatMessage): void {
    const { messages } = this.store.get();
    if (messages.some((m) => m.id === message.id)) return;
    this.store.set({ messages: [...messages, message] });
    this.transcript.write(this.store.get().messages);
  }

  // ---- documents -----------------------------------------------------------------------

  /** Sends a document into the call: what the call now lists, or null if refused (see `problem`). */
  async upload(blob: Blob, name: string): Promise<DocumentInfo | null> {
    const { documents, uploading } = this.store.get();
    if (uploading || this.closed) return null;
    // The checks the server makes, made first; an untyped file is left to the server's sniffing.
    const refused: DeskProblemCode | null =
      blob.size === 0
        ? 'empty'
        : blob.size > MAX_DOCUMENT_BYTES
          ? 'too_large'
          : blob.type && !(ACCEPTED_DOCUMENT_TYPES as readonly string[]).includes(blob.type)
            ? 'unsupported_type'
            : documents.length >= MAX_DOCUMENTS_PER_CALL
              ? 'too_many'
              : null;
    if (refused) {
      this.report('upload', refused);
      return null;
    }
    this.store.set({ uploading: true, problem: null });
    try {
      const response = await fetch(this.documentsPath(), {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: {
          ...this.authHeader(),
          'Content-Type': 'application/octet-stream',
          'X-Document-Name': encodeURIComponent(name),
        },
        body: blob,
      });
      const body = (await response.json().catch(() => null)) as {
        document?: unknown;
        error?: { code?: ErrorCode; reason?: string };
      } | null;
      if (!response.ok) {
        const reason = SERVER_REASONS.find((r) => r === body?.error?.reason);
        this.report(
          'upload',
          reason ?? (response.status === 413 ? 'too_large' : (body?.error?.code ?? 'INTERNAL')),
        );
        return null;
      }
      const parsed = DocumentInfoSchema.safeParse(body?.document);
      if (!parsed.success) {
        this.report('upload', 'INTERNAL');
        return null;
      }
      if (!this.closed) this.addDocuments([parsed.data]);
      return parsed.data;
    } catch {
      this.report('upload', 'UNAVAILABLE');
      return null;
    } finally {
      if (!this.closed) this.store.set({ uploading: false });
    }
  }

  /** Opens a document in the viewer, fetching it once into a blob URL. */
  async view(documentId: Id): Promise<void> {
    if (this.closed) return;
    this.store.set({ viewing: documentId });
    await this.urlOf(documentId);
  }

  closeViewer(): void {
    if (!this.closed) this.store.set({ viewing: null });
  }

  /** A blob URL of the document for viewing and printing; fetched once, never cached by HTTP. */
  async urlOf(documentId: Id): Promise<string | null> {
    const known = this.store.get().documentUrls[documentId];
    if (known) return known;
    try {
      const blob = await this.fetchDocument(documentId);
      if (this.closed) return null;
      const url = this.keepUrl(URL.createObjectURL(blob));
      this.store.set((s) => ({ documentUrls: { ...s.documentUrls, [documentId]: url } }));
      return url;
    } catch (error) {
      this.fail('download', error instanceof AppError ? error : new AppError('UNAVAILABLE', ''));
      return null;
    }
  }

  /**
   * A document's bytes (to render a PDF's pages here: a page's policy may forbid reading its own
   * blob: URLs), or null if they could not be fetched (see `problem`).
   */
  async bytesOf(documentId: Id): Promise<ArrayBuffer | null> {
    try {
      const blob = await this.fetchDocument(documentId);
      return this.closed ? null : await blob.arrayBuffer();
    } catch (error) {
      this.fail('download', error instanceof AppError ? error : new AppError('UNAVAILABLE', ''));
      return null;
    }
  }

  private async fetchDocument(documentId: Id): Promise<Blob> {
    const response = await fetch(`${this.documentsPath()}/${encodeURIComponent(documentId)}`, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: this.authHeader(),
    });
    if (!response.ok) throw new AppError(response.status === 404 ? 'NOT_FOUND' : 'INTERNAL', '');
    return response.blob();
  }

  /** A blob URL revoked with everything else when the call ends (e.g. a scan's preview). */
  keepUrl(url: string): string {
    if (this.closed) {
      URL.revokeObjectURL(url);
      return url;
    }
    this.blobUrls.add(url);
    return url;
  }

  revoke(url: string | null): void {
    if (!url || !this.blobUrls.delete(url)) return;
    URL.revokeObjectURL(url);
  }

  /**
   * The call's text so far, from the server: what a colleague taking the call over (warm
   * transfer) or a reloaded page did not see, merged in the order it was written.
   */
  private async loadHistory(): Promise<void> {
    try {
      const { messages } = await this.signalling.request(inCallRequests.chatHistory, {
        callId: this.callId,
      });
      if (this.closed) return;
      const known = this.store.get().messages;
      const fresh = messages.filter((m) => !known.some((k) => k.id === m.id));
      if (fresh.length === 0) return;
      this.store.set({ messages: [...fresh, ...known].sort((x, y) => x.at.localeCompare(y.at)) });
      this.transcript.write(this.store.get().messages);
    } catch {
      // What this tab saw stays; new messages still arrive.
    }
  }

  private async refreshDocuments(): Promise<void> {
    try {
      const { documents } = await this.signalling.request(inCallRequests.listDocuments, {
        callId: this.callId,
      });
      if (!this.closed) this.addDocuments(documents);
    } catch {
      // The events still arrive; the list is asked again on the next reconnect.
    }
  }

  private addDocuments(incoming: readonly DocumentInfo[]): void {
    const fresh = incoming.filter(
      (d) => !this.store.get().documents.some((known) => known.id === d.id),
    );
    if (fresh.length === 0) return;
    this.store.set((s) => ({ documents: [...s.documents, ...fresh] }));
    for (const document of fresh) this.emit('documentAdded', document);
  }

  private documentsPath(): string {
    return `/api/calls/${encodeURIComponent(this.callId)}/documents`;
  }

  private authHeader(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  // ---- problems ------------------------------------------------------------------------

  /** Records a problem for the views to show (also for what the app itself tried, e.g. a scan). */
  report(what: DeskAction, code: DeskProblemCode): void {
    if (this.closed) return;
    this.problemSeq += 1;
    this.store.set({ problem: { what, code, seq: this.problemSeq } });
  }

  dismissProblem(): void {
    if (!this.closed) this.store.set({ problem: null });
  }

  private fail(what: DeskAction, error: unknown): void {
    this.report(what, error instanceof AppError ? error.code : 'INTERNAL');
  }
}

/**
 * Whether a message of the advisor's seat was written before its current holder took the call
 * over from a colleague (warm transfer, `call:started` `advisorSince`): then it is the colleague's.
 */
export function fromPreviousAdvisor(
  message: ChatMessage,
  advisorSince: string | undefined,
): boolean {
  return (
    message.from === 'advisor' &&
    advisorSince !== undefined &&
    Date.parse(message.at) < Date.parse(advisorSince)
  );
}
