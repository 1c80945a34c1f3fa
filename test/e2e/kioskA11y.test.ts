import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  callRequests,
  interpreterRequests,
  staffMonitoringRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { api } from '../support/appointments';
import { connectClient } from '../support/socketClient';
import type { TestServer } from '../support/testServer';
import { KioskPage, type KioskScreenName } from './pages/KioskPage';
import { blocking, describeViolations, runAxe } from './support/axe';
import { bookAppointment } from './support/booking';
import { newMachine } from './support/browser';
import { openE2eStage } from './support/e2eStage';
import { textBelowBase } from './support/kioskText';

const SCREENS = path.resolve('test/artifacts/screens');
const ORIENTATIONS = {
  portrait: { viewport: { width: 1080, height: 1920 }, advisor: 'advisor2' },
  landscape: { viewport: { width: 1920, height: 1080 }, advisor: 'advisor' },
} as const;

/** WCAG 2.5.5 (AAA) target size; the kiosk's keys are meant to be well above it. */
const MIN_TARGET_PX = 44;

/** On-screen keys smaller than a fingertip target, or whose label does not fit in the key. */
function keyProblems(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const found: string[] = [];
    for (const key of document.querySelectorAll<HTMLElement>('[data-testid^="kiosk-key-"]')) {
      const { width, height } = key.getBoundingClientRect();
      const name = key.dataset.testid;
      if (width < min || height < min)
        found.push(`${name} is ${Math.round(width)}×${Math.round(height)} px`);
      if (key.scrollWidth > key.clientWidth + 1 || key.scrollHeight > key.clientHeight + 1)
        found.push(`${name}: its label "${key.textContent}" does not fit`);
    }
    return found;
  }, MIN_TARGET_PX);
}

/** Until no finite animation or transition runs: what is photographed and measured is at rest. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
}

/**
 * Photographs the screen as it is, then lists what fails: serious or critical axe violations,
 * and text below the kiosk's base size.
 */
async function audit(page: Page, name: string, orientation: string): Promise<string[]> {
  await settled(page);
  await page.screenshot({ path: path.join(SCREENS, `kiosk-${name}-${orientation}.png`) });
  const failures: string[] = [];
  const bad = blocking(await runAxe(page));
  if (bad.length > 0) failures.push(`${name}:\n${describeViolations(bad)}`);
  const small = await textBelowBase(page);
  if (small.length > 0) failures.push(`${name}: text below 24 px:\n    ${small.join('\n    ')}`);
  return failures;
}

let browser: Browser;
let t: TestServer;
beforeAll(async () => {
  const stage = await openE2eStage({ screenshots: SCREENS });
  ({ browser, t } = stage);
  return stage.close;
});

describe.each(Object.entries(ORIENTATIONS))(
  'kiosk accessibility, %s',
  (orientation, { viewport, advisor: who }) => {
    it('every screen has no serious or critical axe violation', async () => {
      const machine = await newMachine(browser, { viewport });
      const kiosk = new KioskPage(machine.page);
      const failures: string[] = [];
      const check = async (name: string, screen?: KioskScreenName) => {
        if (screen) await kiosk.screen(screen).waitFor();
        failures.push(...(await audit(kiosk.page, name, orientation)));
      };
      const advisor = await connectClient(t.url, '/staff', t[who].token);
      const technician = await connectClient(t.url, '/staff', t.technician.token);
      try {
        const { appointmentId, code } = await bookAppointment(t, {
          kioskId: t.kiosk2.id,
          advisorId: t[who].id,
          serviceId: t.serviceA,
        });
        await kiosk.open(t.url, t.kiosk2.token);
        await check('welcome', 'welcome');
        await kiosk.byId('appointment-button').click();
        await check('code', 'code');
        // The convocation's QR reader: the camera's picture in place of the keypad.
        await kiosk.byId('code-scan').click();
        await kiosk.page.locator('[data-testid="qr-status"][data-state="scanning"]').waitFor();
        await check('code-scan');
        await kiosk.byId('code-back').click();
        await kiosk.checkIn(code, { stayOnDeviceCheck: true });
        await kiosk.screen('device-check').waitFor();
        await kiosk.byId('speaker-test').click();
        await kiosk.byId('speaker-heard-yes').waitFor();
        await check('device-check');
        await kiosk.continueFromDeviceCheck();
        await check('waiting', 'waiting');

        const { callId } = await advisor.request(staffSchedulingRequests.admit, { appointmentId });
        await check('call', 'call');
        // A three-way call: the interpreter beside the advisor, with their role.
        const invited = await advisor.request(interpreterRequests.invite, {
          callId,
          kind: 'lsf',
          language: null,
        });
        const interpreter = await connectClient(t.url, '/staff', t.interpreter.token);
        try {
          await interpreter.request(interpreterRequests.join, { code: invited.code });
          await kiosk.byId('interpreter-video').waitFor();
          await check('call-three-way');
          await interpreter.request(interpreterRequests.leave, { callId });
          await kiosk.byId('interpreter-video').waitFor({ state: 'detached' });
        } finally {
          interpreter.socket.close();
        }
        // The on-screen keyboard, shift off then caps lock on (longest labels, capitals).
        const keys = async (state: string) =>
          failures.push(...(await keyProblems(kiosk.page)).map((p) => `keyboard, ${state}: ${p}`));
        await keys('shift off');
        await kiosk.byId('kiosk-key-shift').click();
        await kiosk.byId('kiosk-key-shift').click();
        await check('call-keyboard-caps-lock');
        await keys('caps lock');
        await kiosk.byId('kiosk-key-shift').click();
        await kiosk.byId('scan-button').click();
        await check('call-scan');
        await kiosk.byId('scan-cancel').click();
        await kiosk.byId('hangup').click();
        await check('call-confirm-hangup');
        await kiosk.byId('confirm-no').click();

        await advisor.request(callRequests.hangup, { callId });
        await check('survey', 'survey');
        await kiosk.skipSurvey();
        await kiosk.screen('welcome').waitFor();

        await technician.request(staffMonitoringRequests.setKioskOutOfService, {
          kioskId: t.kiosk2.id,
          outOfService: true,
          reason: 'accessibility test',
        });
        await check('out-of-service', 'out-of-service');
        await technician.request(staffMonitoringRequests.setKioskOutOfService, {
          kioskId: t.kiosk2.id,
          outOfService: false,
          reason: 'accessibility test',
        });
        await kiosk.screen('welcome').waitFor();

        await machine.context.setOffline(true);
        await check('offline', 'offline');
        await machine.context.setOffline(false);
        await kiosk.screen('welcome').waitFor({ timeout: 30_000 });
      } finally {
        advisor.socket.close();
        technician.socket.close();
        await machine.context.close();
      }

      if (failures.length > 0) console.error(failures.join('\n\n'));
      expect(failures).toEqual([]);
    }, 120_000);

    it('the set-up screens, reached as a technician reaches them, have none either', async () => {
      const failures: string[] = [];
      const stranger = await newMachine(browser, { viewport });
      try {
        // A browser that was never set up: no device token, no enrolment link.
        const fresh = new KioskPage(stranger.page);
        await stranger.page.goto(`${t.url}/kiosk/`);
        await fresh.screen('not-enrolled').waitFor();
        failures.push(...(await audit(stranger.page, 'not-enrolled', orientation)));

        // A mistyped (or already used) enrolment link: the kiosk says why it cannot set up.
        await fresh.enrol(t.url, '/kiosk/?enrol=ZZZZZZZZ');
        await fresh.screen('enrolling').waitFor();
        expect(await fresh.byId('enrol-error').getAttribute('data-code')).toBe('NOT_FOUND');
        failures.push(...(await audit(stranger.page, 'enrolling-invalid-code', orientation)));
      } finally {
        await stranger.context.close();
      }

      // A kiosk a technician switched off before it (re)started.
      const machine = await newMachine(browser, { viewport });
      try {
        await setOutOfService(t, t.kiosk.id, true);
        const kiosk = new KioskPage(machine.page);
        await kiosk.open(t.url, t.kiosk.token);
        await kiosk.screen('out-of-service').waitFor();
        failures.push(...(await audit(machine.page, 'out-of-service-at-start', orientation)));
      } finally {
        await setOutOfService(t, t.kiosk.id, false);
        await machine.context.close();
      }

      if (failures.length > 0) console.error(failures.join('\n\n'));
      expect(failures).toEqual([]);
    });
  },
);

/** What the staff "Kiosks" page does: the flag is kept, so the kiosk reads it when it starts. */
async function setOutOfService(server: TestServer, kioskId: string, outOfService: boolean) {
  const answer = await api(server, 'POST', `/api/kiosks/${kioskId}/out-of-service`, {
    token: server.technician.token,
    body: { outOfService },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}
