import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { mediaFlowsFrom, newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';
import { unplugCamera } from './support/unplugDevice';

// "Devices fail too": the kiosk's camera goes mid-call (unplugged, driver reset). The kiosk opens
// it again by itself and the advisor sees the citizen again; the technician console is told at once.

const ARTIFACTS = path.resolve('test/artifacts/e2e');

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: ARTIFACTS });
  ({ browser, t } = stage);
  return stage.close;
});

/** The ids of the live video tracks the page sends. */
function sentVideoTracks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getSenders().map((sender) => sender.track))
      .filter((track) => track?.kind === 'video' && track.readyState === 'live')
      .map((track) => track!.id),
  );
}

describe('the kiosk camera lost mid-call', () => {
  it('comes back by itself: the advisor sees the citizen again, the console saw it go and return', async () => {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    const techMachine = await newMachine(browser, { viewport: { width: 1400, height: 1000 } });
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      const tech = new AdvisorPage(techMachine.page);
      await tech.open(t.url, t.technician.token);
      await tech.goTo('console');
      const row = (camera: string) =>
        tech.page.locator(`[data-testid=fleet-row-${t.kiosk.id}][data-camera=${camera}]`);
      await admitThroughUi(t, kiosk, advisor);
      await mediaFlowsFrom(advisor.page);
      await row('present').waitFor();
      const before = await sentVideoTracks(kiosk.page);
      expect(before).toHaveLength(1);

      const callId = await advisor.page.getByTestId('advisor-call').getAttribute('data-call-id');
      const callMedia = tech.page.getByTestId(`call-media-${callId}`);
      await tech.page.locator(`[data-testid=call-media-${callId}][data-state=flowing]`).waitFor();

      // Unplugged, and still missing at the next three tries (about 1.5 s): then plugged back.
      const ended = await unplugCamera(kiosk.page, 3);
      expect(ended).toContain(before[0]);
      // The citizen is told, and the technician sees the camera missing at once.
      await kiosk.byId('device-lost').waitFor();
      // The advisor is told the citizen's camera is unavailable, not that the citizen turned it off.
      const cameraState = advisor.page.locator(
        '[data-testid=remote-camera-state][data-reason=device_lost]',
      );
      await cameraState.waitFor({ timeout: 5_000 });
      expect(await cameraState.textContent()).toMatch(/indisponible \(reconnexion en cours…\)/);
      // The console's live call shows the kiosk camera being opened again; the call goes on.
      await tech.page
        .locator(`[data-testid=call-media-${callId}][data-devices="kiosk.camera.recovering"]`)
        .waitFor({ timeout: 5_000 });
      expect(await callMedia.textContent()).toMatch(/Borne : Caméra indisponible, réouverture/);
      await row('missing').waitFor({ timeout: 5_000 });
      await tech.page.getByTestId(`alert-camera_missing-${t.kiosk.id}`).waitFor();

      // Back: the kiosk sends a new camera track, the advisor decodes the citizen again.
      const after = await pollUntil(
        () => sentVideoTracks(kiosk.page),
        (ids) => ids.length === 1 && ids[0] !== before[0],
        10_000,
      );
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before[0]);
      const resumed = await mediaFlowsFrom(advisor.page, { frames: 30, audioPackets: 0 });
      expect(resumed.frames).toBeGreaterThanOrEqual(30);
      await kiosk.byId('device-lost').waitFor({ state: 'detached' });
      await cameraState.waitFor({ state: 'detached' });
      await tech.page
        .locator(`[data-testid=call-media-${callId}][data-devices=""][data-state=flowing]`)
        .waitFor({ timeout: 5_000 });
      await row('present').waitFor({ timeout: 5_000 });
      await tech.page
        .getByTestId(`alert-camera_missing-${t.kiosk.id}`)
        .waitFor({ state: 'detached' });
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'device-camera-back.png') });
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
