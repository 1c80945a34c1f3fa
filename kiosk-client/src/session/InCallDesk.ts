import type { SignallingClient } from '@visio/shared/client';
import {
  inCallEvents,
  inCallRequests,
  MAX_CHAT_TEXT,
  MAX_DOCUMENT_BYTES,
  type ChatMessage,
  type DocumentInfo,
} from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';

/** Why a document was refused; the screens translate these. */
export type DocumentProblemReason =
  'unsupported_type' | 'too_large' | 'empty' | 'camera' | 'network' | 'generic';

export interface KioskDocument extends DocumentInfo {
  /** A blob URL once fetched for viewing; revoked at the end of the call. */
  readonly url: string | null;
}

export interface InCallState {
  readonly callId: string | null;
  readonly messages: readonly ChatMessage[];
  /** The citizen's text being typed (sent live as chat:draft). */
  readonly draft: string;
  /** What the advisor is typing right now. */
  readonly peerDraft: string;
  readonly documents: readonly KioskDocument[];
  /** Bumped when the advisor asks for a scan; the scan screen opens with a prompt. */
  readonly scanRequest: number;
  readonly uploading: boolean;
  readonly documentProblem: { readonly reason: DocumentProblemReason; readonly seq: number } | null;
}

const EMPTY: InCallState = {
  callId: null,
  messages: [],
  draft: '',
  peerDraft: '',
  documents: [],
  scanRequest: 0,
  uploading: false,
  documentProblem: null,
};

const DRAFT_THROTTLE_MS = 100;
const ACCEPTED = new Set(['application/pdf', 'image/jpeg', 'image/png']);

/**
 * What a call carries beside sound and picture: real-time text and documents. Everything here
 * belongs to one citizen and one call: `wipe()` forgets it all and revokes every blob URL.
 */
export class InCallDesk {
  readonly store = new Store<InCallState>(EMPTY);
  private readonly blobUrls = new Set<string>();
  private readonly offs: (() => void)[] = [];
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDraftSentAt = 0;
  private problemSeq = 0;

  constructor(
    private readonly signalling: () => SignallingClient | null,
    private readonly deviceToken: () => string | null,
  ) {}

  /** Listens to the call's in-call events (once per signalling client). */
  listen(signalling: SignallingClient): void {
    const mine = (callId: string) => callId === this.store.get().callId;
    this.offs.push(
      signalling.on(inCallEvents.chatDraft, ({ callId, from, text }) => {
        if (mine(callId) && from === 'advisor') this.store.set({ peerDraft: text });
      }),
      signalling.on(inCallEvents.chatMessage, ({ callId, ...message }) => {
        if (!mine(callId)) return;
        this.store.set((s) => ({
          messages: s.messages.some((m) => m.id === message.id)
            ? s.messages
            : [...s.messages, message],
          peerDraft: message.from === 'advisor' ? '' : s.peerDraft,
        }));
      }),
      signalling.on(inCallEvents.scanRequested, ({ callId }) => {
        if (mine(callId)) this.store.set((s) => ({ scanRequest: s.scanRequest + 1 }));
      }),
      signalling.on(inCallEvents.documentAdded, ({ callId, ...info }) => {
        if (mine(callId)) this.addDocument(info);
      }),
    );
  }

  /** A new call: a clean slate, then whatever the server already holds (after a reload). */
  begin(callId: string): void {
    this.wipe();
    this.store.set({ callId });
    this.signalling()
      ?.request(inCallRequests.listDocuments, { callId })
      .then(({ documents }) => documents.forEach((d) => this.addDocument(d)))
      .catch(() => undefined);
  }

  // ---- real-time text ----------------------------------------------------------------

  type(text: string): void {
    const draft = text.slice(0, MAX_CHAT_TEXT);
    this.store.set({ draft });
    // Real-time text: every key goes out, at most one message per DRAFT_THROTTLE_MS.
    if (this.draftTimer !== undefined) return;
    const wait = Math.max(0, this.lastDraftSentAt + DRAFT_THROTTLE_MS - Date.now());
    this.draftTimer = setTimeout(() => {
      this.draftTimer = undefined;
      this.lastDraftSentAt = Date.now();
      const { callId, draft: latest } = this.store.get();
      if (callId)
        this.signalling()
          ?.request(inCallRequests.chatDraft, { callId, text: latest })
          .catch(() => undefined);
    }, wait);
  }

  async send(): Promise<void> {
    const { callId, draft } = this.store.get();
    const text = draft.trim();
    const signalling = this.signalling();
    if (!callId || !text || !signalling) return;
    this.store.set({ draft: '' });
    try {
      const { message } = await signalling.request(inCallRequests.chatSend, { callId, text });
      this.store.set((s) => ({
        messages: s.messages.some((m) => m.id === message.id)
          ? s.messages
          : [...s.messages, message],
      }));
    } catch {
      this.store.set({ draft });
    }
  }

  // ---- documents ---------------------------------------------------------------------

  /** Sends a scan or a scanner file to the advisor. */
  async upload(blob: Blob, name: string): Promise<boolean> {
    const { callId } = this.store.get();
    const token = this.deviceToken();
    if (!callId || !token) return false;
    if (blob.size === 0) return this.refuse('empty');
    if (blob.size > MAX_DOCUMENT_BYTES) return this.refuse('too_large');
    if (blob.type && !ACCEPTED.has(blob.type)) return this.refuse('unsupported_type');
    this.store.set({ uploading: true, documentProblem: null });
    try {
      const response = await fetch(`/api/calls/${encodeURIComponent(callId)}/documents`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/octet-stream',
          'X-Document-Name': encodeURIComponent(name),
          Authorization: `Bearer ${token}`,
        },
        body: blob,
        cache: 'no-store',
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as {
          error?: { reason?: string };
        } | null;
        const reason = body?.error?.reason;
        return this.refuse(
          reason === 'unsupported_type' || reason === 'too_large' || reason === 'empty'
            ? reason
            : response.status === 413
              ? 'too_large'
              : 'generic',
        );
      }
      const { document } = (await response.json()) as { document: DocumentInfo };
      this.addDocument(document);
      return true;
    } catch {
      return this.refuse('network');
    } finally {
      this.store.set({ uploading: false });
    }
  }

  refuse(reason: DocumentProblemReason): false {
    this.problemSeq += 1;
    this.store.set({ documentProblem: { reason, seq: this.problemSeq } });
    return false;
  }

  clearProblem(): void {
    this.store.set({ documentProblem: null });
  }

  /** A blob URL of the document for viewing and printing; fetched once, never cached by HTTP. */
  async open(documentId: string): Promise<string | null> {
    const { callId, documents } = this.store.get();
    const document = documents.find((d) => d.id === documentId);
    const token = this.deviceToken();
    if (!callId || !document || !token) return null;
    if (document.url) return document.url;
    try {
      const response = await fetch(
        `/api/calls/${encodeURIComponent(callId)}/documents/${encodeURIComponent(documentId)}`,
        { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' },
      );
      if (!response.ok) throw new Error(String(response.status));
      const url = this.keepUrl(URL.createObjectURL(await response.blob()));
      if (this.store.get().callId !== callId) {
        this.revoke(url);
        return null;
      }
      this.store.set((s) => ({
        documents: s.documents.map((d) => (d.id === documentId ? { ...d, url } : d)),
      }));
      return url;
    } catch {
      this.refuse('network');
      return null;
    }
  }

  /** A blob URL the desk will revoke with everything else (previews of a scan). */
  keepUrl(url: string): string {
    this.blobUrls.add(url);
    return url;
  }

  revoke(url: string | null): void {
    if (!url) return;
    URL.revokeObjectURL(url);
    this.blobUrls.delete(url);
  }

  /** Forget everything of the call: text, documents, previews. */
  wipe(): void {
    if (this.draftTimer !== undefined) clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    for (const url of this.blobUrls) URL.revokeObjectURL(url);
    this.blobUrls.clear();
    for (const frame of document.querySelectorAll('iframe.print-frame')) frame.remove();
    this.store.set(EMPTY);
  }

  private addDocument(info: DocumentInfo): void {
    this.store.set((s) =>
      s.documents.some((d) => d.id === info.id)
        ? {}
        : { documents: [...s.documents, { ...info, url: null }] },
    );
  }
}
