import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { expectNoBlockingViolations } from './support/axe';
import { newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';

// Warm transfer through the real UI (issue #14 item 2): advisor A hands the call to advisor B
// (another service) with a private note; B accepts; the kiosk stays in the same call.

const ARTIFACTS = path.resolve('test/artifacts/e2e');
const NOTE = 'Dossier retraite : merci de reprendre (note privée)';

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: ARTIFACTS });
  ({ browser, t } = stage);
  return stage.close;
});

/** Every kiosk screen the page shows, in order (window.__screens), from its first render on. */
async function recordScreens(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const screens: string[] = [];
    (window as unknown as { __screens: string[] }).__screens = screens;
    const note = () => {
      const shown = document.querySelector('[data-testid^="kiosk-screen-"]');
      const name = shown?.getAttribute('data-testid') ?? '';
      if (name && screens.at(-1) !== name) screens.push(name);
    };
    new MutationObserver(note).observe(document, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-testid'],
    });
  });
}

function screensSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __screens: string[] }).__screens);
}

/**
 * The frames decoded and audio packets received on the tracks the page plays as the far side
 * now (its remote <video>'s stream), not on tracks it played before.
 */
function shownMedia(page: Page): Promise<{ framesDecoded: number; audioPackets: number }> {
  return page.evaluate(async () => {
    const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
    const stream = video?.srcObject instanceof MediaStream ? video.srcObject : null;
    const ids = new Set(stream?.getTracks().map((track) => track.id) ?? []);
    const result = { framesDecoded: 0, audioPackets: 0 };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const transceiver of pc.getTransceivers()) {
        const track = transceiver.receiver.track;
        if (!ids.has(track.id)) continue;
        const stats = await transceiver.receiver.getStats();
        stats.forEach((s: Record<string, unknown>) => {
          if (s.type !== 'inbound-rtp') return;
          if (s.kind === 'video') result.framesDecoded += Number(s.framesDecoded ?? 0);
          if (s.kind === 'audio') result.audioPackets += Number(s.packetsReceived ?? 0);
        });
      }
    }
    return result;
  });
}

describe('warm transfer between two advisors', () => {
  it('A offers the call with a note, B sees it and accepts: kiosk and B see and hear each other, A has left, the kiosk was never wiped', async () => {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const aMachine = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
    const bMachine = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const a = new AdvisorPage(aMachine.page);
      const b = new AdvisorPage(bMachine.page);
      await recordScreens(kiosk.page);
      await b.open(t.url, t.advisor3.token);
      await b.agenda().waitFor();
      const { callId } = await admitThroughUi(t, kiosk, a);
      const flowing = (m: { framesDecoded: number; audioPackets: number }) =>
        m.framesDecoded > 30 && m.audioPackets > 50;
      await pollUntil(() => shownMedia(kiosk.page), flowing);
      // Text before the transfer: the same call keeps it.
      await a.typeChat('Je vous passe un collègue.');
      await kiosk.page.getByTestId('chat-log').getByText('Je vous passe un collègue.').waitFor();

      // A offers the call to B (service B) with a private note.
      await a.page.getByTestId('transfer-open').click();
      const choice = a.page.getByTestId(`transfer-choice-${t.advisor3.id}-${t.serviceB}`);
      await choice.check();
      await a.page.getByTestId('transfer-note').fill(NOTE);
      await a.page.getByTestId('transfer-send').click();
      await a.page.getByTestId('transfer-pending').waitFor();

      // B sees the note; the kiosk is told calmly, without the note.
      const offer = b.page.getByTestId('transfer-offer');
      await offer.waitFor();
      expect(await b.page.getByTestId('transfer-offer-note').textContent()).toBe(NOTE);
      const notice = kiosk.page.locator('[data-testid=handover-notice][data-state=offered]');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/Service B/);
      expect(await kiosk.page.content()).not.toContain('note privée');

      await b.page.getByTestId('transfer-accept').click();
      await b.callView().waitFor();
      expect(await b.callView().getAttribute('data-call-id')).toBe(callId);
      // A's page left the call and says to whom it went.
      await a.callView().waitFor({ state: 'detached' });
      await a.page.getByTestId('call-ended-notice').waitFor();
      await a.page.locator('[data-testid=transfer-outcome][data-outcome=accepted]').waitFor();
      await kiosk.page.locator('[data-testid=handover-notice][data-state=done]').waitFor();
      await kiosk.page.getByRole('heading', { name: /Advisor Three/ }).waitFor();

      // Media between the kiosk and B: frames decoded and audio received on both sides, on the
      // tracks each now plays (the kiosk's first ones were A's).
      const [atKiosk, atB] = await Promise.all([
        pollUntil(() => shownMedia(kiosk.page), flowing),
        pollUntil(() => shownMedia(b.page), flowing),
      ]);
      expect(atKiosk.framesDecoded).toBeGreaterThan(30);
      expect(atKiosk.audioPackets).toBeGreaterThan(50);
      expect(atB.framesDecoded).toBeGreaterThan(30);
      expect(atB.audioPackets).toBeGreaterThan(50);
      // B has the call's text so far, A's words marked as the previous advisor's on both sides.
      await b.page.getByTestId('chat-log').getByText('Je vous passe un collègue.').waitFor();
      expect(await b.page.locator('.chat__message--advisor .chat__who').textContent()).toMatch(
        /^Conseiller précédent/,
      );
      expect(
        await kiosk.page.locator('.chat-message--advisor .chat-message__from').textContent(),
      ).toBe('Votre conseiller précédent');
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'transfer-kiosk-after.png') });
      await expectNoBlockingViolations(kiosk.page, 'kiosk call screen, handed over');

      // The kiosk stayed on its call screen throughout: no survey, no wipe, no new check-in.
      const screens = await screensSeen(kiosk.page);
      expect(screens.slice(screens.indexOf('kiosk-screen-call'))).toEqual(['kiosk-screen-call']);

      await b.hangUp();
      await kiosk.page.getByTestId('kiosk-screen-survey').waitFor();
    } finally {
      await kioskMachine.context.close();
      await aMachine.context.close();
      await bMachine.context.close();
    }
  });
});
