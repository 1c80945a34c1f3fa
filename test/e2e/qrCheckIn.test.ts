import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/testServer';
import { KioskPage } from './pages/KioskPage';
import { bookAppointment } from './support/booking';
import { launchChromium, newMachine } from './support/browser';
import { openE2eStage } from './support/e2eStage';

// Check-in with the convocation's QR code, in real Chromium: the kiosk's camera is Chromium's
// fake capture device playing a Y4M file whose frames show the QR code the advisor app prints
// (the same `qrcode` library, the same 6-digit payload). The kiosk decodes it from real camera
// frames and checks in, with no keypad touched.

const WIDTH = 640;
const HEIGHT = 480;

let t: TestServer;
let dir: string;
const browsers: Browser[] = [];

beforeAll(async () => {
  const stage = await openE2eStage();
  t = stage.t;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-qr-'));
  return stage.close;
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A Y4M video (4:2:0, full-range luma) of a sheet held in front of the camera: the QR code of
 * `text`, black on white, 8 pixels a module, centred on a grey background.
 */
function qrVideo(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const scale = 8;
  const quiet = 4;
  const side = (size + 2 * quiet) * scale;
  const left = Math.floor((WIDTH - side) / 2);
  const top = Math.floor((HEIGHT - side) / 2);
  const luma = Buffer.alloc(WIDTH * HEIGHT, 128);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - quiet;
      const my = Math.floor(y / scale) - quiet;
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
      luma[(top + y) * WIDTH + left + x] = dark ? 16 : 240;
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const file = path.join(dir, `qr-${text.replace(/\W/g, '_')}.y4m`);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
  return file;
}

/** A kiosk machine whose camera films `video`. */
async function kioskFilming(video: string, token: string): Promise<KioskPage> {
  const browser = await launchChromium({ args: [`--use-file-for-fake-video-capture=${video}`] });
  browsers.push(browser);
  const { page } = await newMachine(browser, { viewport: { width: 1080, height: 1920 } });
  const kiosk = new KioskPage(page);
  await kiosk.open(t.url, token);
  await kiosk.screen('welcome').waitFor();
  return kiosk;
}

describe('check-in with the convocation’s QR code', () => {
  it('reads the code from the camera and checks the citizen in, with no digit typed', async () => {
    const { code } = await bookAppointment(t, {
      kioskId: t.kiosk.id,
      advisorId: t.advisor.id,
      serviceId: t.serviceA,
    });
    const kiosk = await kioskFilming(qrVideo(code), t.kiosk.token);

    await kiosk.byId('scan-appointment-button').click();
    await kiosk.screen('code').waitFor();
    await kiosk.byId('qr-scanner').waitFor();
    // The keypad gives way to the camera's picture; a way back to it stays on screen.
    expect(await kiosk.byId('keypad-1').count()).toBe(0);
    await expect(kiosk.byId('code-type-instead').isVisible()).resolves.toBe(true);

    await kiosk.screen('device-check').waitFor({ timeout: 20_000 });
  });

  it('shows a wrong code’s refusal with the keypad back, and does not read the same code again', async () => {
    const wrong = '000000';
    const kiosk = await kioskFilming(qrVideo(wrong), t.kiosk2.token);

    await kiosk.byId('scan-appointment-button').click();
    await kiosk.byId('qr-scanner').waitFor();
    await kiosk.codeError().waitFor({ timeout: 20_000 });
    expect(await kiosk.codeError().getAttribute('data-reason')).toBe('wrong_code');
    // The camera is off and the keypad is back, empty, as after a typed code's refusal: the kiosk
    // never submits the same scan over and over; scanning again is one tap away.
    expect(await kiosk.byId('code-digits').getAttribute('data-value')).toBe('');
    expect(await kiosk.byId('qr-scanner').count()).toBe(0);
    await kiosk.byId('keypad-1').waitFor();
    await expect(kiosk.byId('code-scan').isVisible()).resolves.toBe(true);
  });
});
