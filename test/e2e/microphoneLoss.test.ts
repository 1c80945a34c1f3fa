import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { mediaFlowsFrom, newMachine } from './support/browser';
import { openE2eStage } from './support/e2eStage';
import { unplug } from './support/unplugDevice';

// The kiosk's microphone goes mid-call and never comes back: the call goes on (video, and text
// for the citizen), the advisor is told why they hear nothing, and the technician console shows it.

const ARTIFACTS = path.resolve('test/artifacts/e2e');

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: ARTIFACTS });
  ({ browser, t } = stage);
  return stage.close;
});

describe('the kiosk microphone lost for good', () => {
  it('the call goes on: the citizen is told to write, the advisor that the microphone is unavailable, the console shows it missing', async () => {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    const techMachine = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      const tech = new AdvisorPage(techMachine.page);
      await tech.open(t.url, t.technician.token);
      await tech.goTo('console');
      await admitThroughUi(t, kiosk, advisor);
      await mediaFlowsFrom(advisor.page);
      const callId = await advisor.page.getByTestId('advisor-call').getAttribute('data-call-id');

      // Unplugged, and never found again by any of the kiosk's tries (about 7.5 s of them).
      const ended = await unplug(kiosk.page, 'audio', 100);
      expect(ended.length).toBeGreaterThan(0);
      // While the kiosk tries: unavailable, being reconnected.
      await advisor.page
        .locator('[data-testid=remote-mic-state][data-reason=device_lost]')
        .waitFor({ timeout: 5_000 });
      // Given up: the citizen writes, the advisor knows why they hear nothing.
      await kiosk.page
        .locator('[data-testid=device-lost][data-microphone=lost]')
        .waitFor({ timeout: 15_000 });
      const micState = advisor.page.locator(
        '[data-testid=remote-mic-state][data-reason=device_missing]',
      );
      await micState.waitFor({ timeout: 5_000 });
      expect(await micState.textContent()).toMatch(/indisponible : il peut vous écrire/);
      await tech.page
        .locator(
          `[data-testid=call-media-${callId}][data-devices="kiosk.microphone.missing"][data-state=flowing]`,
        )
        .waitFor({ timeout: 5_000 });

      // The call goes on: the advisor still decodes the citizen's picture.
      const still = await mediaFlowsFrom(advisor.page, { frames: 30, audioPackets: 0 });
      expect(still.frames).toBeGreaterThanOrEqual(30);
      expect(await kiosk.screen('call').isVisible()).toBe(true);
      await advisor.hangUp();
      await kiosk.screen('survey').waitFor();
    } finally {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
      await techMachine.context.close();
    }
  });
});
