import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { launchChromium, mediaFlowsFrom, newMachine, pollUntil } from './support/browser';

// "Devices fail too": the kiosk's camera goes mid-call (unplugged, driver reset). The kiosk opens
// it again by itself and the advisor sees the citizen again; the technician console is told at once.

const ARTIFACTS = path.resolve('test/artifacts/e2e');

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
  await browser?.close();
});

/**
 * The camera is unplugged: for the next `refusals` tries the browser finds no camera (as
 * getUserMedia answers for a device that is gone), and every live camera track of the page ends
 * as Chromium ends them when their device goes: stopped, and `ended` fired on each (a track the
 * page stops itself does not fire it, so the test fires it as the browser would).
 */
async function unplugCamera(page: Page, refusals: number): Promise<string[]> {
  return page.evaluate((count) => {
    const devices = navigator.mediaDevices;
    const open = devices.getUserMedia.bind(devices);
    let left = count;
    devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      if (constraints?.video && left > 0) {
        left -= 1;
        throw new DOMException('Requested device not found', 'NotFoundError');
      }
      return open(constraints);
    };
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const sent = pcs.flatMap((pc) => pc.getSenders().map((sender) => sender.track));
    const shown = [...document.querySelectorAll('video')].flatMap((video) =>
      video.srcObject instanceof MediaStream ? video.srcObject.getTracks() : [],
    );
    const cameras = [...new Set([...sent, ...shown])].filter(
      (track): track is MediaStreamTrack =>
        track !== null && track.kind === 'video' && track.readyState === 'live',
    );
    for (const track of cameras) track.stop();
    for (const track of cameras) track.dispatchEvent(new Event('ended'));
    return cameras.map((track) => track.id);
  }, refusals);
}

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

      // Unplugged, and still missing at the next two tries (about 0.5 s): then plugged back.
      const ended = await unplugCamera(kiosk.page, 2);
      expect(ended).toContain(before[0]);
      // The citizen is told, and the technician sees the camera missing at once.
      await kiosk.byId('device-lost').waitFor();
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
