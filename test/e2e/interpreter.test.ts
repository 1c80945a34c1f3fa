import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, workerObjectCounts, type TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { launchChromium, mediaFlowsFrom, newMachine, pollUntil } from './support/browser';

// A three-way call through the real UI (issue 14): the advisor invites an interpreter, the
// interpreter joins from the invitation link in the staff app, and each of the three browsers
// decodes the two others' video; real-time text reaches all three; the interpreter leaves and the
// kiosk and the advisor go on decoding each other.

const DOC_SCREENSHOT = path.resolve('docs/screenshots/kiosk-three-way-call.png');

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestServer();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Frames each of these <video> elements has presented so far (null: no such element). */
function framesShown(page: Page, testIds: readonly string[]): Promise<(number | null)[]> {
  return page.evaluate(
    (ids) =>
      ids.map((id) => {
        const video = document.querySelector<HTMLVideoElement>(`video[data-testid="${id}"]`);
        return video && video.videoWidth > 0
          ? video.getVideoPlaybackQuality().totalVideoFrames
          : null;
      }),
    testIds,
  );
}

/**
 * Waits until each of these videos shows at least `frames` more decoded frames than when asked:
 * the page decodes each of those parties now. Returns the frames gained by each.
 */
async function decodes(page: Page, testIds: readonly string[], frames = 20): Promise<number[]> {
  const before = await pollUntil(
    () => framesShown(page, testIds),
    (shown) => shown.every((n) => n !== null),
  );
  const gained = await pollUntil(
    async () => (await framesShown(page, testIds)).map((n, i) => (n ?? 0) - (before[i] ?? 0)),
    (g) => g.every((n) => n >= frames),
  );
  return gained;
}

/** The advisor invites an interpreter from the call view: the code and the link it shows. */
async function inviteThroughUi(advisor: AdvisorPage, kind: 'lsf' | 'lpc' = 'lsf') {
  await advisor.page.getByTestId(`invite-kind-${kind}`).check();
  await advisor.page.getByTestId('invite-interpreter').click();
  const code = (await advisor.page.getByTestId('interpreter-code').textContent()) ?? '';
  const link = (await advisor.page.getByTestId('interpreter-link').textContent()) ?? '';
  return { code, link };
}

async function chatLog(page: Page): Promise<string> {
  return (await page.getByTestId('chat-log').textContent()) ?? '';
}

describe('a call with an interpreter', () => {
  it('carries each party’s video to the two others, text to all three, and goes on when the interpreter leaves', async () => {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1920, height: 1080 } });
    const advisorMachine = await newMachine(browser, { viewport: { width: 1440, height: 900 } });
    const interpreterMachine = await newMachine(browser, {
      viewport: { width: 1440, height: 900 },
    });
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      const interpreter = new AdvisorPage(interpreterMachine.page);
      const { callId } = await admitThroughUi(t, kiosk, advisor);

      // The advisor invites a French Sign Language interpreter and gets a code and its link.
      const { code, link } = await inviteThroughUi(advisor);
      expect(code).toMatch(/^[A-Z2-9]{8}$/);
      expect(link).toBe(`${t.url}/advisor/?interpret=${code}`);

      // The interpreter opens the link (signed in with their interpreter account): the code is
      // filled in, they join, and see the call.
      await interpreter.page.goto(`${link}&token=${encodeURIComponent(t.interpreter.token)}`);
      await expect
        .poll(() => interpreter.page.getByTestId('interpret-code').inputValue())
        .toBe(code);
      await interpreter.page.getByTestId('interpret-join').click();
      await interpreter.page.getByTestId('interpreter-call').waitFor();
      await kiosk.page.getByTestId('interpreter-video').waitFor();
      await advisor.page.getByTestId('interpreter-present').waitFor();

      // Each page decodes the two others: real frames on each party's own tile.
      const [atKiosk, atAdvisor, atInterpreter] = await Promise.all([
        decodes(kiosk.page, ['remote-video', 'interpreter-video']),
        decodes(advisor.page, ['remote-video', 'interpreter-video']),
        decodes(interpreter.page, ['remote-video', 'advisor-video']),
      ]);
      for (const gained of [atKiosk, atAdvisor, atInterpreter])
        for (const frames of gained) expect(frames).toBeGreaterThanOrEqual(20);
      // One router: three peers, each sending two tracks to two others.
      expect(await workerObjectCounts(t.server)).toMatchObject({
        routers: 1,
        producers: 6,
        consumers: 12,
      });
      fs.mkdirSync(path.dirname(DOC_SCREENSHOT), { recursive: true });
      await kiosk.page.screenshot({ path: DOC_SCREENSHOT });

      // Real-time text: the interpreter's message reaches the kiosk and the advisor; the kiosk's
      // reaches the interpreter.
      await interpreter.typeChat('Je traduis');
      await expect.poll(() => chatLog(kiosk.page)).toContain('Je traduis');
      await expect.poll(() => chatLog(advisor.page)).toContain('Je traduis');
      await kiosk.type('Merci');
      await kiosk.sendChat();
      await expect.poll(() => chatLog(interpreter.page)).toContain('Merci');
      await expect.poll(() => chatLog(advisor.page)).toContain('Merci');

      // The console shows the third party as a role, never a name.
      const live = await t.server.monitoring!.liveCalls();
      expect(live.find((c) => c.callId === callId)?.interpreter).toEqual({
        kind: 'lsf',
        language: null,
      });

      // The interpreter leaves: their tile goes, the call goes on and media still flows both ways.
      await interpreter.page.getByTestId('leave-call').click();
      await interpreter.page.getByTestId('interpreter-call').waitFor({ state: 'detached' });
      await kiosk.page.getByTestId('interpreter-video').waitFor({ state: 'detached' });
      await advisor.page.getByTestId('interpreter-video').waitFor({ state: 'detached' });
      await kiosk.screen('call').waitFor();
      const [kioskGoesOn, advisorGoesOn] = await Promise.all([
        mediaFlowsFrom(kiosk.page),
        mediaFlowsFrom(advisor.page),
      ]);
      expect(kioskGoesOn.frames).toBeGreaterThanOrEqual(30);
      expect(advisorGoesOn.frames).toBeGreaterThanOrEqual(30);
      await decodes(kiosk.page, ['remote-video']);
      await decodes(advisor.page, ['remote-video']);
      expect(await workerObjectCounts(t.server)).toMatchObject({
        routers: 1,
        producers: 4,
        consumers: 4,
      });

      await advisor.hangUp();
      await advisor.callView().waitFor({ state: 'detached' });
      const record = await t.server.store.db
        .selectFrom('call_records')
        .select('interpreter')
        .where('id', '=', callId)
        .executeTakeFirst();
      expect(record?.interpreter).toBe('lsf');
    } finally {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
      await interpreterMachine.context.close();
    }
  });

  it('lets an interpreter without an account in from the invitation link, for that call only', async () => {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1920, height: 1080 } });
    const advisorMachine = await newMachine(browser);
    const guestMachine = await newMachine(browser);
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      const guest = guestMachine.page;
      await admitThroughUi(t, kiosk, advisor);
      const { code, link } = await inviteThroughUi(advisor, 'lpc');
      // No session: the sign-in page offers to go on as a guest interpreter.
      await guest.goto(link);
      await guest.getByTestId('guest-join').click();
      await expect.poll(() => guest.getByTestId('interpret-code').inputValue()).toBe(code);
      await guest.getByTestId('interpret-join').click();
      await guest.getByTestId('interpreter-call').waitFor();
      // Nothing but the call: no agenda, no other page.
      expect(await guest.getByTestId('nav-agenda').count()).toBe(0);
      const [atGuest, atKiosk] = await Promise.all([
        decodes(guest, ['remote-video', 'advisor-video']),
        decodes(kiosk.page, ['remote-video', 'interpreter-video']),
      ]);
      for (const frames of [...atGuest, ...atKiosk]) expect(frames).toBeGreaterThanOrEqual(20);
      await advisor.hangUp();
      await guest.getByTestId('interpreter-call').waitFor({ state: 'detached' });
    } finally {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
      await guestMachine.context.close();
    }
  });
});
