import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';

/** Who wrote in a call's real-time text: its kiosk, its advisor or its interpreter. */
export const ChatPartySchema = z.enum(['kiosk', 'advisor', 'interpreter']);
import {
  SignatureClosedSchema,
  SignatureDeclineReasonSchema,
  SignatureRequestSchema,
  SignatureStrokesSchema,
  Sha256Schema,
} from './signature';

// What happens inside a call beside audio and video: real-time text, documents, the end survey.

/** Longest real-time text draft or message, in characters. */
export const MAX_CHAT_TEXT = 500;

export const ChatMessageSchema = z.object({
  id: IdSchema,
  from: ChatPartySchema,
  text: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const DocumentInfoSchema = z.object({
  id: IdSchema,
  name: z.string(),
  type: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
  size: z.number().int().nonnegative(),
  from: z.enum(['kiosk', 'advisor']),
  at: z.iso.datetime({ offset: true }),
});
export type DocumentInfo = z.infer<typeof DocumentInfoSchema>;

/** Largest document accepted, in bytes (a 300-dpi A4 colour scan as JPEG fits comfortably). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Most documents one call may hold. */
export const MAX_DOCUMENTS_PER_CALL = 20;

const callId = IdSchema;
const text = z.string().max(MAX_CHAT_TEXT);

export const inCallRequests = {
  chatDraft: defineRequest(
    'chat:draft',
    z.object({ callId, text }).strict(),
    z.object({}),
    'Real-time text: the text being typed, sent as it changes (EN 301 549 6.2). The other side sees it live.',
  ),
  chatSend: defineRequest(
    'chat:send',
    z.object({ callId, text: text.min(1) }).strict(),
    z.object({ message: ChatMessageSchema }),
    'Commit the typed text as a message (the draft is cleared on both sides).',
  ),
  chatHistory: defineRequest(
    'chat:history',
    z.object({ callId }).strict(),
    z.object({ messages: z.array(ChatMessageSchema) }),
    "The call's messages so far, oldest first: after a page reload, a reconnect or a server restart (the last 200).",
  ),
  requestScan: defineRequest(
    'documents:requestScan',
    z.object({ callId }).strict(),
    z.object({}),
    'Advisor: ask the citizen to scan a document; the kiosk prompts them.',
  ),
  listDocuments: defineRequest(
    'documents:list',
    z.object({ callId }).strict(),
    z.object({ documents: z.array(DocumentInfoSchema) }),
    "The call's documents (after a reconnect). Upload and download are HTTP: POST/GET /api/calls/:callId/documents[/:documentId].",
  ),
  reportAccessibility: defineRequest(
    'call:accessibility',
    z.object({ callId, readAloud: z.boolean(), language: z.enum(['fr', 'en']) }).strict(),
    z.object({}),
    "Kiosk: the citizen's read-aloud setting and language during the call (at its start and on each change). Kept with the call's record as two figures for the impact report: read-aloud used at some point, the last language.",
  ),
  requestSignature: defineRequest(
    'signature:request',
    z.object({ callId, documentId: IdSchema }).strict(),
    z.object({ signature: SignatureRequestSchema }),
    "Advisor: send one of the call's PDF documents to the kiosk to sign. Refused: not a PDF or unreadable (`INVALID_INPUT`, reason `not_pdf` or `unreadable_pdf`), a request already open in the call (`CONFLICT`, reason `signature_open`).",
  ),
  cancelSignature: defineRequest(
    'signature:cancel',
    z.object({ callId, signatureId: IdSchema }).strict(),
    z.object({}),
    'Advisor: withdraw the open signature request (`NOT_FOUND` if it is no longer open).',
  ),
  currentSignature: defineRequest(
    'signature:current',
    z.object({ callId }).strict(),
    z.object({ signature: SignatureRequestSchema.nullable() }),
    "The call's open signature request, if any (after a reconnect or a page reload).",
  ),
  submitSignature: defineRequest(
    'signature:submit',
    z.object({ callId, signatureId: IdSchema, strokes: SignatureStrokesSchema }).strict(),
    z.object({ signedDocumentId: IdSchema, sha256: Sha256Schema }),
    "Kiosk: the citizen's signature, strokes of points on the pad (see SIGNATURE_PAD; at most 60 strokes, 3000 points). The server stamps them on the PDF's last page with the date and time and the original's SHA-256; the result is a new call document, gone at call end.",
  ),
  declineSignature: defineRequest(
    'signature:decline',
    z.object({ callId, signatureId: IdSchema, reason: SignatureDeclineReasonSchema }).strict(),
    z.object({}),
    'Kiosk: the citizen does not sign, and says why (cannot sign on the screen, or does not agree).',
  ),
  submitSurvey: defineRequest(
    'survey:submit',
    z.object({ callId, rating: z.number().int().min(1).max(5), badQuality: z.boolean() }).strict(),
    z.object({}),
    'Kiosk: the one-tap satisfaction survey for the call that just ended (once, within 15 minutes of its end).',
  ),
} as const;

export const inCallEvents = {
  chatDraft: defineEvent(
    'chat:typing',
    z.object({ callId, from: ChatPartySchema, text: z.string() }),
    "The other side's text as they type it.",
  ),
  chatMessage: defineEvent(
    'chat:message',
    ChatMessageSchema.extend({ callId }),
    'A committed chat message (from either side).',
  ),
  scanRequested: defineEvent(
    'documents:scanRequested',
    z.object({ callId }),
    'Kiosk: the advisor asks for a scan.',
  ),
  documentAdded: defineEvent(
    'documents:added',
    DocumentInfoSchema.extend({ callId }),
    'A document was shared in the call (by either side): fetch it over HTTP to view it.',
  ),
  signatureRequested: defineEvent(
    'signature:requested',
    SignatureRequestSchema.extend({ callId }),
    'A document was sent to sign (to both parties): the kiosk shows it with the signature pad.',
  ),
  signatureClosed: defineEvent(
    'signature:closed',
    SignatureClosedSchema,
    'The open signature request ended (to both parties): signed (the stamped PDF is a new call document), declined with a reason, or cancelled by the advisor.',
  ),
} as const;
