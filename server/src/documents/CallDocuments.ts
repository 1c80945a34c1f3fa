import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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
 * Documents exchanged during calls, per call, dropped the moment the call ends. With a directory
 * (`dir`), each one is also written to `<dir>/<callId>/<documentId>` while its call runs, so that
 * a call restored after a restart still has them; the call's directory is deleted at its end, and
 * at start for every call that was not restored. Without one, they live in memory only.
 */
export class CallDocuments {
  private readonly byCall = new Map<string, Map<string, StoredDocument>>();

  constructor(private readonly dir?: string) {}

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
    if (this.dir) {
      const callDir = this.callDir(callId);
      fs.mkdirSync(callDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(callDir, info.id), bytes, { mode: 0o600 });
    }
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

  /**
   * A call restored after a restart, or adopted from a node that died: its documents are read
   * back from disk, or taken from the store's copy (`contents`, nodes sharing a database; written
   * to this node's disk then). Documents found in neither are skipped.
   */
  restore(
    callId: string,
    infos: readonly DocumentInfo[],
    contents: ReadonlyMap<string, Buffer> = new Map(),
  ): void {
    if (!this.dir) return;
    const docs = new Map<string, StoredDocument>();
    const file = (id: string) => path.join(this.callDir(callId), id);
    for (const info of infos) {
      const kept = contents.get(info.id);
      if (kept) {
        fs.mkdirSync(this.callDir(callId), { recursive: true, mode: 0o700 });
        fs.writeFileSync(file(info.id), kept, { mode: 0o600 });
        docs.set(info.id, { info, bytes: kept });
        continue;
      }
      try {
        docs.set(info.id, { info, bytes: fs.readFileSync(file(info.id)) });
      } catch {
        // Written to the store but not to disk before the stop: that one is gone.
      }
    }
    if (docs.size > 0) this.byCall.set(callId, docs);
  }

  /** At start: deletes the files of every call not restored (they ended with the process). */
  keepOnly(callIds: readonly string[]): void {
    if (!this.dir || !fs.existsSync(this.dir)) return;
    const keep = new Set(callIds);
    for (const entry of fs.readdirSync(this.dir)) {
      if (!keep.has(entry)) fs.rmSync(path.join(this.dir, entry), { recursive: true, force: true });
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
    if (this.dir) fs.rmSync(this.callDir(callId), { recursive: true, force: true });
    const docs = this.byCall.get(callId);
    if (!docs) return 0;
    for (const d of docs.values()) d.bytes.fill(0);
    this.byCall.delete(callId);
    return docs.size;
  }

  private callDir(callId: string): string {
    // Call ids are server-made UUIDs; `basename` keeps any other string inside the directory.
    return path.join(this.dir!, path.basename(callId));
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
