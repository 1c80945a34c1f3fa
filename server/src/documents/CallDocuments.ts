import { randomUUID } from 'node:crypto';
import {
  AppError,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS_PER_CALL,
  type DocumentInfo,
} from '@visio/shared/protocol';
import { sniffType } from './sniffType';

interface StoredDocument {
  info: DocumentInfo;
  bytes: Buffer;
}

/**
 * Documents exchanged during calls. They live in memory only, per call, and are dropped the
 * moment the call ends: nothing is written to disk, nothing survives the call or a restart.
 */
export class CallDocuments {
  private readonly byCall = new Map<string, Map<string, StoredDocument>>();

  add(callId: string, from: DocumentInfo['from'], name: string, bytes: Buffer): DocumentInfo {
    if (bytes.length === 0)
      throw AppError.withReason('INVALID_INPUT', 'empty', 'The document is empty');
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw AppError.withReason(
        'PAYLOAD_TOO_LARGE',
        'too_large',
        `Documents are limited to ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`,
      );
    }
    const type = sniffType(bytes);
    if (!type)
      throw AppError.withReason(
        'INVALID_INPUT',
        'unsupported_type',
        'Only PDF, JPEG and PNG documents are accepted',
      );
    this.assertRoomFor(callId);
    const docs = this.byCall.get(callId) ?? new Map<string, StoredDocument>();
    const info: DocumentInfo = {
      id: randomUUID(),
      name: cleanName(name, type),
      type,
      size: bytes.length,
      from,
      at: new Date().toISOString(),
    };
    docs.set(info.id, { info, bytes });
    this.byCall.set(callId, docs);
    return info;
  }

  /** CONFLICT once the call holds its most documents (checked before an upload is read, too). */
  assertRoomFor(callId: string): void {
    if ((this.byCall.get(callId)?.size ?? 0) >= MAX_DOCUMENTS_PER_CALL) {
      throw AppError.withReason(
        'CONFLICT',
        'too_many',
        `A call holds at most ${MAX_DOCUMENTS_PER_CALL} documents`,
      );
    }
  }

  get(callId: string, documentId: string): StoredDocument {
    const doc = this.byCall.get(callId)?.get(documentId);
    if (!doc) throw new AppError('NOT_FOUND', 'No such document in this call');
    return doc;
  }

  list(callId: string): DocumentInfo[] {
    return [...(this.byCall.get(callId)?.values() ?? [])].map((d) => d.info);
  }

  /** Deletes every document of the call (its end). Buffers are zeroed before they are released. */
  deleteCall(callId: string): number {
    const docs = this.byCall.get(callId);
    if (!docs) return 0;
    for (const d of docs.values()) d.bytes.fill(0);
    this.byCall.delete(callId);
    return docs.size;
  }

  get totalDocuments(): number {
    let n = 0;
    for (const docs of this.byCall.values()) n += docs.size;
    return n;
  }
}

const EXTENSION: Record<DocumentInfo['type'], string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** A display name safe for headers and screens: no paths, no control characters, bounded. */
function cleanName(name: string, type: DocumentInfo['type']): string {
  const base = name
    .replace(/^.*[\\/]/, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>]/g, '')
    .trim()
    .slice(0, 80);
  return base || `document.${EXTENSION[type]}`;
}
