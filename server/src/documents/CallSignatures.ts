import { randomUUID } from 'node:crypto';
import { AppError, type DocumentInfo, type SignatureRequest } from '@visio/shared/protocol';
import { loadSignable, sha256Of } from './SignatureStamp';

/**
 * The signature request open in each call: at most one at a time, on a PDF of the call that
 * pdf-lib can read. Like the call's documents, they live in memory only and go with the call (an
 * open request does not survive a server restart: the advisor sends it again).
 */
export class CallSignatures {
  private readonly open = new Map<string, SignatureRequest>();

  /** Opens a request on `document` (its bytes checked readable first); CONFLICT if one is open. */
  async request(callId: string, document: DocumentInfo, bytes: Buffer): Promise<SignatureRequest> {
    this.assertNoneOpen(callId);
    if (document.type !== 'application/pdf')
      throw AppError.withReason('INVALID_INPUT', 'not_pdf', 'Only a PDF can be sent to sign');
    await loadSignable(bytes);
    // Checked again: another request may have opened while the PDF was being read.
    this.assertNoneOpen(callId);
    const request: SignatureRequest = {
      id: randomUUID(),
      documentId: document.id,
      name: document.name,
      sha256: sha256Of(bytes),
      at: new Date().toISOString(),
    };
    this.open.set(callId, request);
    return request;
  }

  current(callId: string): SignatureRequest | null {
    return this.open.get(callId) ?? null;
  }

  /**
   * Closes the open request `signatureId` and hands it over (to be signed, declined or
   * withdrawn); NOT_FOUND if it is not the call's open one. Taken at once, so that two answers
   * to the same request cannot both proceed; `reopen` puts it back if signing it failed.
   */
  take(callId: string, signatureId: string): SignatureRequest {
    const request = this.open.get(callId);
    if (request?.id !== signatureId)
      throw AppError.withReason(
        'NOT_FOUND',
        'no_signature',
        'This signature request is no longer open',
      );
    this.open.delete(callId);
    return request;
  }

  reopen(callId: string, request: SignatureRequest): void {
    if (!this.open.has(callId)) this.open.set(callId, request);
  }

  deleteCall(callId: string): void {
    this.open.delete(callId);
  }

  private assertNoneOpen(callId: string): void {
    if (this.open.has(callId))
      throw AppError.withReason(
        'CONFLICT',
        'signature_open',
        'A document is already waiting for a signature in this call',
      );
  }
}
