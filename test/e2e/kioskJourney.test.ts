import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import { inCallEvents, inCallRequests, type PayloadOf } from '@visio/shared/protocol';
import { connectClient } from '../support/socketClient';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { bookAppointment } from './support/booking';
import { inboundMedia, newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';

const ARTIFACTS = path.resolve('test/artifacts/e2e');
const DEVICE_TOKEN_KEY = 'visio-public.kiosk.deviceToken';
/** The smallest PDF a browser opens: one empty page. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: ARTIFACTS });
  ({ browser, t } = stage);
  return stage.close;
});

/** Everything one socket receives of an event kind, in order. */
function collect<D extends Parameters<SignallingClient['on']>[0]>(
  client: SignallingClient,
  def: D,
): PayloadOf<D>[] {
  const seen: PayloadOf<D>[] = [];
  client.on(def, (payload) => seen.push(payload as PayloadOf<D>));
  return seen;
}

describe('the kiosk from check-in to the privacy wipe', () => {
  it('device check, call with real-time text and documents both ways, survey, nothing left', async () => {
    const { appointmentId, code } = await bookAppointment(t, {
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      serviceId: t.serviceA,
    });
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    // The advisor desk's chat and document UI is being built in parallel: its media runs in the
    // real advisor app, its text and documents go through a socket and HTTP as that UI will.
    const desk = await connectClient(t.url, '/staff', t.advisor.token);
    const typing = collect(desk, inCallEvents.chatDraft);
    const messages = collect(desk, inCallEvents.chatMessage);
    const added = collect(desk, inCallEvents.documentAdded);
    const cookie = `visio_session=${t.advisor.token}`;
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      await advisor.open(t.url, t.advisor.token);
      await advisor.agenda().waitFor();
      await kiosk.open(t.url, t.kiosk.token);
      await kiosk.screen('welcome').waitFor();

      // ---- device check
      await kiosk.checkIn(code, { stayOnDeviceCheck: true });
      await kiosk.screen('device-check').waitFor();
      const level = await pollUntil(
        async () => Number(await kiosk.byId('mic-level').getAttribute('data-level')),
        (v) => v > 0,
        10_000,
      );
      expect(level).toBeGreaterThan(0);
      await kiosk.byId('speaker-test').click();
      await kiosk.byId('speaker-heard-yes').click();
      const output = kiosk.page.locator('[data-testid^="output-"]').first();
      await output.click();
      expect(await output.getAttribute('aria-pressed')).toBe('true');
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-device-check.png') });
      await kiosk.continueFromDeviceCheck();
      await kiosk.screen('waiting').waitFor();

      // ---- the call
      await advisor.admit(appointmentId);
      await kiosk.screen('call').waitFor();
      await advisor.callView().waitFor();
      const enough = (m: { framesDecoded: number; audioPacketsReceived: number }) =>
        m.framesDecoded > 30 && m.audioPacketsReceived > 50;
      const [atKiosk, atAdvisor] = await Promise.all([
        pollUntil(() => inboundMedia(kiosk.page), enough),
        pollUntil(() => inboundMedia(advisor.page), enough),
      ]);
      expect(atKiosk.framesDecoded).toBeGreaterThan(30);
      expect(atKiosk.audioPacketsReceived).toBeGreaterThan(50);
      expect(atAdvisor.framesDecoded).toBeGreaterThan(30);
      expect(atAdvisor.audioPacketsReceived).toBeGreaterThan(50);
      const callId = await pollUntil(
        () =>
          kiosk.page.evaluate(
            () =>
              (window as unknown as { __visio: { callSession: { callId: string } | null } }).__visio
                .callSession?.callId ?? '',
          ),
        (id) => id !== '',
      );

      // ---- real-time text, kiosk → advisor: every key is seen live, then the message.
      // Capitals through shift (one-shot, then caps lock by a second tap) and French accents.
      const shift = kiosk.byId('kiosk-key-shift');
      await kiosk.type('Bonjour é');
      expect(await shift.getAttribute('aria-pressed')).toBe('false');
      expect(await kiosk.byId('kiosk-key-a').textContent()).toBe('a');
      await kiosk.byId('kiosk-key-space').click();
      await shift.click();
      await shift.click();
      expect(await shift.getAttribute('aria-pressed')).toBe('true');
      expect(await kiosk.byId('kiosk-key-ç').textContent()).toBe('Ç');
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-keyboard-caps-lock.png') });
      await kiosk.type('ça');
      await shift.click();
      expect(await shift.getAttribute('aria-pressed')).toBe('false');
      expect(await kiosk.byId('kiosk-key-a').textContent()).toBe('a');
      const sent = 'Bonjour é ÇA';
      const live = await pollUntil(
        async () => typing.filter((e) => e.from === 'kiosk').at(-1)?.text ?? '',
        (text) => text === sent,
        5_000,
      );
      expect(live).toBe(sent);
      await kiosk.sendChat();
      await pollUntil(
        async () => messages.length,
        (n) => n >= 1,
        5_000,
      );
      expect(messages[0]).toMatchObject({ callId, from: 'kiosk', text: sent });
      await expect.poll(() => kiosk.byId('chat-log').textContent()).toContain(sent);
      // and the advisor reads it, capitals and accents intact, in their own app
      await expect.poll(() => advisor.page.getByTestId('chat-log').textContent()).toContain(sent);

      // advisor → kiosk: the draft shows live, then the message lands in the log
      await desk.request(inCallRequests.chatDraft, { callId, text: 'Votre dossier, un inst' });
      await expect
        .poll(() => kiosk.byId('chat-peer-draft').getAttribute('data-text'))
        .toBe('Votre dossier, un inst');
      await desk.request(inCallRequests.chatSend, { callId, text: 'Votre dossier est prêt.' });
      await expect
        .poll(() => kiosk.byId('chat-log').textContent())
        .toContain('Votre dossier est prêt.');
      expect(await kiosk.byId('chat-peer-draft').getAttribute('data-text')).toBe('');

      // ---- the advisor asks for a scan; the kiosk captures and sends it as JPEG
      await desk.request(inCallRequests.requestScan, { callId });
      await kiosk.byId('scan-prompt').waitFor();
      await kiosk.byId('scan-capture').click();
      await kiosk.byId('scan-preview').waitFor();
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-scan-preview.png') });
      await kiosk.byId('scan-send').click();
      await kiosk.byId('scan-dialog').waitFor({ state: 'detached' });
      await pollUntil(
        async () => added.length,
        (n) => n >= 1,
        5_000,
      );
      const scan = added[0]!;
      expect(scan).toMatchObject({ callId, from: 'kiosk', type: 'image/jpeg' });
      const scanBytes = await fetch(`${t.url}/api/calls/${callId}/documents/${scan.id}`, {
        headers: { cookie },
      });
      expect(scanBytes.status).toBe(200);
      const jpeg = Buffer.from(await scanBytes.arrayBuffer());
      expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect(jpeg.length).toBeGreaterThan(1_000);

      // ---- files from the scanner that are not documents are refused with a clear message
      await kiosk.byId('scanner-file-input').setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('hello'),
      });
      await expect
        .poll(() => kiosk.byId('document-error').getAttribute('data-reason'))
        .toBe('unsupported_type');
      // Dressed up as a PDF: the server sniffs the bytes and refuses too.
      await kiosk.byId('scanner-file-input').setInputFiles({
        name: 'fake.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('this is not a pdf at all'),
      });
      await kiosk.byId('document-error').waitFor();
      await expect
        .poll(() => kiosk.byId('document-error').getAttribute('data-reason'))
        .toBe('unsupported_type');
      expect(await kiosk.byId('document-error').textContent()).toMatch(/PDF, JPEG/);
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-document-refused.png') });
      expect(added).toHaveLength(1);

      // ---- the advisor sends a PDF: listed at the kiosk, viewable, printable
      const upload = await fetch(`${t.url}/api/calls/${callId}/documents`, {
        method: 'POST',
        headers: {
          cookie,
          'content-type': 'application/octet-stream',
          'x-document-name': encodeURIComponent('Formulaire à signer.pdf'),
        },
        body: PDF,
      });
      expect(upload.status).toBe(200);
      const { document: pdf } = (await upload.json()) as { document: { id: string } };
      await kiosk.byId(`document-${pdf.id}`).click();
      await kiosk.byId('document-viewer').waitFor();
      await kiosk.byId('document-frame').waitFor();
      expect(await kiosk.byId('document-frame').getAttribute('src')).toMatch(/^blob:/);
      expect(await kiosk.byId('print-document').isEnabled()).toBe(true);
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-document-viewer.png') });
      await kiosk.byId('document-close').click();
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-call-panels.png') });

      // ---- end: confirmation, survey, then the wipe
      await kiosk.byId('hangup').click();
      await kiosk.byId('confirm-no').click();
      expect(await kiosk.screen('call').isVisible()).toBe(true);
      await kiosk.hangUp();
      await kiosk.screen('survey').waitFor();
      await kiosk.byId('survey-bad-quality').click();
      await kiosk.byId('survey-4').click();
      await kiosk.screen('welcome').waitFor();

      const left = await kiosk.page.evaluate(() => ({
        html: document.documentElement.outerHTML,
        session: sessionStorage.length,
        local: Object.keys(localStorage),
        live: [...document.querySelectorAll('video')].filter(
          (v) => v.srcObject instanceof MediaStream,
        ).length,
        lang: document.documentElement.lang,
      }));
      expect(left.html).not.toContain('blob:');
      expect(left.html).not.toContain('Bonjour');
      expect(left.html).not.toContain('dossier');
      expect(left.html).not.toContain('Formulaire');
      expect(left.session).toBe(0);
      expect(left.local).toEqual([DEVICE_TOKEN_KEY]);
      expect(left.live).toBe(0);
      expect(left.lang).toBe('fr');
      const gone = await fetch(`${t.url}/api/calls/${callId}/documents/${scan.id}`, {
        headers: { authorization: `Bearer ${t.kiosk.token}` },
      });
      expect(gone.status).toBe(404);
      const survey = await pollUntil(
        async () =>
          (await t.server.store.db
            .selectFrom('call_records')
            .select(['survey_rating', 'survey_bad_quality'])
            .where('id', '=', callId)
            .executeTakeFirst()) ?? null,
        (row) => row?.survey_rating === 4,
        5_000,
      );
      expect(survey).toEqual({ survey_rating: 4, survey_bad_quality: 1 });
    } finally {
      desk.socket.close();
      await kioskMachine.context.close();
      await advisorMachine.context.close();
    }
  });

  it('returns to welcome after a warned period without a touch, unless someone is still there', async () => {
    const machine = await newMachine(browser, { viewport: { width: 1920, height: 1080 } });
    try {
      const kiosk = new KioskPage(machine.page);
      const clock = kiosk.page.clock;
      // The kiosk's timers run on a clock the test moves: no real waiting. The socket's own
      // timers run on it too, so each move stays well below socket.io's ping deadline (20 s).
      await clock.install();
      await kiosk.open(t.url, t.kiosk2.token, { idleSeconds: 2, idleWarningSeconds: 5 });
      await kiosk.screen('welcome').waitFor();
      await clock.pauseAt((await kiosk.page.evaluate(() => Date.now())) + 1_000);
      await kiosk.byId('language-switch').click();
      await kiosk.byId('appointment-button').click();
      await kiosk.screen('code').waitFor();
      await kiosk.byId('keypad-1').click();
      await clock.runFor(1_999);
      expect(await kiosk.byId('inactivity-countdown').count()).toBe(0);
      await clock.runFor(1);
      await kiosk.byId('inactivity-countdown').waitFor();
      expect(await kiosk.byId('inactivity-countdown').textContent()).toMatch(
        /Returning to the welcome screen in 5 s/,
      );
      await clock.runFor(1_000);
      await expect
        .poll(() => kiosk.byId('inactivity-countdown').textContent())
        .toMatch(/Returning to the welcome screen in 4 s/);
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'kiosk-inactivity.png') });
      await kiosk.byId('still-here').click();
      await kiosk.byId('inactivity-countdown').waitFor({ state: 'detached' });
      expect(await kiosk.screen('code').isVisible()).toBe(true);
      expect(await kiosk.byId('code-digits').getAttribute('data-value')).toBe('1');
      // Nobody answers this time: the countdown runs out, everything is reset.
      await clock.runFor(2_000);
      await kiosk.byId('inactivity-countdown').waitFor();
      await clock.runFor(4_000);
      expect(await kiosk.screen('code').isVisible()).toBe(true);
      await clock.runFor(1_000);
      await kiosk.screen('welcome').waitFor();
      expect(await kiosk.page.evaluate(() => document.documentElement.lang)).toBe('fr');
    } finally {
      await machine.context.close();
    }
  });
});
