import type { CallSession, SignallingClient } from '@visio/shared/client';
import {
  AppError,
  DocumentInfoSchema,
  MAX_CHAT_TEXT,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS_PER_CALL,
  inCallEvents,
  inCallRequests,
  staffMonitoringRequests,
  type ChatMessage,
  type DocumentInfo,
  type ErrorCode,
  type Id,
} from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';
import { NetworkQuality, UNKNOWN_QUALITY, type SideQuality } from './NetworkQuality';

export const ACCEPTED_DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

/** Why a document could not be sent: the server's reasons, and the same checks made up front. */
export type DocumentProblem = 'unsupported_type' | 'too_large' | 'too_many' | ErrorCode;

export interface DeskProblem {
  readonly what: 'chat' | 'upload' | 'download' | 'scan';
  readonly code: DocumentProblem;
  readonly seq: number;
}

export interface CallDeskState {
  readonly messages: readonly ChatMessage[];
  /** What the citizen is typing right now (real-time text). */
  readonly peerDraft: string;
  readonly draft: string;
  readonly sending: boolean;
  readonly documents: readonly DocumentInfo[];
  readonly uploading: boolean;
  readonly scanRequested: boolean;
  /** Blob URLs of the documents fetched for viewing, by document id. */
  readonly documentUrls: Readonly<Record<string, string>>;
  readonly viewing: Id | null;
  /** The advisor's private notes: this tab's memory only, gone when the call ends. */
  readonly notes: string;
  readonly self: SideQuality;
  readonly citizen: SideQuality;
  readonly problem: DeskProblem | null;
}

const DRAFT_THROTTLE_MS = 100;
const STATS_EVERY_MS = 2_000;
const REPORT_EVERY_MS = 5_000;

/**
 * Everything beside audio and video in the advisor's call: real-time text, documents, private
 * notes, the network-quality reading and the statistics reports. One per call; `close()` at the
 * end of the call forgets it all and revokes every blob URL.
 */
export class CallDesk {
  readonly store = new Store<CallDeskState>({
    messages: [],
    peerDraft: '',
    draft: '',
    sending: false,
    documents: [],
    uploading: false,
    scanRequested: false,
    documentUrls: {},
    viewing: null,
    notes: '',
    self: UNKNOWN_QUALITY,
    citizen: UNKNOWN_QUALITY,
    problem: null,
  });
  private readonly cleanups: (() => void)[] = [];
  private readonly quality = new NetworkQuality();
  private media: CallSession | null = null;
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private lastDraftSent = '';
  private lastDraftAt = 0;
  private lastReportAt = 0;
  private seq = 0;
  private closed = false;

  constructor(
    readonly callId: Id,
    private readonly signalling: SignallingClient,
    /** The `?token=` session token, for HTTP where there is no cookie. */
    private readonly token: string | null,
  ) {}

  start(): void {
    const mine = (p: { callId: string }) => p.callId === this.callId && !this.closed;
    this.cleanups.push(
      this.signalling.on(inCallEvents.chatDraft, (p) => {
        if (mine(p) && p.from === 'kiosk') this.store.set({ peerDraft: p.text });
      }),
      this.signalling.on(inCallEvents.chatMessage, (p) => {
        if (!mine(p)) return;
        const { callId: _callId, ...message } = p;
        this.addMessage(message);
        if (p.from === 'kiosk') this.store.set({ peerDraft: '' });
      }),
      this.signalling.on(inCallEvents.documentAdded, (p) => {
        if (!mine(p)) return;
        const { callId: _callId, ...document } = p;
        this.addDocuments([document]);
        if (document.from === 'kiosk') this.store.set({ scanRequested: false });
      }),
    );
    // After a reconnect, documents shared meanwhile are only known by asking.
    const onConnect = () => void this.refreshDocuments();
    this.signalling.socket.on('connect', onConnect);
    this.cleanups.push(() => this.signalling.socket.off('connect', onConnect));
    void this.refreshDocuments();
    const timer = setInterval(() => void this.sample(), STATS_EVERY_MS);
    this.cleanups.push(() => clearInterval(timer));
  }

  /** The call's media, for the quality readings. */
  attachMedia(media: CallSession): void {
    this.media = media;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.draftTimer) clearTimeout(this.draftTimer);
    for (const url of Object.values(this.store.get().documentUrls)) URL.revokeObjectURL(url);
    this.media = null;
    this.store.set({
      messages: [],
      peerDraft: '',
      draft: '',
      documents: [],
      documentUrls: {},
      viewing: null,
      notes: '',
      self: UNKNOWN_QUALITY,
      citizen: UNKNOWN_QUALITY,
      problem: null,
    });
  }

  // ---- real-time text ------------------------------------------------------------------

  /** Every change goes to the citizen as it is typed, at most every 100 ms. */
  setDraft(text: string): void {
    const draft = text.slice(0, MAX_CHAT_TEXT);
    this.store.set({ draft });
    if (this.draftTimer) return;
    const wait = Math.max(0, this.lastDraftAt + DRAFT_THROTTLE_MS - Date.now());
    this.draftTimer = setTimeout(() => {
      this.draftTimer = null;
      this.flushDraft();
    }, wait);
  }

  async send(): Promise<void> {
    const text = this.store.get().draft.trim();
    if (!text || this.store.get().sending || this.closed) return;
    this.store.set({ sending: true });
    try {
      const { message } = await this.signalling.request(inCallRequests.chatSend, {
        callId: this.callId,
        text,
      });
      if (this.closed) return;
      this.addMessage(message);
      this.store.set({ draft: '' });
      this.lastDraftSent = '';
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
    this.store.set((s) =>
      s.messages.some((m) => m.id === message.id) ? {} : { messages: [...s.messages, message] },
    );
  }

  // ---- documents -----------------------------------------------------------------------

  async upload(file: File): Promise<void> {
    const { documents, uploading } = this.store.get();
    if (uploading || this.closed) return;
    const local: DocumentProblem | null = !(ACCEPTED_DOCUMENT_TYPES as readonly string[]).includes(
      file.type,
    )
      ? 'unsupported_type'
      : file.size > MAX_DOCUMENT_BYTES
        ? 'too_large'
        : documents.length >= MAX_DOCUMENTS_PER_CALL
          ? 'too_many'
          : null;
    if (local) {
      this.problem('upload', local);
      return;
    }
    this.store.set({ uploading: true, problem: null });
    try {
      const response = await fetch(this.documentsPath(), {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          ...this.authHeader(),
          'Content-Type': 'application/octet-stream',
          'X-Document-Name': encodeURIComponent(file.name),
        },
        body: file,
      });
      const body = (await response.json().catch(() => null)) as {
        document?: unknown;
        error?: { code?: ErrorCode; reason?: string };
      } | null;
      if (!response.ok) {
        const reason = body?.error?.reason;
        const known = ['unsupported_type', 'too_large', 'too_many'].includes(reason ?? '');
        this.problem(
          'upload',
          known
            ? (reason as DocumentProblem)
            : response.status === 413
              ? 'too_large'
              : (body?.error?.code ?? 'INTERNAL'),
        );
        return;
      }
      const parsed = DocumentInfoSchema.safeParse(body?.document);
      if (parsed.success && !this.closed) this.addDocuments([parsed.data]);
    } catch {
      this.problem('upload', 'UNAVAILABLE');
    } finally {
      if (!this.closed) this.store.set({ uploading: false });
    }
  }

  async requestScan(): Promise<void> {
    try {
      await this.signalling.request(inCallRequests.requestScan, { callId: this.callId });
      if (!this.closed) this.store.set({ scanRequested: true });
    } catch (error) {
      this.fail('scan', error);
    }
  }

  /** Opens a document in the viewer, fetching it once into a blob URL. */
  async view(documentId: Id): Promise<void> {
    this.store.set({ viewing: documentId });
    await this.urlOf(documentId);
  }

  closeViewer(): void {
    this.store.set({ viewing: null });
  }

  async urlOf(documentId: Id): Promise<string | null> {
    const known = this.store.get().documentUrls[documentId];
    if (known) return known;
    try {
      const response = await fetch(`${this.documentsPath()}/${encodeURIComponent(documentId)}`, {
        credentials: 'same-origin',
        headers: this.authHeader(),
      });
      if (!response.ok) throw new AppError(response.status === 404 ? 'NOT_FOUND' : 'INTERNAL', '');
      const blob = await response.blob();
      if (this.closed) return null;
      const url = URL.createObjectURL(blob);
      this.store.set((s) => ({ documentUrls: { ...s.documentUrls, [documentId]: url } }));
      return url;
    } catch (error) {
      this.fail('download', error);
      return null;
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
    this.store.set((s) => {
      const fresh = incoming.filter((d) => !s.documents.some((known) => known.id === d.id));
      return fresh.length > 0 ? { documents: [...s.documents, ...fresh] } : {};
    });
  }

  private documentsPath(): string {
    return `/api/calls/${encodeURIComponent(this.callId)}/documents`;
  }

  private authHeader(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  // ---- notes ---------------------------------------------------------------------------

  setNotes(notes: string): void {
    this.store.set({ notes });
  }

  // ---- quality -------------------------------------------------------------------------

  private async sample(): Promise<void> {
    const media = this.media;
    if (!media || media.isClosed || this.closed) return;
    let summary;
    try {
      summary = await media.getStats();
    } catch {
      return;
    }
    if (this.closed) return;
    this.store.set(this.quality.read(summary));
    if (Date.now() - this.lastReportAt < REPORT_EVERY_MS - STATS_EVERY_MS / 2) return;
    this.lastReportAt = Date.now();
    this.signalling
      .request(staffMonitoringRequests.statsReport, { callId: this.callId, stats: summary })
      .catch(() => {
        // Monitoring only: the next report will do.
      });
  }

  // ---- problems ------------------------------------------------------------------------

  dismissProblem(): void {
    this.store.set({ problem: null });
  }

  private fail(what: DeskProblem['what'], error: unknown): void {
    if (this.closed) return;
    this.problem(what, error instanceof AppError ? error.code : 'INTERNAL');
  }

  private problem(what: DeskProblem['what'], code: DocumentProblem): void {
    this.seq += 1;
    this.store.set({ problem: { what, code, seq: this.seq } });
  }
}
