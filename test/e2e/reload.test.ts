import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerObjectCounts, type TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { mediaFlowsFrom, newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';

// "Parties come back by themselves": a page reloaded mid-call (a stray touch, a watchdog, the
// advisor's F5) lands back in the same call, media flowing again both ways, with what the call
// held: its text, its documents, the advisor's private notes.

const ARTIFACTS = path.resolve('test/artifacts/e2e');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const FROM_ADVISOR = 'Bonjour, voici le formulaire.';
const FROM_KIOSK = 'merci';
const NOTES = 'Dossier 42 : pièce manquante';

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: ARTIFACTS });
  ({ browser, t } = stage);
  return stage.close;
});

/** The call id the kiosk's call engine runs, read from the page's diagnostic handle. */
function kioskCallId(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (window as unknown as { __visio: { callSession: { callId: string } | null } }).__visio
        .callSession?.callId ?? '',
  );
}

async function appointmentStatus(appointmentId: string): Promise<string | undefined> {
  const row = await t.server.store.db
    .selectFrom('appointments')
    .select('status')
    .where('id', '=', appointmentId)
    .executeTakeFirst();
  return row?.status;
}

/**
 * A call in progress through the real UI, with text both ways, a document from the advisor and
 * the advisor's notes; `run` gets both pages; the machines close afterwards.
 */
async function inACall(
  run: (call: {
    kiosk: KioskPage;
    advisor: AdvisorPage;
    callId: string;
    appointmentId: string;
  }) => Promise<void>,
): Promise<void> {
  const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
  const advisorMachine = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
  const file = path.join(os.tmpdir(), `reload-${Date.now()}.png`);
  fs.writeFileSync(file, PNG);
  try {
    const kiosk = new KioskPage(kioskMachine.page);
    const advisor = new AdvisorPage(advisorMachine.page);
    const { appointmentId, callId } = await admitThroughUi(t, kiosk, advisor);
    expect(
      await pollUntil(
        () => kioskCallId(kiosk.page),
        (id) => id !== '',
      ),
    ).toBe(callId);
    await Promise.all([mediaFlowsFrom(kiosk.page), mediaFlowsFrom(advisor.page)]);

    await advisor.typeChat(FROM_ADVISOR);
    await kiosk.byId('chat-log').getByText(FROM_ADVISOR).waitFor();
    await kiosk.type(FROM_KIOSK);
    await kiosk.sendChat();
    await advisor.page.getByTestId('chat-log').getByText(FROM_KIOSK).waitFor();
    await advisor.uploadDocument(file);
    await kiosk.byId('documents-list').locator('[data-testid^=document-]').first().waitFor();
    await advisor.page.getByTestId('notes').fill(NOTES);

    await run({ kiosk, advisor, callId, appointmentId });
  } finally {
    fs.rmSync(file, { force: true });
    await kioskMachine.context.close();
    await advisorMachine.context.close();
  }
}

/** Reloads a page as a watchdog or a person would; the kiosk asks first, and is told yes. */
async function reload(page: Page): Promise<void> {
  page.once('dialog', (dialog) => void dialog.accept());
  await page.reload({ waitUntil: 'commit' });
}

/** Media flows again both ways now, measured from this moment on. */
async function expectMediaBothWays(kiosk: KioskPage, advisor: AdvisorPage): Promise<void> {
  const [atKiosk, atAdvisor] = await Promise.all([
    mediaFlowsFrom(kiosk.page),
    mediaFlowsFrom(advisor.page),
  ]);
  expect(atKiosk.frames).toBeGreaterThanOrEqual(30);
  expect(atKiosk.audioPackets).toBeGreaterThanOrEqual(50);
  expect(atAdvisor.frames).toBeGreaterThanOrEqual(30);
  expect(atAdvisor.audioPackets).toBeGreaterThanOrEqual(50);
}

describe('a page reloaded mid-call', () => {
  it('brings the kiosk back into the same call, media both ways, text and documents there', async () => {
    await inACall(async ({ kiosk, advisor, callId, appointmentId }) => {
      await reload(kiosk.page);
      // Straight back into the call: no survey, no welcome screen in between for the citizen.
      await kiosk.screen('call').waitFor();
      expect(
        await pollUntil(
          () => kioskCallId(kiosk.page),
          (id) => id !== '',
        ),
      ).toBe(callId);
      await expectMediaBothWays(kiosk, advisor);
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'reload-kiosk-back.png') });

      const log = kiosk.byId('chat-log');
      await log.getByText(FROM_ADVISOR).waitFor();
      await log.getByText(FROM_KIOSK).waitFor();
      await kiosk.byId('documents-list').locator('[data-testid^=document-]').first().waitFor();
      // The advisor never left the call, and the server holds one room for it.
      expect(await advisor.callView().getAttribute('data-call-id')).toBe(callId);
      expect(await advisor.page.getByTestId('notes').inputValue()).toBe(NOTES);
      expect(await appointmentStatus(appointmentId)).toBe('in_call');
      expect((await workerObjectCounts(t.server)).routers).toBe(1);

      await advisor.hangUp();
      await kiosk.screen('survey').waitFor();
    });
  });

  it('brings the advisor back into the same call, media both ways, text, documents and notes kept', async () => {
    await inACall(async ({ kiosk, advisor, callId, appointmentId }) => {
      await reload(advisor.page);
      await advisor.callView().waitFor();
      expect(await advisor.callView().getAttribute('data-call-id')).toBe(callId);
      await expectMediaBothWays(kiosk, advisor);
      await advisor.page.screenshot({ path: path.join(ARTIFACTS, 'reload-advisor-back.png') });

      const log = advisor.page.getByTestId('chat-log');
      await log.getByText(FROM_ADVISOR).waitFor();
      await log.getByText(FROM_KIOSK).waitFor();
      await advisor.page
        .getByTestId('documents-list')
        .locator('[data-testid^=document-]')
        .first()
        .waitFor();
      expect(await advisor.page.getByTestId('notes').inputValue()).toBe(NOTES);
      // The citizen stayed in the call all along.
      await kiosk.screen('call').waitFor();
      expect(await kioskCallId(kiosk.page)).toBe(callId);
      expect(await appointmentStatus(appointmentId)).toBe('in_call');

      // The notes are the call's: gone from the tab once it ends.
      await advisor.hangUp();
      await advisor.callView().waitFor({ state: 'detached' });
      const kept = await advisor.page.evaluate(() => Object.keys(window.sessionStorage));
      expect(kept.filter((key) => key.startsWith('visio.call.'))).toEqual([]);
      await kiosk.screen('survey').waitFor();
    });
  });
});
