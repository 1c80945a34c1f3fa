import { z } from 'zod';
import {
  appErrorFromBody,
  DocumentInfoSchema,
  IdSchema,
  type DocumentInfo,
} from '@visio/shared/protocol';
import { PrincipalSchema, type Principal } from '../auth/Principal';
import type { CallCluster } from './CallCluster';
import type { CallService } from './CallService';
import type { InCallService } from './InCallService';

/** What the document routes need of a call's documents (InCallService on one node). */
export interface CallDocumentAccess {
  assertMayAddDocument(principal: Principal, callId: string): void | Promise<void>;
  addDocument(
    principal: Principal,
    callId: string,
    name: string,
    bytes: Buffer,
  ): Promise<DocumentInfo>;
  getDocument(
    principal: Principal,
    callId: string,
    documentId: string,
  ): { info: DocumentInfo; bytes: Buffer } | Promise<{ info: DocumentInfo; bytes: Buffer }>;
}

const Ask = z.object({ principal: PrincipalSchema, callId: IdSchema });
const Add = Ask.extend({ name: z.string().max(400), bytes: z.string() });
const Get = Ask.extend({ documentId: IdSchema });
const Got = z.object({ info: DocumentInfoSchema, bytes: z.string() });

/**
 * Several nodes: a call's documents live on the node carrying the call, while an upload or a
 * download reaches whichever node the load balancer chose. This relays them to the carrier (the
 * bytes base64 over the nodes' channel: at most 10 MB a document) and serves the other nodes'
 * relayed ones; a call carried here is served directly. The carrier checks the asker as for its
 * own requests (a party of the call, room left).
 */
export class DocumentRelay implements CallDocumentAccess {
  constructor(
    private readonly local: InCallService,
    private readonly calls: CallService,
    private readonly cluster: CallCluster,
  ) {
    cluster.serve('documents.mayAdd', async (raw) => {
      const { principal, callId } = Ask.parse(raw);
      local.assertMayAddDocument(principal, callId);
      return null;
    });
    cluster.serve('documents.add', async (raw) => {
      const { principal, callId, name, bytes } = Add.parse(raw);
      return local.addDocument(principal, callId, name, Buffer.from(bytes, 'base64'));
    });
    cluster.serve('documents.get', async (raw) => {
      const { principal, callId, documentId } = Get.parse(raw);
      const { info, bytes } = local.getDocument(principal, callId, documentId);
      return { info, bytes: bytes.toString('base64') };
    });
  }

  async assertMayAddDocument(principal: Principal, callId: string): Promise<void> {
    const node = await this.calls.remoteNodeOf(callId);
    if (!node) return this.local.assertMayAddDocument(principal, callId);
    await this.ask(node, 'documents.mayAdd', { principal, callId });
  }

  async addDocument(
    principal: Principal,
    callId: string,
    name: string,
    bytes: Buffer,
  ): Promise<DocumentInfo> {
    const node = await this.calls.remoteNodeOf(callId);
    if (!node) return this.local.addDocument(principal, callId, name, bytes);
    const payload = { principal, callId, name, bytes: bytes.toString('base64') };
    return DocumentInfoSchema.parse(await this.ask(node, 'documents.add', payload));
  }

  async getDocument(principal: Principal, callId: string, documentId: string) {
    const node = await this.calls.remoteNodeOf(callId);
    if (!node) return this.local.getDocument(principal, callId, documentId);
    const got = Got.parse(await this.ask(node, 'documents.get', { principal, callId, documentId }));
    return { info: got.info, bytes: Buffer.from(got.bytes, 'base64') };
  }

  private async ask(node: string, kind: string, payload: unknown): Promise<unknown> {
    const ack = await this.cluster.request(node, kind, payload);
    if (ack.ok) return ack.data;
    throw appErrorFromBody(ack.error);
  }
}
