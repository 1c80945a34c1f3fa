import path from 'node:path';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { AdvisorPage } from './pages/AdvisorPage';
import { KioskPage } from './pages/KioskPage';
import { bookAppointment } from './support/booking';
import { inboundMedia, newMachine, pollUntil } from './support/browser';
import { openE2eStage } from './support/e2eStage';

const ARTIFACTS = path.resolve('test/artifacts/e2e');

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: ARTIFACTS });
  ({ browser, t } = stage);
  return stage.close;
});

/** Creates a kiosk as a technician would, returning its enrolment link. */
async function newKiosk(name: string): Promise<{ kioskId: string; enrolmentPath: string }> {
  const res = await fetch(`${t.url}/api/kiosks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `visio_session=${t.technician.token}` },
    body: JSON.stringify({ name, siteId: t.site }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { kiosk: { kioskId: string }; enrolmentPath: string };
  return { kioskId: body.kiosk.kioskId, enrolmentPath: body.enrolmentPath };
}

describe('the citizen’s journey from enrolment to a call', () => {
  it('enrols the kiosk, checks in with the code, alerts the advisor, who admits, and they talk', async () => {
    const { kioskId, enrolmentPath } = await newKiosk('Kiosk enrolled in the browser');
    const { appointmentId, code } = await bookAppointment(t, {
      kioskId,
      advisorId: t.advisor2.id,
      serviceId: t.serviceA,
    });
    const kioskMachine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
    const advisorMachine = await newMachine(browser);
    try {
      const kiosk = new KioskPage(kioskMachine.page);
      const advisor = new AdvisorPage(advisorMachine.page);

      await kiosk.enrol(t.url, enrolmentPath);
      await kiosk.screen('welcome').waitFor();
      expect(kiosk.page.url()).not.toContain('enrol=');

      await advisor.login(t.url, 'two', 'test-password');
      await advisor.agenda().waitFor();
      await advisor.appointment(appointmentId).waitFor();
      expect(await advisor.appointment(appointmentId).getAttribute('data-status')).toBe(
        'scheduled',
      );

      // A wrong code first: refused with a clear message, nothing changes for the advisor.
      await kiosk.checkIn('000000' === code ? '111111' : '000000');
      await kiosk.codeError().waitFor();
      expect(await kiosk.codeError().getAttribute('data-reason')).toBe('wrong_code');
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'checkin-wrong-code.png') });
      await kiosk.page.goto(`${t.url}/kiosk/`);
      await kiosk.screen('welcome').waitFor();

      await kiosk.checkIn(code);
      await kiosk.screen('waiting').waitFor();
      await kiosk.page.screenshot({ path: path.join(ARTIFACTS, 'checkin-waiting.png') });

      // The scheduled advisor is told at once: the agenda badge changes and an arrival notice shows.
      await advisor.page.getByTestId('arrival-notice').waitFor();
      await pollUntil(
        () => advisor.appointment(appointmentId).getAttribute('data-status'),
        (s) => s === 'checked_in',
        10_000,
      );
      await advisor.page.screenshot({ path: path.join(ARTIFACTS, 'checkin-agenda-arrival.png') });
      await advisor.admit(appointmentId);

      await kiosk.screen('call').waitFor();
      await advisor.callView().waitFor();
      const enough = (m: { framesDecoded: number; audioPacketsReceived: number }) =>
        m.framesDecoded > 30 && m.audioPacketsReceived > 50;
      const [atKiosk, atAdvisor] = await Promise.all([
        pollUntil(() => inboundMedia(kiosk.page), enough),
        pollUntil(() => inboundMedia(advisor.page), enough),
      ]);
      expect(atKiosk.framesDecoded).toBeGreaterThan(30);
      expect(atKiosk.audioPacketsReceived).toBeGreaterThan(50);
      expect(atAdvisor.framesDecoded).toBeGreaterThan(30);
      expect(atAdvisor.audioPacketsReceived).toBeGreaterThan(50);

      await kiosk.hangUp();
      await advisor.page.getByTestId('outcome-dialog').waitFor();
      await advisor.page.getByTestId('outcome-resolved').click();
      await pollUntil(
        async () =>
          (await t.server.store.db
            .selectFrom('appointments')
            .select(['status', 'outcome'])
            .where('id', '=', appointmentId)
            .executeTakeFirst()) ?? null,
        (row) => row?.outcome === 'resolved',
        10_000,
      );
      const row = await t.server.store.db
        .selectFrom('appointments')
        .select(['status', 'outcome'])
        .where('id', '=', appointmentId)
        .executeTakeFirst();
      expect(row).toEqual({ status: 'completed', outcome: 'resolved' });

      // The call view, and the agenda it stood in for, are gone from memory too, not only from
      // the page: a <video> left bound to the advisor's camera (open across calls) kept both.
      await advisor.page.getByTestId('outcome-dialog').waitFor({ state: 'detached' });
      await advisor.callView().waitFor({ state: 'detached' });
      const cdp = await advisorMachine.context.newCDPSession(advisor.page);
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('DOM.enable');
      await cdp.send('DOM.getDocument', { depth: 0 });
      const { detachedNodes } = await cdp.send('DOM.getDetachedDomNodes');
      expect(
        detachedNodes
          .filter((d) => d.treeNode.nodeType === 1) // elements
          .map((d) => `${d.treeNode.nodeName} ${(d.treeNode.attributes ?? []).join(' ')}`),
      ).toEqual([]);
    } finally {
      await kioskMachine.context.close();
      await advisorMachine.context.close();
    }
  });
});
