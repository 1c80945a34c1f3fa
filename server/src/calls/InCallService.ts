import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import {
  AppError,
  type ChatMessage,
  type DocumentInfo,
  type SignatureClosed,
  type SignatureDeclineReason,
  type SignatureRequest,
  type SignatureStrokes,
} from '@visio/shared/protocol';
import { hasRole, principalId, type KioskPrincipal, type Principal } from '../auth/Principal';
import type { CallDocuments } from '../documents/CallDocuments';
import { CallSignatures } from '../documents/CallSignatures';
import { stampSignature } from '../documents/SignatureStamp';
import type { Call, CallParty, CallRole } from './Call';
import type { CallRecordRepository } from './CallRecordRepository';
import type { CallService } from './CallService';
import type { LiveCallRepository } from './LiveCallRepository';

export interface InCallEvents {
  chatDraft: [{ call: Call; from: CallRole; text: string }];
  chatMessage: [{ call: Call; message: ChatMessage }];
  scanRequested: [{ call: Call }];
  documentAdded: [{ call: Call; document: DocumentInfo }];
  signatureRequested: [{ call: Call; signature: SignatureRequest }];
  signatureClosed: [{ call: Call; closed: SignatureClosed }];
}

export interface InCallOptions {
  /** Where the date stamped beside a signature is read (the network's time zone). */
  timeZone?: string;
  /** Nodes share the store: a document's bytes are kept with it, for a node adopting the call. */
  documentsInStore?: boolean;
}

/** How long after a call the kiosk may still give its survey. */
const SURVEY_WINDOW_MS = 15 * 60_000;
/** Messages kept per call, for a side that reconnects. */
const CHAT_HISTORY = 200;

/**
 * Everything beside audio and video inside a call: real-time text, documents, the scan request,
 * and the survey afterwards. Only the call's two parties reach any of it (technicians included
 * in the "never": a staff member must be the call's advisor). Chat and documents die with the call;
 * while it runs they are kept in the store too (`live`), so that a restarted server has them.
 */
export class InCallService extends EventEmitter<InCallEvents> {
  private readonly chats = new Map<string, ChatMessage[]>();
  private readonly documentsInStore: boolean;
  private readonly signatures = new CallSignatures();
  private readonly timeZone: string;

  constructor(
    private readonly calls: CallService,
    private readonly documents: CallDocuments,
    private readonly records: CallRecordRepository,
    private readonly live?: LiveCallRepository,
    options: InCallOptions = {},
  ) {
    super();
    this.timeZone = options.timeZone ?? 'Europe/Paris';
    this.documentsInStore = options.documentsInStore ?? false;
    calls.on('callEnded', ({ call }) => {
      this.chats.delete(call.id);
      this.signatures.deleteCall(call.id);
      this.documents.deleteCall(call.id);
    });
  }

  chatDraft(principal: Principal, callId: string, text: string): void {
    const { call, party } = this.textParty(principal, callId);
    this.emit('chatDraft', { call, from: party, text });
  }

  /**
   * Sends a message to the other party at once; answers once the store has it (after the call's
   * own row), so that a message acknowledged to its sender survives a restart.
   */
  async chatSend(principal: Principal, callId: string, text: string): Promise<ChatMessage> {
    const { call, party } = this.textParty(principal, callId);
    const message: ChatMessage = {
      id: randomUUID(),
      from: party,
      text,
      at: new Date().toISOString(),
    };
    const history = this.chats.get(call.id) ?? [];
    history.push(message);
    if (history.length > CHAT_HISTORY) history.shift();
    this.chats.set(call.id, history);
    this.emit('chatMessage', { call, message });
    const live = this.live;
    if (live)
      await this.calls.persist(call.id, 'chat message', () => live.messageSent(call.id, message));
    if (history.length === 1)
      await this.calls.persist(call.id, 'text used', () => this.records.textUsed(call.id));
    return message;
  }

  /** The kiosk's read-aloud and language during its call, for the impact report. */
  async reportAccessibility(
    principal: Principal,
    callId: string,
    settings: { readAloud: boolean; language: 'fr' | 'en' },
  ): Promise<void> {
    const { call, party } = this.party(principal, callId);
    if (party !== 'kiosk') throw new AppError('FORBIDDEN', 'Only the kiosk reports its settings');
    await this.calls.persist(call.id, 'accessibility', () =>
      this.records.accessibility(call.id, call.kioskId, settings),
    );
  }

  /** The call's messages so far, oldest first (a page that reloads or a restored call). */
  chatHistory(principal: Principal, callId: string): ChatMessage[] {
    return [...(this.chats.get(this.textParty(principal, callId).call.id) ?? [])];
  }

  /** A call restored after a restart gets its chat back. */
  restoreChat(callId: string, messages: readonly ChatMessage[]): void {
    this.chats.set(callId, messages.slice(-CHAT_HISTORY));
  }

  requestScan(principal: Principal, callId: string): void {
    const { call, party } = this.party(principal, callId);
    if (party !== 'advisor') throw new AppError('FORBIDDEN', 'Only the advisor asks for a scan');
    this.emit('scanRequested', { call });
  }

  /**
   * Whether `principal` may add a document to the call now (a party, room left): asked before an
   * upload's bytes are read, so that nobody else makes the server hold them.
   */
  assertMayAddDocument(principal: Principal, callId: string): void {
    this.documents.assertRoomFor(this.party(principal, callId).call.id);
  }

  /** Like a message: shown to the other party at once, answered once the store lists it. */
  async addDocument(
    principal: Principal,
    callId: string,
    name: string,
    bytes: Buffer,
  ): Promise<DocumentInfo> {
    const { call, party } = this.party(principal, callId);
    const document = this.documents.add(call.id, party, name, bytes);
    this.emit('documentAdded', { call, document });
    const live = this.live;
    if (live)
      await this.calls.persist(call.id, 'shared document', () =>
        live.documentShared(call.id, document, this.documentsInStore ? bytes : undefined),
      );
    return document;
  }

  getDocument(principal: Principal, callId: string, documentId: string) {
    const { call } = this.party(principal, callId);
    return this.documents.get(call.id, documentId);
  }

  listDocuments(principal: Principal, callId: string): DocumentInfo[] {
    return this.documents.list(this.party(principal, callId).call.id);
  }

  /** Advisor: sends one of the call's PDFs to the kiosk to sign (one request open at a time). */
  async requestSignature(
    principal: Principal,
    callId: string,
    documentId: string,
  ): Promise<SignatureRequest> {
    const { call } = this.partyOnly(
      principal,
      callId,
      'advisor',
      'Only the advisor sends a document to sign',
    );
    const { info, bytes } = this.documents.get(call.id, documentId);
    const signature = await this.signatures.request(call.id, info, bytes);
    this.emit('signatureRequested', { call, signature });
    return signature;
  }

  cancelSignature(principal: Principal, callId: string, signatureId: string): void {
    const { call } = this.partyOnly(
      principal,
      callId,
      'advisor',
      'Only the advisor withdraws a signature request',
    );
    const { sha256 } = this.signatures.take(call.id, signatureId);
    this.emit('signatureClosed', {
      call,
      closed: { callId: call.id, signatureId, sha256, outcome: 'cancelled' },
    });
  }

  currentSignature(principal: Principal, callId: string): SignatureRequest | null {
    return this.signatures.current(this.party(principal, callId).call.id);
  }

  declineSignature(
    principal: Principal,
    callId: string,
    signatureId: string,
    reason: SignatureDeclineReason,
  ): void {
    const { call } = this.partyOnly(
      principal,
      callId,
      'kiosk',
      'Only the citizen signs or declines',
    );
    const { sha256 } = this.signatures.take(call.id, signatureId);
    this.emit('signatureClosed', {
      call,
      closed: { callId: call.id, signatureId, sha256, outcome: 'declined', reason },
    });
  }

  /**
   * Kiosk: the citizen's strokes, stamped on the PDF's last page with the date and the original's
   * SHA-256; the signed PDF joins the call's documents. If it cannot (the call holds its most
   * documents, the result is too large), the request stays open and the kiosk hears why.
   */
  async submitSignature(
    principal: Principal,
    callId: string,
    signatureId: string,
    strokes: SignatureStrokes,
  ): Promise<{ signedDocumentId: string; sha256: string }> {
    const { call } = this.partyOnly(
      principal,
      callId,
      'kiosk',
      'Only the citizen signs or declines',
    );
    const request = this.signatures.take(call.id, signatureId);
    let document: DocumentInfo;
    try {
      this.documents.assertRoomFor(call.id);
      const original = this.documents.get(call.id, request.documentId).bytes;
      const signed = await stampSignature(original, strokes, {
        at: new Date(),
        timeZone: this.timeZone,
      });
      document = await this.addDocument(principal, call.id, signedName(request.name), signed);
    } catch (error) {
      // Put back unless the call ended meanwhile (its requests went with it).
      if (!call.ended) this.signatures.reopen(call.id, request);
      throw error;
    }
    const closed: SignatureClosed = {
      callId: call.id,
      signatureId,
      sha256: request.sha256,
      outcome: 'signed',
      signedDocumentId: document.id,
    };
    this.emit('signatureClosed', { call, closed });
    return { signedDocumentId: document.id, sha256: request.sha256 };
  }

  async submitSurvey(
    kiosk: KioskPrincipal,
    callId: string,
    rating: number,
    badQuality: boolean,
  ): Promise<void> {
    const done = await this.records.recordSurvey(
      callId,
      kiosk.kioskId,
      { rating, badQuality },
      new Date(),
      SURVEY_WINDOW_MS,
    );
    if (!done)
      throw AppError.withReason(
        'NOT_FOUND',
        'no_survey',
        'No recent call of this kiosk awaits a survey',
      );
  }

  private partyOnly(
    principal: Principal,
    callId: string,
    only: CallParty,
    refusal: string,
  ): { call: Call; party: CallParty } {
    const found = this.party(principal, callId);
    if (found.party !== only) throw new AppError('FORBIDDEN', refusal);
    return found;
  }

  /** The call and the caller's side in it; advisors must hold the advisor role (never technicians). */
  private party(principal: Principal, callId: string): { call: Call; party: CallParty } {
    if (principal.kind === 'staff' && !hasRole(principal, ['advisor'])) {
      throw new AppError('FORBIDDEN', 'Only the parties of a call reach its content');
    }
    const call = this.calls.callFor(principal, callId);
    const party = call.partyOf(principalId(principal));
    // The interpreter reaches the call's text, not its documents nor signatures.
    if (!party) throw new AppError('FORBIDDEN', 'Only the parties of a call reach its content');
    return { call, party };
  }

  /** As `party`, for real-time text: the call's interpreter writes and reads it too. */
  private textParty(principal: Principal, callId: string): { call: Call; party: CallRole } {
    if (principal.kind === 'staff' && !hasRole(principal, ['advisor', 'interpreter'])) {
      throw new AppError('FORBIDDEN', 'Only the parties of a call reach its content');
    }
    const call = this.calls.callFor(principal, callId);
    return { call, party: call.roleOf(principalId(principal))! };
  }
}

/** `contract.pdf` → `contract-signed.pdf` (the display name of the stamped copy). */
function signedName(name: string): string {
  return `${name.replace(/\.pdf$/i, '')}-signed.pdf`;
}
