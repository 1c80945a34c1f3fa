import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import { staffMonitoringRequests, staffNightlyTestRequests } from '@visio/shared/protocol';
import { connectClient } from '../support/socketClient';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { blocking, describeViolations, runAxe } from './support/axe';
import { newMachine } from './support/browser';
import { openE2eStage } from './support/e2eStage';

// The nightly test call in real Chromium: a kiosk idle at its welcome screen is asked (by the
// technician's action), shows the maintenance screen, sends a generated pattern and tone over UDP
// and then TCP, gets them back looped through the SFU, and the result is stored with a time to
// first frame per path; the page never asks for the camera or microphone.

const SCREENS = path.resolve('test/artifacts/screens');

let browser: Browser;
let t: TestServer;
let technician: SignallingClient;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: SCREENS });
  ({ browser, t } = stage);
  technician = await connectClient(t.url, '/staff', t.technician.token);
  return async () => {
    technician.socket.disconnect();
    await stage.close();
  };
}, 120_000);

/** A kiosk page whose every getUserMedia call is counted (and still made). */
async function openCountingKiosk(token: string) {
  const machine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
  await machine.context.addInitScript(() => {
    const w = window as unknown as { __getUserMediaCalls: number };
    w.__getUserMediaCalls = 0;
    const media = navigator.mediaDevices;
    const native = media.getUserMedia.bind(media);
    media.getUserMedia = (constraints) => {
      w.__getUserMediaCalls += 1;
      return native(constraints);
    };
  });
  const kiosk = new KioskPage(machine.page);
  await kiosk.open(t.url, token);
  await kiosk.screen('welcome').waitFor();
  const getUserMediaCalls = () =>
    kiosk.page.evaluate(
      () => (window as unknown as { __getUserMediaCalls: number }).__getUserMediaCalls,
    );
  return { machine, kiosk, getUserMediaCalls };
}

/** The smallest font size of any text on the maintenance screen (a kiosk's text is ≥ 24 px). */
function smallestTextPx(kiosk: KioskPage): Promise<number> {
  return kiosk.byId('kiosk-screen-maintenance-test').evaluate((screen) => {
    let smallest = Infinity;
    for (const el of [screen, ...screen.querySelectorAll<HTMLElement>('*')]) {
      const own = [...el.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
      );
      if (own) smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
    }
    return smallest;
  });
}

describe('nightly test call (real Chromium, real SFU)', () => {
  test('an idle kiosk runs it over UDP and TCP with a generated pattern, never its camera', async () => {
    const { machine, kiosk, getUserMediaCalls } = await openCountingKiosk(t.kiosk.token);
    try {
      const kioskId = t.kiosk.id;
      const { delivered } = await technician.request(staffNightlyTestRequests.run, {
        kioskId,
        reason: 'check after the router was replaced',
      });
      expect(delivered).toBe(true);

      const screen = kiosk.byId('kiosk-screen-maintenance-test');
      await screen.waitFor();
      // The test picture comes back through the server before the screen is photographed.
      await kiosk.page.waitForFunction(() => {
        const video = document.querySelector<HTMLVideoElement>(
          '[data-testid="maintenance-preview"]',
        );
        return video !== null && video.videoWidth > 0;
      });
      await kiosk.page.screenshot({ path: path.join(SCREENS, 'kiosk-maintenance-test.png') });
      const bad = blocking(await runAxe(kiosk.page));
      expect(bad, describeViolations(bad)).toEqual([]);
      const stop = await kiosk.byId('maintenance-stop').boundingBox();
      expect(stop!.height).toBeGreaterThanOrEqual(60);
      expect(await smallestTextPx(kiosk)).toBeGreaterThanOrEqual(24);

      // Paths run one after the other; the screen goes when the result is stored.
      await screen.waitFor({ state: 'detached', timeout: 60_000 });
      await kiosk.screen('welcome').waitFor();
      const [result] = await t.server.monitoring.nightlyTestResults.history(kioskId, 1);
      expect(result).toBeDefined();
      expect(result!.trigger).toBe('technician');
      const byPath = new Map(result!.paths.map((p) => [p.path, p]));
      for (const p of ['udp', 'tcp'] as const) {
        const figures = byPath.get(p);
        expect(figures, p).toMatchObject({ reached: true });
        expect(figures!.timeToFirstFrameMs, p).toBeGreaterThan(0);
        expect(figures!.videoKbps, p).toBeGreaterThan(0);
        expect(figures!.audioKbps, p).toBeGreaterThan(0);
        expect(figures!.rttMs, p).not.toBeNull();
        expect(figures!.lossPct, p).not.toBeNull();
      }
      expect(await getUserMediaCalls()).toBe(0);

      // The console sees it against the site's baseline, and the action is audited.
      const { kiosks } = await technician.request(staffMonitoringRequests.fleetList, {});
      const status = kiosks.find((k) => k.kioskId === kioskId);
      expect(status?.nightlyTest?.result.id).toBe(result!.id);
      const audit = await t.server.store.db
        .selectFrom('audit_log')
        .select(['action', 'target_id'])
        .where('action', '=', 'kiosk.nightly_test')
        .execute();
      expect(audit).toContainEqual({ action: 'kiosk.nightly_test', target_id: kioskId });

      // The technician's console shows the result in the kiosk's row, and stays accessible.
      const console = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
      try {
        const tech = new AdvisorPage(console.page);
        await tech.open(t.url, t.technician.token);
        await tech.goTo('console');
        const cell = console.page.getByTestId(`fleet-nightly-${kioskId}`);
        await expect.poll(() => cell.textContent()).toMatch(/\d/);
        await cell.scrollIntoViewIfNeeded();
        await console.page.screenshot({ path: path.join(SCREENS, 'staff-console-nightly.png') });
        const found = blocking(await runAxe(console.page));
        expect(found, describeViolations(found)).toEqual([]);
      } finally {
        await console.context.close();
      }
    } finally {
      await machine.context.close();
    }
  }, 120_000);

  test('a kiosk in use declines: no maintenance screen, nothing stored', async () => {
    const { machine, kiosk, getUserMediaCalls } = await openCountingKiosk(t.kiosk2.token);
    try {
      await kiosk.byId('appointment-button').click();
      await kiosk.screen('code').waitFor();
      await technician.request(staffNightlyTestRequests.run, {
        kioskId: t.kiosk2.id,
        reason: 'check while a citizen types a code',
      });
      // The kiosk's decline frees the server's slot at once (else it would wait a minute).
      await expect
        .poll(() => t.server.monitoring.nightlyTests.inProgress, { timeout: 10_000 })
        .toBe(0);
      expect(await kiosk.byId('kiosk-screen-maintenance-test').count()).toBe(0);
      await kiosk.screen('code').waitFor();
      expect(await t.server.monitoring.nightlyTestResults.history(t.kiosk2.id, 1)).toEqual([]);
      expect(await getUserMediaCalls()).toBe(0);
    } finally {
      await machine.context.close();
    }
  }, 60_000);
});
