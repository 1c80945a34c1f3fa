import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addSecondSite,
  seedInterviews,
  setDistance,
  times,
  type InterviewSeed,
} from '../support/reportSeed';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { blocking, describeViolations, runAxe } from './support/axe';
import { newMachine } from './support/browser';
import { openE2eStage } from './support/e2eStage';

// The coordinator's impact report in real Chromium: signs in through the form, sees the report
// (key figures, charts and their tables), downloads the CSV, opens a site's printable page, and
// axe-core finds no serious or critical violation on either page.

const SCREENS = path.resolve('test/artifacts/screens');
const DOC_SCREENSHOT = path.resolve('docs/screenshots/impact-report.png');

let browser: Browser;
let t: TestServer;
/** The months seeded, oldest first: the last four, the current one included. */
const months: string[] = [];

/** `YYYY-MM` of the month `back` months before now (UTC, as the report counts). */
function monthBefore(back: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
    .toISOString()
    .slice(0, 7);
}

beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: SCREENS });
  ({ browser, t } = stage);
  const db = t.server.store.db;
  // Names a region would see (the fixtures' are "Test site", "Service A"…).
  await db
    .updateTable('sites')
    .set({ name: 'Mairie de Saint-Flour' })
    .where('id', '=', t.site)
    .execute();
  await db
    .updateTable('services')
    .set({ name: 'Caisse d’allocations familiales' })
    .where('id', '=', t.serviceA)
    .execute();
  await db
    .updateTable('services')
    .set({ name: 'France Travail' })
    .where('id', '=', t.serviceB)
    .execute();
  await addSecondSite(t, 'Bureau de poste de Murat', { a: 49, b: 24 });
  await setDistance(t, t.site, t.serviceA, 72);
  await setDistance(t, t.site, t.serviceB, 2);
  const waits = [1, 3, 4, 7, 9, 12, 18, 25, 35, 2, 6];
  const verdicts = ['good', 'good', 'good', 'fair', 'good', 'poor', 'good', null] as const;
  const interviews = (kiosk: string, service: string, month: string, n: number) =>
    Array.from({ length: n }, (_, i): InterviewSeed => ({
      kiosk,
      service,
      day: `${month}-01`,
      status: 'completed',
      waitMin: waits[i % waits.length]!,
      signOrLip: i % 6 === 0,
      call: { verdict: verdicts[i % verdicts.length]!, text: i % 4 === 0 },
    }));
  for (let back = 3; back >= 0; back--) {
    const month = monthBefore(back);
    months.push(month);
    await seedInterviews(t, [
      ...interviews(t.kiosk.id, t.serviceA, month, 9 + back * 3),
      ...interviews(t.kiosk.id, t.serviceB, month, 6 + back),
      ...interviews(t.kiosk2.id, t.serviceA, month, 7 + (back % 2) * 4),
      // One small group, every month: Murat's France Travail.
      ...interviews(t.kiosk2.id, t.serviceB, month, back === 0 ? 3 : 5 + back),
      ...times(2 + back, {
        kiosk: t.kiosk.id,
        service: t.serviceA,
        day: `${month}-02`,
        status: 'no_show',
      }),
    ]);
  }
  // Saint-Flour's kiosk usable 23 of its 24 opening hours a day since the first month's start.
  const yesterday = new Date(Date.now() - 864e5).toISOString().slice(0, 10);
  const days: { kiosk_id: string; day: string; online_minutes: number }[] = [];
  for (let d = new Date(`${months[0]}-01T12:00:00Z`); ; d = new Date(d.getTime() + 864e5)) {
    const day = d.toISOString().slice(0, 10);
    if (day > yesterday) break;
    days.push({ kiosk_id: t.kiosk.id, day, online_minutes: 23 * 60 });
  }
  await db.insertInto('kiosk_availability').values(days).execute();
  return stage.close;
});

describe('impact report in the staff app', () => {
  it('signs in, sees the report with its charts, downloads the CSV and prints a site', async () => {
    const { page, context } = await newMachine(browser, {
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const staff = new AdvisorPage(page);
      await staff.login(t.url, 'coord', 'test-password');
      const report = page.getByTestId('report');
      await report.waitFor();
      // A coordinator's only page: no agenda, booking, kiosks or console in the navigation.
      const nav = await page
        .locator('nav a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('data-testid')));
      expect(nav).toEqual(['nav-report']);

      await page.getByTestId('report-month-row').first().waitFor();
      const monthRows = await page.getByTestId('report-month-row').locator('th').allTextContents();
      expect(monthRows).toEqual(months);
      // Two charts drawn (uPlot canvases), each pointing to the table with its figures.
      for (const chart of ['report-chart-interviews', 'report-chart-km']) {
        await expect
          .poll(() => page.getByTestId(chart).locator('canvas').count())
          .toBeGreaterThan(0);
      }
      // The small group reads "< 5" in the detail table, never a number.
      const current = months[3]!;
      const smallRow = page
        .getByTestId('report-group-row')
        .filter({ hasText: current })
        .filter({ hasText: 'Bureau de poste de Murat' })
        .filter({ hasText: 'France Travail' });
      await expect.poll(() => smallRow.locator('td').nth(2).textContent()).toBe('< 5');
      const total = await page.getByTestId('report-key-interviews').locator('dd').textContent();
      // 4 months: A at Saint-Flour 9+12+15+18, B 6+7+8+9, A at Murat 7+11+7+11, B 3+6+7+8.
      expect(total).toBe(String(54 + 30 + 36 + 24));

      // Kiosk availability: Saint-Flour's first month, whole, 23 h of 24; Murat never opens.
      const availability = page
        .getByTestId('report-availability-row')
        .filter({ hasText: 'Mairie de Saint-Flour' });
      expect(await availability.locator(`td[data-month="${months[0]}"]`).textContent()).toBe(
        '95,8 %',
      );
      const murat = page
        .getByTestId('report-availability-row')
        .filter({ hasText: 'Bureau de poste de Murat' });
      expect(await murat.getByTestId('report-availability-period').textContent()).toContain('—');

      // The README's picture: the top of the page (filters, key figures, charts, first table).
      await page.screenshot({ path: DOC_SCREENSHOT });
      await page.screenshot({ path: path.join(SCREENS, 'staff-report.png'), fullPage: true });
      const found = blocking(await runAxe(page));
      expect(found, describeViolations(found)).toEqual([]);

      const downloading = page.waitForEvent('download');
      await page.getByTestId('report-csv').click();
      const download = await downloading;
      const csv = fs.readFileSync((await download.path())!);
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = csv.toString('utf8');
      expect(text.split('\r\n')[0]).toContain('Entretiens tenus');
      expect(text).toContain('Bureau de poste de Murat');
      expect(text).toContain('< 5');
      expect(text).not.toContain('REF-SEED');
      expect(download.suggestedFilename()).toMatch(/^visio-public-report-.*\.csv$/);

      const opening = context.waitForEvent('page');
      await page.getByTestId('report-print').filter({ hasText: 'Murat' }).click();
      const print = await opening;
      await print.waitForLoadState();
      expect(await print.locator('h1').textContent()).toContain('Bureau de poste de Murat');
      await print.screenshot({
        path: path.join(SCREENS, 'staff-report-print.png'),
        fullPage: true,
      });
      const printFound = blocking(await runAxe(print));
      expect(printFound, describeViolations(printFound)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('lets an admin set a distance from the page, and the km follow', async () => {
    const { page, context } = await newMachine(browser, {
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const staff = new AdvisorPage(page);
      await staff.login(t.url, 'admin', 'test-password');
      await page.getByTestId('nav-report').waitFor();
      await staff.goTo('report');
      await page.getByTestId('report-month-row').first().waitFor();
      const row = page
        .getByTestId('report-distance-row')
        .filter({ hasText: 'Mairie de Saint-Flour' })
        .filter({ hasText: 'France Travail' });
      const input = row.getByTestId('report-distance-input');
      await expect.poll(() => input.inputValue()).toBe('2');
      const kmBefore = await page.getByTestId('report-key-km').locator('dd').textContent();
      await input.fill('12');
      await row.getByRole('button').click();
      await page.getByText('Distance enregistrée.').waitFor();
      // Saint-Flour's France Travail groups are shown: 10 km more per trip there.
      await expect
        .poll(() => page.getByTestId('report-key-km').locator('dd').textContent())
        .not.toBe(kmBefore);
      const found = blocking(await runAxe(page));
      expect(found, describeViolations(found)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENS, 'staff-report-admin.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
