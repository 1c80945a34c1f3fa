import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { mediaFlowsFrom, newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ env: { QUALITY_SAMPLE_INTERVAL_MS: '1000' } });
  ({ browser, t } = stage);
  return stage.close;
});

const FLOWS = ['kiosk_to_advisor', 'advisor_to_kiosk'] as const;
const KINDS = ['audio', 'video'] as const;

/**
 * What the console shows of one live call: its verdict, and each flow's jitter and loss, read in
 * one go so that they belong to the same sample (the console refreshes every second here; reading
 * the attributes one by one once paired a verdict with the next sample's figures).
 */
async function consoleReading(tech: AdvisorPage, callId: string) {
  const testIds = FLOWS.flatMap((direction) =>
    KINDS.map((kind) => ({
      flow: `${direction}/${kind}`,
      testId: tech.qualityTestId(callId, direction, kind),
    })),
  );
  return tech.liveCall(callId).evaluate((card, rows) => {
    const number = (element: Element | null, name: string) => {
      const value = element?.getAttribute(name) ?? null;
      return value === null || value === '' ? null : Number(value);
    };
    const flows: Record<string, { jitterMs: number | null; lossPercent: number | null }> = {};
    for (const { flow, testId } of rows) {
      const row = document.querySelector(`[data-testid="${testId}"]`);
      flows[flow] = { jitterMs: number(row, 'data-jitter'), lossPercent: number(row, 'data-loss') };
    }
    return { verdict: card.getAttribute('data-verdict'), flows };
  }, testIds);
}

type Reading = Awaited<ReturnType<typeof consoleReading>>;

/** Every flow measured (its jitter known), and the call rated good. */
const ratedGoodOnFullFigures = (r: Reading) =>
  r.verdict === 'good' && Object.values(r.flows).every((f) => f.jitterMs !== null);

describe('two simultaneous calls on a quiet loopback', () => {
  it('are both rated good by the technician console, with jitter of tens of milliseconds at most', async () => {
    const machines = await Promise.all([
      newMachine(browser, { viewport: { width: 1080, height: 1920 } }),
      newMachine(browser),
      newMachine(browser, { viewport: { width: 1080, height: 1920 } }),
      newMachine(browser),
      newMachine(browser, { viewport: { width: 1400, height: 1000 } }),
    ]);
    try {
      const [kiosk1, advisor1, kiosk2, advisor2, techMachine] = machines;
      const tech = new AdvisorPage(techMachine!.page);
      await tech.open(t.url, t.technician.token);
      await tech.goTo('console');
      await tech.console().waitFor();

      const calls = [
        {
          kiosk: new KioskPage(kiosk1!.page),
          advisor: new AdvisorPage(advisor1!.page),
          parties: { kiosk: t.kiosk, advisor: t.advisor },
        },
        {
          kiosk: new KioskPage(kiosk2!.page),
          advisor: new AdvisorPage(advisor2!.page),
          parties: { kiosk: t.kiosk2, advisor: t.advisor2 },
        },
      ];
      const callIds: string[] = [];
      for (const call of calls) {
        const { callId } = await admitThroughUi(t, call.kiosk, call.advisor, call.parties);
        callIds.push(callId);
      }
      // Both calls carry media both ways, as the browsers themselves see it.
      for (const call of calls) {
        for (const page of [call.kiosk.page, call.advisor.page]) {
          const progress = await mediaFlowsFrom(page, { frames: 30, audioPackets: 50 });
          expect(progress.frames).toBeGreaterThanOrEqual(30);
          expect(progress.audioPackets).toBeGreaterThanOrEqual(50);
        }
      }

      for (const callId of callIds) {
        await tech.liveCall(callId).waitFor({ timeout: 15_000 });
        // The browsers report every 5 s; a few samples carry their figures.
        const reading = await pollUntil(
          () => consoleReading(tech, callId),
          ratedGoodOnFullFigures,
          30_000,
        );
        expect(reading.verdict, JSON.stringify(reading.flows)).toBe('good');
        for (const [flow, figures] of Object.entries(reading.flows)) {
          expect(figures.jitterMs, flow).not.toBeNull();
          expect(figures.jitterMs!, flow).toBeLessThan(50);
          expect(figures.lossPercent ?? 0, flow).toBeLessThanOrEqual(2);
        }
      }
    } finally {
      for (const machine of machines) await machine.context.close();
    }
  });
});
