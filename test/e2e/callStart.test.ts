import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { bookAppointment } from './support/booking';
import { inboundMedia, launchChromium, newMachine, pollUntil } from './support/browser';

/** A socket.io packet the page sent or received, in the order `recordSends` saw them. */
type Packet = { head: string; seq: number; received: boolean };
type SentWindow = Window & { __packets?: Packet[]; __callShownAt?: number[] };

/** The call screens, the kiosk's and the advisor's. */
const CALL_SCREEN = '[data-testid="kiosk-screen-call"], [data-testid="advisor-call"]';

/**
 * Wraps the page's WebSocket and DOM insertions (no hook in the app), numbering in one sequence
 * each packet the page sends or receives and each insertion of a call screen into the document.
 */
async function recordSends(context: BrowserContext): Promise<void> {
  await context.addInitScript((screen) => {
    const w = window as SentWindow;
    const packets: Packet[] = [];
    const shown: number[] = [];
    w.__packets = packets;
    w.__callShownAt = shown;
    let seq = 0;
    const record = (data: unknown, received: boolean) => {
      if (typeof data === 'string') packets.push({ head: data.slice(0, 80), seq: ++seq, received });
    };
    const Native = window.WebSocket;
    const nativeSend = Native.prototype.send;
    Native.prototype.send = function (this: WebSocket, data) {
      record(data, false);
      nativeSend.call(this, data);
    };
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        // Added before the app's own handler, so it runs first.
        this.addEventListener('message', (event) => record(event.data, true));
      }
    };
    const isCallScreen = (node: Node) =>
      node instanceof Element && (node.matches(screen) || node.querySelector(screen) !== null);
    const { appendChild, insertBefore } = Node.prototype;
    Node.prototype.appendChild = function <T extends Node>(this: Node, node: T): T {
      if (isCallScreen(node)) shown.push(++seq);
      return appendChild.call(this, node) as T;
    };
    Node.prototype.insertBefore = function <T extends Node>(
      this: Node,
      node: T,
      child: Node | null,
    ): T {
      if (isCallScreen(node)) shown.push(++seq);
      return insertBefore.call(this, node, child) as T;
    };
  }, CALL_SCREEN);
}

/** What the page sent and received, and when it showed a call screen, since last asked. */
async function sentSoFar(page: Page): Promise<{ packets: Packet[]; shownAt: number[] }> {
  return page.evaluate(() => {
    const w = window as SentWindow;
    return { packets: (w.__packets ?? []).splice(0), shownAt: (w.__callShownAt ?? []).splice(0) };
  });
}

const named = ({ packets }: { packets: Packet[] }, name: string, received = false) =>
  packets.filter((p) => p.received === received && p.head.includes(`"${name}"`));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the start of a call', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("sends each side's media:join first, in the task that hears of the call, from a page's first call on", async () => {
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    try {
      for (const { context } of [kioskMachine, advisorMachine]) await recordSends(context);
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      const flowing = () =>
        Promise.all(
          [kiosk.page, advisor.page].map((page) =>
            pollUntil(
              () => inboundMedia(page),
              (m) => m.framesDecoded > 10,
            ),
          ),
        );

      // The first call of each page (its mediasoup Device loaded when it opened).
      await admitThroughUi(t, kiosk, advisor);
      await flowing();
      const first = { kiosk: await sentSoFar(kiosk.page), advisor: await sentSoFar(advisor.page) };
      await advisor.hangUp();
      await kiosk.page.getByTestId('kiosk-screen-survey').waitFor();
      await kiosk.skipSurvey();
      await kiosk.screen('welcome').waitFor();
      await advisor.callView().waitFor({ state: 'detached' });
      // The advisor may be asked for the outcome: "later".
      const later = advisor.page.getByTestId('outcome-later');
      await later.waitFor({ timeout: 5_000 }).then(
        () => later.click(),
        () => undefined,
      );

      // The next call, in the same pages.
      const { appointmentId, code } = await bookAppointment(t, {
        kioskId: t.kiosk.id,
        advisorId: t.advisor.id,
        serviceId: t.serviceA,
      });
      await kiosk.checkIn(code);
      await kiosk.screen('waiting').waitFor();
      await sentSoFar(kiosk.page);
      await sentSoFar(advisor.page);
      await advisor.admit(appointmentId);
      await kiosk.screen('call').waitFor();
      await advisor.callView().waitFor();
      await flowing();
      const second = { kiosk: await sentSoFar(kiosk.page), advisor: await sentSoFar(advisor.page) };

      for (const side of ['kiosk', 'advisor'] as const) {
        for (const [call, seen] of [
          ['first', first[side]],
          ['second', second[side]],
        ] as const) {
          // No call asked for its receive transport's warm-up: it came with call:started.
          expect(named(seen, 'media:warmUp'), `${side}, ${call} call`).toEqual([]);
          // The Device was loaded ahead (media:capabilities when the page opened), so even the
          // page's first call sends its join as the first thing once the page hears of the call
          // (the server answers a socket's requests in turn), before the call screen is
          // rendered: not after an await, behind the accessibility report.
          const [started] = named(seen, 'call:started', true);
          const firstSent = seen.packets.find((p) => !p.received && p.seq > started!.seq);
          expect(firstSent?.head, `${side}, ${call} call`).toContain('"media:join"');
          expect(firstSent!.seq, `${side}, ${call} call`).toBeLessThan(seen.shownAt[0]!);
        }
      }
    } finally {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
    }
  });
});
