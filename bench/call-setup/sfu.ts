import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../../test/support/testServer';
import { AdvisorPage } from '../../test/e2e/pages/AdvisorPage';
import { KioskPage } from '../../test/e2e/pages/KioskPage';
import { bookAppointment } from '../../test/e2e/support/booking';
import { newMachine } from '../../test/e2e/support/browser';
import {
  allowEvaluatedFunctions,
  armFirstFrame,
  awaitFirstFrame,
  type FirstFrame,
} from './firstFrame';
import { MEDIA_PROBE, armMediaProbe, collectMediaProbe } from './mediaProbe';
import { ProcSampler } from './procSampler';
import type { ServerTrace } from './serverTrace';
import { SignallingTimeline } from './timeline';

export interface SfuSample {
  kiosk_ms: number;
  advisor_ms: number;
  both_ms: number;
  kiosk: FirstFrame;
  advisor: FirstFrame;
  /**
   * ms from Node's Date.now() before Playwright's click to the click event in the advisor's page
   * (Playwright's actionability checks: element stable over two animation frames, hit target).
   */
  harness_ms: number;
  /** ms after t0 when the server's CallService emitted callStarted (in-process). */
  server_call_started_ms: number;
  /** Signalling messages of each page, in ms after t0 (diagnostic). */
  signalling: { kiosk: Record<string, number>; advisor: Record<string, number> };
  /** Server-side media milestones (video producers, first keyframes), in ms after t0. */
  server: Record<string, number>;
}

/** The kiosk and the advisor apps, opened once, driven through their UI for call after call. */
export class SfuCalls {
  private readonly warnedNoCamera = new Set<string>();

  private constructor(
    private readonly t: TestServer,
    private readonly kiosk: KioskPage,
    private readonly advisor: AdvisorPage,
    private readonly timelines: { kiosk: SignallingTimeline; advisor: SignallingTimeline },
    private readonly serverTrace: ServerTrace,
    private readonly close_: () => Promise<void>,
  ) {}

  static async open(browser: Browser, t: TestServer, serverTrace: ServerTrace): Promise<SfuCalls> {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    for (const { context } of [kioskMachine, advisorMachine]) {
      await allowEvaluatedFunctions(context);
      await watchGetUserMedia(context);
    }
    const kiosk = new KioskPage(kioskMachine.page);
    const advisor = new AdvisorPage(advisorMachine.page);
    const timelines = {
      kiosk: await SignallingTimeline.attach(kioskMachine.context, kiosk.page),
      advisor: await SignallingTimeline.attach(advisorMachine.context, advisor.page),
    };
    for (const page of [kiosk.page, advisor.page]) {
      page.on('pageerror', (error) =>
        console.error(`[${page === kiosk.page ? 'kiosk' : 'advisor'}] page error:`, error.message),
      );
    }
    await kiosk.open(t.url, t.kiosk.token);
    await kiosk.screen('welcome').waitFor({ timeout: 30_000 });
    await advisor.open(t.url, t.advisor.token);
    await advisor.agenda().waitFor({ timeout: 30_000 });
    return new SfuCalls(t, kiosk, advisor, timelines, serverTrace, async () => {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
    });
  }

  /**
   * One call, as the apps run it: an appointment is booked through the API for now, the citizen
   * checks in with its code at the kiosk and waits; once both apps hold their camera, the
   * detectors are armed, then t0 and the advisor's click on "admit" (the action that starts the
   * call). Ends when both pages presented a remote frame.
   */
  async call(timeoutMs = 20_000): Promise<SfuSample> {
    const { t, kiosk, advisor } = this;
    await kiosk.screen('welcome').waitFor();
    const { appointmentId, code } = await bookAppointment(t, {
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      serviceId: t.serviceA,
    });
    await kiosk.checkIn(code);
    await kiosk.screen('waiting').waitFor();
    await dismissOutcomeDialog(advisor.page);
    const admitId = `admit-${appointmentId}`;
    const button = advisor.page.getByTestId(admitId);
    await button.waitFor({ state: 'visible' });
    await advisor.page.waitForFunction(
      (id) =>
        !(document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement | null)?.disabled,
      admitId,
    );
    for (const [name, page] of [
      ['kiosk', kiosk.page],
      ['advisor', advisor.page],
    ] as const) {
      // The apps open the camera ahead of calls (PLATFORM.md); if one does not, its getUserMedia
      // falls inside the measured time, which is then part of the result, and is reported once.
      if (!(await holdsCamera(page, this.warnedNoCamera.has(name) ? 1 : 10_000))) {
        if (!this.warnedNoCamera.has(name)) {
          console.warn(
            `  note: the ${name} app holds no camera before the call (it opens it during the call)`,
          );
          this.warnedNoCamera.add(name);
        }
      }
    }
    await Promise.all([armFirstFrame(kiosk.page), armFirstFrame(advisor.page)]);
    if (MEDIA_PROBE) await Promise.all([armMediaProbe(kiosk.page), armMediaProbe(advisor.page)]);

    let callStartedAt = 0;
    const onStarted = () => {
      callStartedAt ||= Date.now();
    };
    t.server.calls.once('callStarted', onStarted);
    try {
      const sampler = new ProcSampler();
      if (MEDIA_PROBE) sampler.start();
      const profilers = JS_PROFILE
        ? await Promise.all([startJsProfile(kiosk.page), startJsProfile(advisor.page)])
        : [];
      const traced = CHROME_TRACE ? await startChromeTrace(kiosk.page, advisor.page) : undefined;
      const nodeT0 = Date.now();
      const frames = Promise.all([
        awaitFirstFrame(kiosk.page, 'kiosk', timeoutMs),
        awaitFirstFrame(advisor.page, 'advisor', timeoutMs),
      ]);
      await button.click();
      const [k, a] = await frames;
      for (const [i, stop] of profilers.entries()) await stop(i === 0 ? 'kiosk' : 'advisor');
      await traced?.();
      if (MEDIA_PROBE && process.env.BENCH_MEDIA_PROBE_VERBOSE === '1')
        console.log(
          `    cpu ms t0→frames (${Date.now() - nodeT0} ms):`,
          JSON.stringify(sampler.stop()),
        );
      // t0: the click as the advisor's page got it, as a user's click would be.
      if (!a.clickAt) throw new Error('the admit click never reached the advisor page');
      const t0 = a.clickAt;
      const kiosk_ms = k.frameAt - t0;
      const advisor_ms = a.frameAt - t0;
      const probed = { kiosk: {} as Record<string, number>, advisor: {} as Record<string, number> };
      if (MEDIA_PROBE) {
        for (const [side, page] of [
          ['kiosk', kiosk.page],
          ['advisor', advisor.page],
        ] as const) {
          const probe = await collectMediaProbe(page);
          for (const [label, at] of Object.entries(probe?.first ?? {}))
            probed[side][label] = at - t0;
          if (process.env.BENCH_MEDIA_PROBE_VERBOSE === '1')
            console.log(
              `    ${side} sender:`,
              JSON.stringify({
                ...probe?.sender,
                cameraGaps: (probe?.sender.cameraGaps as { at: number; gap: number }[]).map(
                  (g) => `${g.at - t0}+${g.gap}`,
                ),
              }),
            );
        }
      }
      return {
        kiosk_ms,
        advisor_ms,
        both_ms: Math.max(kiosk_ms, advisor_ms),
        kiosk: k,
        advisor: a,
        harness_ms: t0 - nodeT0,
        server_call_started_ms: callStartedAt ? callStartedAt - t0 : Number.NaN,
        signalling: {
          kiosk: { ...(await this.timelines.kiosk.since(t0)), ...probed.kiosk },
          advisor: { ...(await this.timelines.advisor.since(t0)), ...probed.advisor },
        },
        server: {
          'server: callStarted emitted': callStartedAt ? callStartedAt - t0 : Number.NaN,
          ...this.serverTrace.since(t0, { kiosk: t.kiosk.id, advisor: t.advisor.id }),
        },
      };
    } finally {
      t.server.calls.off('callStarted', onStarted);
    }
  }

  /** The advisor hangs up through the UI; returns when both apps and the server are idle again. */
  async hangUp(): Promise<void> {
    const { t, kiosk, advisor } = this;
    await advisor.hangUp();
    // The citizen is offered the survey; skipping it wipes the kiosk back to welcome.
    await kiosk.page.getByTestId('kiosk-screen-survey').waitFor();
    await kiosk.skipSurvey();
    await kiosk.screen('welcome').waitFor();
    await advisor.callView().waitFor({ state: 'detached' });
    const deadline = Date.now() + 10_000;
    while (t.server.calls.activeCalls.length > 0) {
      if (Date.now() > deadline)
        throw new Error('the server still holds a call 10 s after hang-up');
      await new Promise((r) => setTimeout(r, 20));
    }
    await dismissOutcomeDialog(advisor.page);
    await Promise.all([this.timelines.kiosk.reset(), this.timelines.advisor.reset()]);
    this.serverTrace.reset();
  }

  close(): Promise<void> {
    return this.close_();
  }
}

/** After a call the advisor may be asked for its outcome: "later" (not part of the timing). */
/**
 * Diagnostic (BENCH_CHROME_TRACE=<dir>): a Chromium trace (timeline, rendering) of the timed
 * window, of the advisor's page and the kiosk's in turn (one trace at a time per browser), for
 * chrome://tracing or the DevTools performance panel.
 */
const CHROME_TRACE = process.env.BENCH_CHROME_TRACE;
let chromeTraceCount = 0;
async function startChromeTrace(kiosk: Page, advisor: Page): Promise<() => Promise<void>> {
  const n = chromeTraceCount++;
  const [side, page] = n % 2 === 0 ? ['advisor', advisor] : ['kiosk', kiosk];
  const browser = page.context().browser()!;
  fs.mkdirSync(CHROME_TRACE!, { recursive: true });
  await browser.startTracing(page, {
    path: `${CHROME_TRACE}/${side}-${n}.json`,
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8'],
  });
  return async () => void (await browser.stopTracing());
}

/** Diagnostic (BENCH_JS_PROFILE=<dir>): each page's JS CPU profile over the timed window. */
const JS_PROFILE = process.env.BENCH_JS_PROFILE;
let profileCount = 0;

async function startJsProfile(page: Page): Promise<(side: string) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async (side) => {
    const { profile } = await cdp.send('Profiler.stop');
    fs.mkdirSync(JS_PROFILE!, { recursive: true });
    fs.writeFileSync(`${JS_PROFILE}/${side}-${profileCount++}.cpuprofile`, JSON.stringify(profile));
    await cdp.detach();
  };
}

async function dismissOutcomeDialog(page: Page): Promise<void> {
  const later = page.getByTestId('outcome-later');
  if (await later.isVisible()) await later.click();
}

/**
 * Records, without touching the app, the streams its getUserMedia calls return (like the
 * RTCPeerConnection recorder of test/e2e/support/browser.ts), so the benchmark can tell when an app
 * holds a live camera, whatever its screens show.
 */
async function watchGetUserMedia(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __benchLocalStreams: MediaStream[] };
    w.__benchLocalStreams = [];
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) return;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await original(constraints);
      w.__benchLocalStreams.push(stream);
      return stream;
    };
  });
}

/** Whether the page holds a live camera track from getUserMedia, waiting up to `timeoutMs`. */
async function holdsCamera(page: Page, timeoutMs: number): Promise<boolean> {
  return page
    .waitForFunction(
      () =>
        (window as unknown as { __benchLocalStreams?: MediaStream[] }).__benchLocalStreams?.some(
          (s) => s.getVideoTracks().some((t) => t.readyState === 'live'),
        ) === true,
      undefined,
      { timeout: timeoutMs },
    )
    .then(
      () => true,
      () => false,
    );
}
