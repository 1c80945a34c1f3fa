import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CallSignature } from '@visio/shared/client';
import type { SignatureRequest } from '@visio/shared/protocol';
import { FakeServer } from './PartyCall.fakes';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function request(): SignatureRequest {
  return {
    id: randomUUID(),
    documentId: randomUUID(),
    name: 'mandat.pdf',
    sha256: 'ab'.repeat(32),
    at: new Date().toISOString(),
  };
}

function signatureOf(server: FakeServer, open: SignatureRequest | null = null) {
  const callId = randomUUID();
  server.answer('signature:current', () => ({ ok: true, data: { signature: open } }));
  const signature = new CallSignature(server.signalling, callId);
  signature.start();
  return { signature, callId };
}

describe('a call’s signature request, at either end', () => {
  it('learns the open request on start and on a reconnect, and follows the server’s events', async () => {
    const server = new FakeServer();
    const open = request();
    const { signature, callId } = signatureOf(server, open);
    await settle();
    expect(signature.store.get().open).toEqual(open);

    server.emit('signature:closed', {
      callId: randomUUID(),
      signatureId: open.id,
      sha256: open.sha256,
      outcome: 'cancelled',
    });
    expect(signature.store.get().open).toEqual(open);
    const closed = {
      callId,
      signatureId: open.id,
      sha256: open.sha256,
      outcome: 'declined',
      reason: 'cannot_sign',
    } as const;
    server.emit('signature:closed', closed);
    expect(signature.store.get()).toMatchObject({ open: null, last: closed });

    const next = request();
    server.emit('signature:requested', { callId, ...next });
    expect(signature.store.get()).toMatchObject({ open: next, last: null });
    // Withdrawn while this side was away: the reconnect says there is none.
    server.answer('signature:current', () => ({ ok: true, data: { signature: null } }));
    server.emit('connect');
    await settle();
    expect(signature.store.get().open).toBeNull();
  });

  it('submits the strokes for the open request and words a refusal by its reason', async () => {
    const server = new FakeServer();
    const open = request();
    const { signature, callId } = signatureOf(server, open);
    await settle();
    server.refuse('signature:submit', 'NOT_FOUND', 'no_signature');
    server.answer('signature:current', () => ({ ok: true, data: { signature: null } }));
    expect(await signature.submit([[1, 2]])).toBe(false);
    expect(server.requests.find((r) => r.name === 'signature:submit')?.data).toEqual({
      callId,
      signatureId: open.id,
      strokes: [[1, 2]],
    });
    expect(signature.store.get().problem).toEqual({ what: 'submit', code: 'no_signature' });
    await settle();
    // Gone on the server: asked again, and nothing is open any more.
    expect(signature.store.get()).toMatchObject({ open: null, busy: false });
    expect(await signature.decline('cannot_sign')).toBe(false);
  });

  it('forgets everything and listens no more once closed', async () => {
    const server = new FakeServer();
    const { signature, callId } = signatureOf(server, request());
    await settle();
    signature.close();
    server.emit('signature:requested', { callId, ...request() });
    expect(signature.store.get()).toEqual({ open: null, last: null, busy: false, problem: null });
  });
});
