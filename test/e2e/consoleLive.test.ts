import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { bookAppointment } from './support/booking';
import { newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';

const ARTIFACTS = path.resolve('test/artifacts/e2e');

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({
    env: { QUALITY_SAMPLE_INTERVAL_MS: '1000', HEALTH_INTERVAL_MS: '1000' },
    screenshots: ARTIFACTS,
  });
  ({ browser, t } = stage);
  return stage.close;
});

/** Check-in at the kiosk, past the device check when the kiosk shows one. */
async function checkInAndWait(kiosk: KioskPage, code: string): Promise<void> {
  await kiosk.checkIn(code);
  const next = kiosk.page.locator(
    '[data-testid=kiosk-screen-device-check], [data-testid=kiosk-screen-waiting]',
  );
  await next.first().waitFor();
  if (await kiosk.page.getByTestId('kiosk-screen-device-check').isVisible()) {
    await kiosk.page.getByTestId('device-check-continue').click();
  }
  await kiosk.screen('waiting').waitFor();
}

async function bitrate(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).getAttribute('data-bitrate');
  return value ? Number(value) : 0;
}

describe('the technician console during a live call', () => {
  it('shows the call, its live figures, the fleet and the server, and ends the call with a reason', async () => {
    const { appointmentId, code } = await bookAppointment(t, {
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      serviceId: t.serviceA,
    });
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    const techMachine = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      const tech = new AdvisorPage(techMachine.page);
      await kiosk.open(t.url, t.kiosk.token);
      await kiosk.screen('welcome').waitFor();
      await advisor.open(t.url, t.advisor.token);
      await advisor.agenda().waitFor();
      await tech.open(t.url, t.technician.token);
      await tech.goTo('console');
      await tech.console().waitFor();

      // The fleet: the kiosk whose page is open is online.
      await tech.page
        .locator(`[data-testid=fleet-row-${t.kiosk.id}][data-online=true]`)
        .waitFor({ timeout: 20_000 });

      await checkInAndWait(kiosk, code);
      await advisor.admit(appointmentId);
      await advisor.callView().waitFor();
      await kiosk.screen('call').waitFor();
      const callId = await advisor.callView().getAttribute('data-call-id');
      expect(callId).toBeTruthy();

      // The live call appears, and its figures move from one sample to the next.
      await tech.liveCall(callId!).waitFor({ timeout: 15_000 });
      const flow = `quality-${callId}-kiosk_to_advisor-video`;
      const first = await pollUntil(
        () => bitrate(tech.page, flow),
        (b) => b > 0,
        20_000,
      );
      const second = await pollUntil(
        () => bitrate(tech.page, flow),
        (b) => b > 0 && b !== first,
        20_000,
      );
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(0);
      expect(second).not.toBe(first);
      const back = await bitrate(tech.page, `quality-${callId}-advisor_to_kiosk-video`);
      expect(back).toBeGreaterThan(0);

      // Server health: at least one media worker with the call's router.
      await tech.page.getByTestId('health-worker-0').waitFor();
      expect(
        Number(await tech.page.getByTestId('health-worker-0').getAttribute('data-pid')),
      ).toBeGreaterThan(0);

      // The technician never receives media.
      expect(await tech.page.locator('video').count()).toBe(0);
      await tech.page.screenshot({
        path: path.join(ARTIFACTS, 'console-live-call.png'),
        fullPage: true,
      });

      // Ending the call needs a reason; both sides then leave the call.
      await tech.page.getByTestId(`action-end-${callId}`).click();
      await tech.page.getByTestId('action-confirm').click();
      expect(await tech.page.getByTestId('action-dialog').isVisible()).toBe(true);
      await tech.page.getByTestId('action-reason').fill('Test of the end action');
      await tech.page.getByTestId('action-confirm').click();
      await advisor.callView().waitFor({ state: 'detached' });
      await kiosk.screen('call').waitFor({ state: 'detached' });
      await tech.liveCall(callId!).waitFor({ state: 'detached' });
      await advisor.page.getByTestId('call-ended-notice').waitFor();
    } finally {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
      await techMachine.context.close();
    }
  });
});
