import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, workerObjectCounts, type TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { inboundMedia, launchChromium, newMachine, pollUntil } from './support/browser';

const ARTIFACTS = path.resolve('test/artifacts/e2e');

let browser: Browser;
beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Keeps every <video> element the page creates, in window.__videos (read by videosLeftBound). */
async function recordVideos(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const videos: HTMLVideoElement[] = [];
    (window as unknown as { __videos: HTMLVideoElement[] }).__videos = videos;
    const create = Document.prototype.createElement;
    Document.prototype.createElement = function (this: Document, ...args: [string]) {
      const element = create.apply(this, args);
      if (element instanceof HTMLVideoElement) videos.push(element);
      return element;
    } as typeof create;
  });
}

/**
 * The views (test ids of the root of each removed tree) of the videos that were removed from the
 * page but still hold a stream. Such a video stays alive until collected, with a camera frame
 * from the few the browser shares with every other user of the camera: enough of them and the
 * camera stops for everyone (bench/call-setup).
 */
async function videosLeftBound(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __videos: HTMLVideoElement[] }).__videos
      .filter((video) => !video.isConnected && video.srcObject !== null)
      .map((video) => {
        let root: Element = video;
        while (root.parentElement) root = root.parentElement;
        return root.getAttribute('data-testid') ?? root.nodeName;
      }),
  );
}

/**
 * A whole call through the real UI: the citizen checks in with their code at the kiosk, the
 * advisor admits them from the agenda, both browsers decode the other's video and receive its
 * audio, the advisor hangs up, and the server holds nothing of the call afterwards.
 */
async function callThroughTheUi(t: TestServer, label: string) {
  const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
  const advisorMachine = await newMachine(browser);
  try {
    const kiosk = new KioskPage(kioskMachine.page);
    const advisor = new AdvisorPage(advisorMachine.page);
    await recordVideos(kiosk.page);
    await recordVideos(advisor.page);
    const { appointmentId } = await admitThroughUi(t, kiosk, advisor);
    const enough = (m: { framesDecoded: number; audioPacketsReceived: number }) =>
      m.framesDecoded > 30 && m.audioPacketsReceived > 50;
    const [atKiosk, atAdvisor] = await Promise.all([
      pollUntil(() => inboundMedia(kiosk.page), enough),
      pollUntil(() => inboundMedia(advisor.page), enough),
    ]);
    await kiosk.page.screenshot({ path: path.join(ARTIFACTS, `${label}-kiosk-in-call.png`) });
    await advisor.page.screenshot({ path: path.join(ARTIFACTS, `${label}-advisor-in-call.png`) });

    const during = await workerObjectCounts(t.server);
    expect(during).toMatchObject({ routers: 1, transports: 4, producers: 4, consumers: 4 });
    // The waiting screen went when the call started: it let go of the camera the call now uses.
    const leftInKiosk = await videosLeftBound(kiosk.page);

    await advisor.hangUp();
    await advisor.callView().waitFor({ state: 'detached' });
    // The call view let go of the advisor's camera, which stays open after the call.
    const leftInAdvisor = await videosLeftBound(advisor.page);
    // The citizen is offered the survey, skips it, and the kiosk is wiped back to welcome.
    await kiosk.page.getByTestId('kiosk-screen-survey').waitFor();
    await kiosk.skipSurvey();
    await kiosk.screen('welcome').waitFor();
    const after = await pollUntil(
      () => workerObjectCounts(t.server),
      (c) => c.routers === 0,
      5_000,
    );
    return { atKiosk, atAdvisor, after, appointmentId, leftInKiosk, leftInAdvisor };
  } finally {
    await kioskMachine.context.close();
    await advisorMachine.context.close();
  }
}

describe('a call between the kiosk and its scheduled advisor', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('carries video and audio both ways, and leaves nothing on the server after hang-up', async () => {
    const { atKiosk, atAdvisor, after, appointmentId, leftInKiosk, leftInAdvisor } =
      await callThroughTheUi(t, 'udp');
    expect(atKiosk.framesDecoded).toBeGreaterThan(30);
    expect(atKiosk.audioPacketsReceived).toBeGreaterThan(50);
    expect(atAdvisor.framesDecoded).toBeGreaterThan(30);
    expect(atAdvisor.audioPacketsReceived).toBeGreaterThan(50);
    expect(atKiosk.protocols).toContain('udp');
    expect(after).toEqual({ routers: 0, transports: 0, producers: 0, consumers: 0 });
    expect(leftInKiosk.filter((view) => view === 'kiosk-screen-waiting')).toEqual([]);
    expect(leftInAdvisor.filter((view) => view === 'advisor-call')).toEqual([]);
    const row = await t.server.store.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', appointmentId)
      .executeTakeFirst();
    expect(row?.status).toBe('completed');
    // The kiosk said, during the call, which language it showed and that read-aloud was off.
    const record = await t.server.store.db
      .selectFrom('call_records')
      .select(['kiosk_language', 'read_aloud'])
      .where('appointment_id', '=', appointmentId)
      .executeTakeFirst();
    expect(record).toEqual({ kiosk_language: 'fr', read_aloud: 0 });
  });
});

describe('with UDP disabled by configuration', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ MEDIA_ENABLE_UDP: 'false' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('carries video and audio both ways over TCP', async () => {
    const { atKiosk, atAdvisor, after } = await callThroughTheUi(t, 'tcp');
    expect(atKiosk.framesDecoded).toBeGreaterThan(30);
    expect(atKiosk.audioPacketsReceived).toBeGreaterThan(50);
    expect(atAdvisor.framesDecoded).toBeGreaterThan(30);
    expect(atAdvisor.audioPacketsReceived).toBeGreaterThan(50);
    expect(atKiosk.protocols.length).toBeGreaterThan(0);
    expect([...atKiosk.protocols, ...atAdvisor.protocols].every((p) => p === 'tcp')).toBe(true);
    expect(after).toEqual({ routers: 0, transports: 0, producers: 0, consumers: 0 });
  });
});
