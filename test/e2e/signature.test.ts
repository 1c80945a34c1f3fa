import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastPagePaths, pageTexts } from '../support/pdfText';
import type { Party, TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { admitThroughUi } from './support/admitThroughUi';
import { blocking, describeViolations, runAxe } from './support/axe';
import { newMachine } from './support/browser';
import { openE2eStage, type E2eStage } from './support/e2eStage';
import { textBelowBase } from './support/kioskText';

const SCREENS = path.resolve('test/artifacts/screens');

/** A two-page form in 12 pt, the size of most administrative forms' body text. */
async function formToSign(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const [i, lines] of [
    ['Mandat de prélèvement', 'Je soussigné(e) autorise la caisse à prélever mes cotisations.'],
    ['Conditions', 'Lu et approuvé. Fait pour valoir ce que de droit.'],
  ].entries()) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, n) =>
      page.drawText(line, { x: 60, y: 770 - n * 24, size: n === 0 ? 18 : 12, font }),
    );
    page.drawText(`Page ${i + 1} / 2`, { x: 60, y: 60, size: 12, font });
  }
  return Buffer.from(await pdf.save());
}

/**
 * A finger drawing one stroke on the page's touchscreen, through the points (page pixels), one
 * sample per 16 ms frame, and resting a moment on the last point before it lifts, as a hand
 * finishing a signature does: a finger lifted at speed is a fling, and Chromium spends the next
 * tap on stopping it (that tap never clicks).
 */
async function touchStroke(page: Page, points: readonly (readonly [number, number])[]) {
  const cdp = await page.context().newCDPSession(page);
  let clock = Date.now() / 1000;
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', at?: readonly [number, number]) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: at ? [{ x: at[0], y: at[1] }] : [],
      timestamp: clock,
    });
  await touch('touchStart', points[0]);
  for (const point of points.slice(1)) {
    clock += 0.016;
    await touch('touchMove', point);
  }
  for (let rest = 0; rest < 6; rest++) {
    clock += 0.05;
    await touch('touchMove', points[points.length - 1]);
  }
  clock += 0.016;
  await touch('touchEnd');
  await cdp.detach();
}

/** Points along a wave across the box, from `from` to `to` (fractions of its width). */
function wave(
  box: { x: number; y: number; width: number; height: number },
  from: number,
  to: number,
  steps = 24,
) {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const f = from + ((to - from) * i) / steps;
    return [
      box.x + box.width * f,
      box.y + box.height * (0.5 + 0.3 * Math.sin(f * Math.PI * 6)),
    ] as const;
  });
}

/** Kiosk controls in the signature screen smaller than the kiosk's 60 px target. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="signature-screen"] button')]
      .filter((b) => b.checkVisibility())
      .map((b) => ({ b, r: b.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 60 || r.height < 60)
      .map(({ b, r }) => `${b.dataset.testid} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

describe('a document signed on the kiosk’s screen', () => {
  let stage: E2eStage;
  let t: TestServer;

  /** A call through the real UI, the kiosk a touchscreen of this size. */
  async function callOn(
    viewport: { width: number; height: number },
    parties?: { kiosk: Party; advisor: Party },
  ) {
    const kioskMachine = await newMachine(stage.browser, { viewport, hasTouch: true });
    const advisorMachine = await newMachine(stage.browser, {
      viewport: { width: 1400, height: 1000 },
    });
    const close = async () => {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
    };
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);
      await admitThroughUi(t, kiosk, advisor, parties);
      return { kiosk, advisor, close };
    } catch (error) {
      await close();
      throw error;
    }
  }
  beforeAll(async () => {
    stage = await openE2eStage({ screenshots: SCREENS });
    t = stage.t;
    return () => stage.close();
  });

  it('is drawn with a finger, stamped by the server, and downloaded by the advisor with the original’s hash', async () => {
    const original = await formToSign();
    const sha256 = createHash('sha256').update(original).digest('hex');
    const file = path.join(SCREENS, 'mandat.pdf');
    fs.writeFileSync(file, original);

    const { kiosk, advisor, close } = await callOn({ width: 1920, height: 1080 });
    try {
      // The advisor sends a new PDF to sign in one step.
      await advisor.page.getByTestId('signature-upload').setInputFiles(file);
      await advisor.page.getByTestId('signature-waiting').waitFor();
      const screen = kiosk.page.getByTestId('signature-screen');
      await screen.waitFor();
      await kiosk.page.locator('[data-testid="signature-pages"][data-pages="2"]').waitFor();
      // Both screens show the original's hash.
      expect(
        await kiosk.page.getByTestId('signature-fingerprint').getAttribute('data-sha256'),
      ).toBe(sha256);
      expect(
        await advisor.page.getByTestId('signature-fingerprint').getAttribute('data-sha256'),
      ).toBe(sha256);

      const violations = blocking(await runAxe(kiosk.page));
      expect(violations, describeViolations(violations)).toEqual([]);
      expect(await smallTargets(kiosk.page)).toEqual([]);
      expect(await textBelowBase(kiosk.page)).toEqual([]);
      // A page drawn at 2 px per point: the form's 12 pt text is 24 px on screen.
      const pageWidth = await kiosk.page
        .locator('.pdf-pages__canvas canvas')
        .first()
        .evaluate((c) => c.getBoundingClientRect().width);
      expect(pageWidth).toBeCloseTo(595 * 2, -1);

      const pad = kiosk.page.getByTestId('signature-pad');
      await pad.scrollIntoViewIfNeeded();
      const box = (await pad.boundingBox())!;
      await touchStroke(kiosk.page, wave(box, 0.08, 0.45));
      await touchStroke(kiosk.page, wave(box, 0.55, 0.9));
      // A third stroke, then undone: two are sent.
      await touchStroke(kiosk.page, wave(box, 0.2, 0.8, 6));
      await expect.poll(() => pad.getAttribute('aria-label')).toMatch(/3/);
      await kiosk.byId('signature-undo').click();
      await expect.poll(() => pad.getAttribute('aria-label')).toMatch(/2/);
      await kiosk.page.screenshot({ path: path.join(SCREENS, 'kiosk-signature-landscape.png') });

      await kiosk.byId('signature-confirm').tap();
      const outcome = kiosk.page.getByTestId('signature-outcome-text');
      await outcome.waitFor();
      expect(await outcome.getAttribute('data-outcome')).toBe('signed');
      expect(
        await kiosk.page.getByTestId('signature-outcome-fingerprint').getAttribute('data-sha256'),
      ).toBe(sha256);
      const afterSigning = blocking(await runAxe(kiosk.page));
      expect(afterSigning, describeViolations(afterSigning)).toEqual([]);
      await kiosk.page.screenshot({ path: path.join(SCREENS, 'kiosk-signature-signed.png') });

      const result = advisor.page.getByTestId('signature-result');
      await result.waitFor();
      expect(await result.getAttribute('data-outcome')).toBe('signed');
      expect(
        await advisor.page.getByTestId('signature-result-fingerprint').getAttribute('data-sha256'),
      ).toBe(sha256);
      await advisor.page
        .getByTestId('signature-panel')
        .screenshot({ path: path.join(SCREENS, 'staff-signature-signed.png') });
      const atAdvisor = blocking(await runAxe(advisor.page));
      expect(atAdvisor, describeViolations(atAdvisor)).toEqual([]);
      const [download] = await Promise.all([
        advisor.page.waitForEvent('download'),
        advisor.page.getByTestId('signature-download').click(),
      ]);
      expect(download.suggestedFilename()).toBe('mandat-signed.pdf');
      const signed = fs.readFileSync(await download.path());

      expect(signed.equals(original)).toBe(false);
      expect((await PDFDocument.load(signed)).getPageCount()).toBe(2);
      const texts = await pageTexts(signed);
      expect(texts[0]).not.toContain(sha256);
      expect(texts[1]).toContain('Page 2 / 2');
      expect(texts[1]).toContain(sha256);
      // The stamp's box and the two strokes the finger drew (the undone one is not there).
      expect(await lastPagePaths(signed)).toBe(3);
    } finally {
      await close();
    }
  });

  it('lets a citizen who cannot sign say so, and the advisor withdraw a request (portrait)', async () => {
    const file = path.join(SCREENS, 'formulaire.pdf');
    fs.writeFileSync(file, await formToSign());
    // Other parties than the first call's: that appointment holds the same slot.
    const { kiosk, advisor, close } = await callOn(
      { width: 1080, height: 1920 },
      { kiosk: t.kiosk2, advisor: t.advisor2 },
    );
    try {
      // A PDF already in the call, picked in the list.
      await advisor.uploadDocument(file);
      await advisor.page.getByTestId('signature-document').waitFor();
      await advisor.page.getByTestId('signature-send').click();
      await kiosk.page.locator('[data-testid="signature-pages"][data-pages="2"]').waitFor();
      await kiosk.page.screenshot({ path: path.join(SCREENS, 'kiosk-signature-portrait.png') });

      await kiosk.byId('signature-decline').tap();
      await kiosk.byId('signature-decline-choices').waitFor();
      const violations = blocking(await runAxe(kiosk.page));
      expect(violations, describeViolations(violations)).toEqual([]);
      expect(await smallTargets(kiosk.page)).toEqual([]);
      expect(await textBelowBase(kiosk.page)).toEqual([]);
      await kiosk.page.screenshot({ path: path.join(SCREENS, 'kiosk-signature-decline.png') });
      await kiosk.byId('signature-decline-cannot').tap();

      await kiosk.page
        .locator('[data-testid="signature-outcome-text"][data-outcome="declined"]')
        .waitFor();
      const result = advisor.page.locator(
        '[data-testid="signature-result"][data-outcome="declined"]',
      );
      await result.waitFor();
      expect(await result.textContent()).toMatch(/ne peut pas signer sur l’écran/);
      expect(await advisor.page.getByTestId('signature-download').count()).toBe(0);
      await kiosk.byId('signature-outcome-close').tap();

      // Sent again, then withdrawn: the kiosk's signature screen goes, and it is told why.
      await advisor.page.getByTestId('signature-send').click();
      await kiosk.byId('signature-screen').waitFor();
      await advisor.page.getByTestId('signature-cancel').click();
      await kiosk.page
        .locator('[data-testid="signature-outcome-text"][data-outcome="cancelled"]')
        .waitFor();
      expect(await kiosk.byId('signature-screen').count()).toBe(0);
    } finally {
      await close();
    }
  });
});
