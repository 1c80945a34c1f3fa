import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError, IdSchema, MAX_DOCUMENT_BYTES } from '@visio/shared/protocol';
import type { Directory } from '../auth/Directory';
import type { Principal } from '../auth/Principal';
import type { CallDocumentAccess } from '../calls/DocumentRelay';
import { readBody } from './readBody';
import { sendError } from './rest';

const CallParams = z.object({ callId: IdSchema });
const DocumentParams = z.object({ callId: IdSchema, documentId: IdSchema });
/** A document's bytes as sent (never inflated), read once the sender is let in. */
const readRaw = express.raw({ type: () => true, limit: MAX_DOCUMENT_BYTES + 1, inflate: false });

/**
 * Documents of a call over HTTP (binary bodies do not belong on the signalling socket). Upload:
 * `POST /api/calls/:callId/documents` with the raw bytes and `X-Document-Name`; download:
 * `GET /api/calls/:callId/documents/:documentId`. The kiosk authenticates with its device token
 * (`Authorization: Bearer`), the advisor with the session cookie; only the call's parties pass.
 */
export function documentRoutes(inCall: CallDocumentAccess, directory: Directory): Router {
  const router = Router();

  const principalOf = async (
    req: Request,
    sessionPrincipal: Principal | undefined,
  ): Promise<Principal> => {
    const bearer = /^Bearer (.{1,512})$/.exec(req.get('authorization') ?? '')?.[1];
    if (bearer) {
      const principal =
        (await directory.authenticateKiosk(bearer)) ?? (await directory.authenticateStaff(bearer));
      if (principal) return principal;
    }
    if (sessionPrincipal) return sessionPrincipal;
    throw new AppError('UNAUTHORIZED', 'Please sign in');
  };
  const params = <T>(schema: z.ZodType<T>, value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AppError('INVALID_INPUT', 'Invalid document address');
    return parsed.data;
  };

  router.post('/calls/:callId/documents', (req, res, next) => {
    void (async () => {
      // Who sends, and may they, before a byte of the body is read: a refused upload is
      // answered at once and its connection closed, never held in memory.
      let principal: Principal;
      let callId: string;
      try {
        principal = await principalOf(req, res.locals.principal as Principal | undefined);
        ({ callId } = params(CallParams, req.params));
        await inCall.assertMayAddDocument(principal, callId);
      } catch (error) {
        res.setHeader('Connection', 'close');
        throw error;
      }
      await readBody(readRaw, req, res);
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body))
        throw AppError.withReason('INVALID_INPUT', 'empty', 'Send the document bytes as the body');
      const name = decodeName(req.get('x-document-name'));
      res.json({ document: await inCall.addDocument(principal, callId, name, body) });
    })().catch((error: unknown) => sendError(res, error, next));
  });

  router.get('/calls/:callId/documents/:documentId', (req, res, next) => {
    void (async () => {
      const principal = await principalOf(req, res.locals.principal as Principal | undefined);
      const { callId, documentId } = params(DocumentParams, req.params);
      const { info, bytes } = await inCall.getDocument(principal, callId, documentId);
      res.setHeader('Content-Type', info.type);
      res.setHeader('Content-Length', String(bytes.length));
      res.setHeader(
        'Content-Disposition',
        `inline; filename*=UTF-8''${encodeURIComponent(info.name)}`,
      );
      // Confidential and ephemeral: never cached by the browser or a proxy.
      res.setHeader('Cache-Control', 'no-store');
      res.end(bytes);
    })().catch((error: unknown) => sendError(res, error, next));
  });
  return router;
}

function decodeName(header: string | undefined): string {
  if (!header) return '';
  try {
    return decodeURIComponent(header).slice(0, 200);
  } catch {
    return '';
  }
}
