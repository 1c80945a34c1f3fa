import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KioskPage } from './pages/KioskPage';
import { bookAppointment } from './support/booking';
import { CHROMIUM, launchChromium, newMachine } from './support/browser';
import { NetworkNamespace } from '../support/NetworkNamespace';
import { ServerProcess } from '../support/ServerProcess';

// The pre-call link test in real Chromium, the kiosk in a network namespace of its own (the server
// listens, HTTP and media, on the host's end of the veth pair): on an open network both direct
// paths are reachable and the device check shows a grade; with every UDP packet dropped, the
// result says UDP unreachable and TCP (ICE-TCP) reachable.

let network: NetworkNamespace;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  network = await NetworkNamespace.create();
  // Each test runs its own link test from the same kiosk: no interval between them here.
  server = await ServerProcess.start({
    host: network.hostAddress,
    env: { LINK_TEST_MIN_INTERVAL_MS: '0' },
  });
  browser = await launchChromium({
    executablePath: network.chromiumWrapper(CHROMIUM),
    args: [`--unsafely-treat-insecure-origin-as-secure=${server.url}`],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await network?.destroy();
});

/**
 * Checks in at a kiosk and waits on the device check until the link test has answered. Each test
 * books its own kiosk and advisor: the first test's citizen is still checked in.
 */
async function linkCheckAtDeviceCheck(which: 'kiosk' | 'kiosk2', advisor: 'advisor' | 'advisor2') {
  const f = server.fixtures;
  const { code } = await bookAppointment(
    { url: server.url, scheduler: f.scheduler },
    { kioskId: f[which].id, advisorId: f[advisor].id, serviceId: f.serviceA },
  );
  const machine = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
  const kiosk = new KioskPage(machine.page);
  await kiosk.open(server.url, f[which].token);
  await kiosk.screen('welcome').waitFor();
  await kiosk.checkIn(code, { stayOnDeviceCheck: true });
  await kiosk.screen('device-check').waitFor();
  const sentence = kiosk.byId('link-check');
  // The test's own bounds: 4 s to connect, 1 s + 3 s of phases, up to 2 s of drain.
  await expect.poll(() => sentence.getAttribute('data-phase'), { timeout: 30_000 }).toBe('done');
  const result = {
    grade: await sentence.getAttribute('data-grade'),
    udp: await sentence.getAttribute('data-udp'),
    tcp: await sentence.getAttribute('data-tcp'),
    text: (await sentence.textContent()) ?? '',
  };
  // The citizen may always go on, whatever the grade.
  await expect.poll(() => kiosk.byId('device-check-continue').isEnabled()).toBe(true);
  await machine.context.close();
  return result;
}

describe('pre-call link test (kiosk in a network namespace)', () => {
  test('open network: UDP and TCP reachable, a grade in a plain sentence without figures', async () => {
    const result = await linkCheckAtDeviceCheck('kiosk', 'advisor');
    expect(result.udp).toBe('true');
    expect(result.tcp).toBe('true');
    expect(['good', 'fair', 'audio_only']).toContain(result.grade);
    expect(result.text).not.toMatch(/\d/);
  }, 90_000);

  test('all UDP dropped: the result says UDP unreachable and TCP reachable', async () => {
    await network.iptables('-A', 'OUTPUT', '-p', 'udp', '-j', 'DROP');
    await network.iptables('-A', 'INPUT', '-p', 'udp', '-j', 'DROP');
    const result = await linkCheckAtDeviceCheck('kiosk2', 'advisor2');
    expect(result.udp).toBe('false');
    expect(result.tcp).toBe('true');
    expect(result.grade).not.toBe('impossible');
  }, 90_000);
});
