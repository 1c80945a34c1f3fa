import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  inCallEvents,
  staffMonitoringEvents,
  staffMonitoringRequests,
  inCallRequests,
  MAX_DOCUMENT_BYTES,
} from '@visio/shared/protocol';
import { describe, expect, test } from '../support/integrationTest';
import { eventWhere } from '../support/appointments';
import { nextEvent, rawRequest, recordEvents } from '../support/socketClient';
import { startDirectCall, type TestServer } from '../support/testServer';

// Real-time text, documents and the survey: only the call's two parties reach them, documents are
// sniffed and bounded, and nothing of the call remains once it ends.

test.override({ afterEachTest: 'no calls' });

/** A call between kiosk and advisor, started directly (scheduling is tested elsewhere). */
async function call(
  t: TestServer,
  client: (nsp: '/kiosk' | '/staff', token: string) => Promise<SignallingClient>,
) {
  const kiosk = await client('/kiosk', t.kiosk.token);
  const advisor = await client('/staff', t.advisor.token);
  const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
  return { kiosk, advisor, callId };
}

function callRecord(t: TestServer, callId: string) {
  return t.server.store.db
    .selectFrom('call_records')
    .selectAll()
    .where('id', '=', callId)
    .executeTakeFirst();
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PDF = Buffer.from('%PDF-1.4\n%test\n');

function upload(
  t: TestServer,
  callId: string,
  bytes: Buffer,
  auth: { bearer?: string; cookie?: string },
  name = 'scan.png',
) {
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-document-name': encodeURIComponent(name),
  };
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.cookie) headers.cookie = `visio_session=${auth.cookie}`;
  return fetch(`${t.url}/api/calls/${callId}/documents`, {
    method: 'POST',
    headers,
    body: new Uint8Array(bytes),
  });
}

describe('real-time text', () => {
  test('shows the draft to the other side only, and commits messages to both', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const kioskSeen = recordEvents(kiosk.socket);
    const draft = nextEvent(advisor, inCallEvents.chatDraft);
    await kiosk.request(inCallRequests.chatDraft, { callId, text: 'Bonj' });
    expect(await draft).toEqual({ callId, from: 'kiosk', text: 'Bonj' });

    const atKiosk = nextEvent(kiosk, inCallEvents.chatMessage);
    const atAdvisor = nextEvent(advisor, inCallEvents.chatMessage);
    const { message } = await kiosk.request(inCallRequests.chatSend, { callId, text: 'Bonjour' });
    expect(await atKiosk).toMatchObject({ callId, id: message.id, from: 'kiosk', text: 'Bonjour' });
    expect(await atAdvisor).toMatchObject({
      callId,
      id: message.id,
      from: 'kiosk',
      text: 'Bonjour',
    });
    // The kiosk never receives its own draft back.
    expect(kioskSeen).not.toContain('chat:typing');
    // The call's record says text was used (the impact report counts it), and nothing more.
    const record = await callRecord(t, callId);
    expect(record?.text_used).toBe(1);
    expect(JSON.stringify(record)).not.toContain('Bonjour');
    await advisor.request(callRequests.hangup, { callId });
  });

  test('refuses text over the limit', async ({ t, client }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    await expect(
      kiosk.request(inCallRequests.chatSend, { callId, text: 'x'.repeat(501) }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      kiosk.request(inCallRequests.chatSend, { callId, text: '' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // Refused text is no text used.
    expect((await callRecord(t, callId))?.text_used).toBe(0);
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('the lines’ media modes (audio + real-time text)', () => {
  test('tells the other party only, shows it on the live call, and says a repeat once', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const tech = await client('/staff', t.technician.token);
    const kioskSeen = recordEvents(kiosk.socket);
    const atAdvisor = nextEvent(advisor, callEvents.mediaMode);
    const atConsole = eventWhere(
      tech,
      staffMonitoringEvents.callsChanged,
      (e) => e.call.mediaModes.kiosk === 'audio_text',
    );
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    expect(await atAdvisor).toEqual({ callId, party: 'kiosk', mode: 'audio_text' });
    expect((await atConsole).call.mediaModes).toEqual({ kiosk: 'audio_text', advisor: 'video' });

    const advisorSeen = recordEvents(advisor.socket);
    await kiosk.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    const { calls } = await tech.request(staffMonitoringRequests.callsLive, {});
    expect(calls.find((c) => c.callId === callId)?.mediaModes.kiosk).toBe('audio_text');

    const atKiosk = nextEvent(kiosk, callEvents.mediaMode);
    await advisor.request(callRequests.setMediaMode, { callId, mode: 'audio_text' });
    expect(await atKiosk).toEqual({ callId, party: 'advisor', mode: 'audio_text' });
    // Nobody hears their own change back, nor a repeat.
    expect(kioskSeen.filter((name) => name === 'call:mediaMode')).toHaveLength(1);
    expect(advisorSeen).not.toContain('call:mediaMode');
    await advisor.request(callRequests.hangup, { callId });
  });

  test('is a party’s own: a technician cannot set it, and a bad mode is refused', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const tech = await client('/staff', t.technician.token);
    await expect(
      tech.request(callRequests.setMediaMode, { callId, mode: 'audio_text' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      kiosk.request(callRequests.setMediaMode, {
        callId,
        mode: 'audio_only' as unknown as 'audio_text',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('documents', () => {
  test('carries a kiosk scan to the advisor and an advisor form to the kiosk, then deletes both at the end', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const scanRequested = nextEvent(kiosk, inCallEvents.scanRequested);
    await advisor.request(inCallRequests.requestScan, { callId });
    expect(await scanRequested).toEqual({ callId });

    const announced = nextEvent(advisor, inCallEvents.documentAdded);
    const res = await upload(t, callId, PNG, { bearer: t.kiosk.token }, '../../etc/Scan "1".png');
    expect(res.status).toBe(200);
    const { document } = (await res.json()) as {
      document: { id: string; name: string; type: string; from: string };
    };
    expect(document).toMatchObject({ type: 'image/png', from: 'kiosk', name: 'Scan 1.png' });
    expect(await announced).toMatchObject({ callId, id: document.id });

    const got = await fetch(`${t.url}/api/calls/${callId}/documents/${document.id}`, {
      headers: { cookie: `visio_session=${t.advisor.token}` },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG);

    const form = await upload(t, callId, PDF, { cookie: t.advisor.token }, 'formulaire.pdf');
    expect(form.status).toBe(200);
    expect(
      (await kiosk.request(inCallRequests.listDocuments, { callId })).documents
        .map((d) => d.type)
        .sort(),
    ).toEqual(['application/pdf', 'image/png']);

    await kiosk.request(callRequests.hangup, { callId });
    const after = await fetch(`${t.url}/api/calls/${callId}/documents/${document.id}`, {
      headers: { authorization: `Bearer ${t.kiosk.token}` },
    });
    expect(after.status).toBe(404);
  });

  test.for([
    ['a text file', Buffer.from('hello, not a document'), 400, 'unsupported_type'],
    [
      'an HTML page named .pdf',
      Buffer.from('<html><script>alert(1)</script></html>'),
      400,
      'unsupported_type',
    ],
    ['an empty body', Buffer.alloc(0), 400, undefined],
    [
      'a file over the limit',
      Buffer.concat([PDF, Buffer.alloc(MAX_DOCUMENT_BYTES)]),
      413,
      undefined,
    ],
  ] as const)(
    'refuses %s with a clear error',
    async ([_what, bytes, status, reason], { t, client }) => {
      const { advisor, callId } = await call(t, client);
      const res = await upload(t, callId, bytes, { bearer: t.kiosk.token }, 'x.pdf');
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; reason?: string } };
      expect(body.error.code).toBe(status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_INPUT');
      if (reason) expect(body.error.reason).toBe(reason);
      await advisor.request(callRequests.hangup, { callId });
    },
  );

  test('keeps documents from anyone but the two parties — technicians and other kiosks included', async ({
    t,
    client,
  }) => {
    const { advisor, callId } = await call(t, client);
    const res = await upload(t, callId, PNG, { bearer: t.kiosk.token });
    const { document } = (await res.json()) as { document: { id: string } };
    const url = `${t.url}/api/calls/${callId}/documents/${document.id}`;
    expect(
      (await fetch(url, { headers: { cookie: `visio_session=${t.technician.token}` } })).status,
    ).toBe(403);
    expect(
      (await fetch(url, { headers: { cookie: `visio_session=${t.advisor2.token}` } })).status,
    ).toBe(404);
    expect(
      (await fetch(url, { headers: { authorization: `Bearer ${t.kiosk2.token}` } })).status,
    ).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    expect((await upload(t, callId, PNG, { cookie: t.technician.token })).status).toBe(403);
    expect(
      (
        await fetch(`${t.url}/api/calls/not-a-uuid/documents/${document.id}`, {
          headers: { authorization: `Bearer ${t.kiosk.token}` },
        })
      ).status,
    ).toBe(400);
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe("the kiosk's accessibility settings", () => {
  test('are kept with the call record: read-aloud once used, the last language', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const report = inCallRequests.reportAccessibility;
    await kiosk.request(report, { callId, readAloud: true, language: 'en' });
    await kiosk.request(report, { callId, readAloud: false, language: 'fr' });
    const record = await callRecord(t, callId);
    expect([record?.read_aloud, record?.kiosk_language]).toEqual([1, 'fr']);
    // Only the call's kiosk says it; anything else is refused and changes nothing.
    await expect(
      advisor.request(report, { callId, readAloud: false, language: 'en' }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MESSAGE' });
    const other = await client('/kiosk', t.kiosk2.token);
    await expect(
      other.request(report, { callId, readAloud: false, language: 'en' }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) });
    await expect(
      kiosk.request(report, { callId, readAloud: true, language: 'de' } as never),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await callRecord(t, callId))?.kiosk_language).toBe('fr');
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('signature on screen', () => {
  /** A real two-page PDF, uploaded by the advisor into the call. */
  async function formToSign(t: TestServer, callId: string, bytes?: Buffer) {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    pdf.addPage();
    const original = bytes ?? Buffer.from(await pdf.save());
    const res = await upload(t, callId, original, { cookie: t.advisor.token }, 'mandat.pdf');
    const { document } = (await res.json()) as { document: { id: string } };
    return { original, documentId: document.id };
  }
  const STROKES = [
    [10, 10, 200, 300, 400, 100],
    [500, 200],
  ];

  test('the advisor sends a PDF, the kiosk signs it, both hear of the stamped copy and the hash', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const { original, documentId } = await formToSign(t, callId);
    const sha256 = createHash('sha256').update(original).digest('hex');

    const atKiosk = nextEvent(kiosk, inCallEvents.signatureRequested);
    const { signature } = await advisor.request(inCallRequests.requestSignature, {
      callId,
      documentId,
    });
    expect(signature).toMatchObject({ documentId, name: 'mandat.pdf', sha256 });
    expect(await atKiosk).toEqual({ callId, ...signature });
    expect((await kiosk.request(inCallRequests.currentSignature, { callId })).signature).toEqual(
      signature,
    );

    const closedAtAdvisor = nextEvent(advisor, inCallEvents.signatureClosed);
    const added = nextEvent(advisor, inCallEvents.documentAdded);
    const answer = await kiosk.request(inCallRequests.submitSignature, {
      callId,
      signatureId: signature.id,
      strokes: STROKES,
    });
    expect(answer.sha256).toBe(sha256);
    expect(await closedAtAdvisor).toEqual({
      callId,
      signatureId: signature.id,
      sha256,
      outcome: 'signed',
      signedDocumentId: answer.signedDocumentId,
    });
    expect(await added).toMatchObject({
      id: answer.signedDocumentId,
      name: 'mandat-signed.pdf',
      type: 'application/pdf',
      from: 'kiosk',
    });
    const got = await fetch(`${t.url}/api/calls/${callId}/documents/${answer.signedDocumentId}`, {
      headers: { cookie: `visio_session=${t.advisor.token}` },
    });
    const signed = Buffer.from(await got.arrayBuffer());
    expect(signed.equals(original)).toBe(false);
    expect((await PDFDocument.load(signed)).getPageCount()).toBe(2);
    expect((await kiosk.request(inCallRequests.currentSignature, { callId })).signature).toBeNull();
    // Signed once: the same request cannot be answered again.
    await expect(
      kiosk.request(inCallRequests.submitSignature, {
        callId,
        signatureId: signature.id,
        strokes: STROKES,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'no_signature' });

    await advisor.request(callRequests.hangup, { callId });
    const after = await fetch(`${t.url}/api/calls/${callId}/documents/${answer.signedDocumentId}`, {
      headers: { cookie: `visio_session=${t.advisor.token}` },
    });
    expect(after.status).toBe(404);
  });

  test('one request at a time, PDFs only, the advisor asks and the kiosk answers', async ({
    t,
    client,
  }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    const tech = await client('/staff', t.technician.token);
    const { documentId } = await formToSign(t, callId);
    const png = await upload(t, callId, PNG, { bearer: t.kiosk.token });
    const { document: image } = (await png.json()) as { document: { id: string } };
    const broken = await formToSign(t, callId, Buffer.from('%PDF-1.4\n%not much more\n'));

    await expect(
      advisor.request(inCallRequests.requestSignature, { callId, documentId: image.id }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', reason: 'not_pdf' });
    await expect(
      advisor.request(inCallRequests.requestSignature, {
        callId,
        documentId: broken.documentId,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', reason: 'unreadable_pdf' });
    await expect(
      tech.request(inCallRequests.requestSignature, { callId, documentId }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      rawRequest(kiosk.socket, inCallRequests.requestSignature.name, { callId, documentId }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_MESSAGE' } });

    const { signature } = await advisor.request(inCallRequests.requestSignature, {
      callId,
      documentId,
    });
    await expect(
      advisor.request(inCallRequests.requestSignature, { callId, documentId }),
    ).rejects.toMatchObject({ code: 'CONFLICT', reason: 'signature_open' });
    await expect(
      rawRequest(advisor.socket, inCallRequests.submitSignature.name, {
        callId,
        signatureId: signature.id,
        strokes: STROKES,
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_MESSAGE' } });
    for (const strokes of [[], [[1, 2, 3]], [[2000, 10]], 'a signature']) {
      await expect(
        rawRequest(kiosk.socket, inCallRequests.submitSignature.name, {
          callId,
          signatureId: signature.id,
          strokes,
        }),
      ).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    // A signature too long for one message is refused before it is parsed.
    await expect(
      rawRequest(kiosk.socket, inCallRequests.submitSignature.name, {
        callId,
        signatureId: signature.id,
        strokes: [Array.from({ length: 10_000 }, () => 999)],
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    await expect(
      kiosk.request(inCallRequests.declineSignature, {
        callId,
        signatureId: documentId,
        reason: 'cannot_sign',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Still open after all that: the citizen declines, and says why.
    const declined = nextEvent(advisor, inCallEvents.signatureClosed);
    await kiosk.request(inCallRequests.declineSignature, {
      callId,
      signatureId: signature.id,
      reason: 'cannot_sign',
    });
    expect(await declined).toMatchObject({ outcome: 'declined', reason: 'cannot_sign' });

    // Sent again, then withdrawn by the advisor: the kiosk hears it.
    const again = await advisor.request(inCallRequests.requestSignature, { callId, documentId });
    const cancelled = nextEvent(kiosk, inCallEvents.signatureClosed);
    await advisor.request(inCallRequests.cancelSignature, {
      callId,
      signatureId: again.signature.id,
    });
    expect(await cancelled).toMatchObject({
      signatureId: again.signature.id,
      outcome: 'cancelled',
    });
    await expect(
      kiosk.request(inCallRequests.submitSignature, {
        callId,
        signatureId: again.signature.id,
        strokes: STROKES,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await advisor.request(callRequests.hangup, { callId });
  });
});

describe('the survey', () => {
  test('is accepted once from the kiosk of a call that just ended', async ({ t, client }) => {
    const { kiosk, advisor, callId } = await call(t, client);
    await expect(
      kiosk.request(inCallRequests.submitSurvey, { callId, rating: 4, badQuality: true }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The survey opens once the call's record is closed (written just after the parties are told).
    await advisor.request(callRequests.hangup, { callId });
    await expect
      .poll(async () => (await callRecord(t, callId))?.ended_at ?? null, { timeout: 5_000 })
      .not.toBeNull();
    await kiosk.request(inCallRequests.submitSurvey, { callId, rating: 4, badQuality: true });
    await expect(
      kiosk.request(inCallRequests.submitSurvey, { callId, rating: 1, badQuality: false }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await callRecord(t, callId)).toMatchObject({ survey_rating: 4, survey_bad_quality: 1 });
    const other = await client('/kiosk', t.kiosk2.token);
    await expect(
      other.request(inCallRequests.submitSurvey, { callId, rating: 5, badQuality: false }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
