import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  checkInCodeFromQr,
  readCheckInCode,
  type Frame,
} from '../../../kiosk-client/src/features/checkin/qrCode';

/**
 * A camera frame showing `text` as the convocation prints it (the advisor app's settings: error
 * correction M, a 2-module margin), `scale` pixels a module, on a grey background at (x, y).
 */
function frameWith(
  text: string,
  { width = 640, height = 480, scale = 6, x = 200, y = 100, background = 160 } = {},
): Frame {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const margin = 2;
  const data = new Uint8ClampedArray(width * height * 4).fill(background);
  for (let py = 0; py < (size + 2 * margin) * scale; py++) {
    for (let px = 0; px < (size + 2 * margin) * scale; px++) {
      const mx = Math.floor(px / scale) - margin;
      const my = Math.floor(py / scale) - margin;
      const dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx);
      const i = ((y + py) * width + (x + px)) * 4;
      const v = dark ? 20 : 245;
      data[i] = data[i + 1] = data[i + 2] = v;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

describe('the check-in code read from a convocation’s QR code', () => {
  it('reads the six digits the convocation prints', () => {
    expect(readCheckInCode(frameWith('482913'))).toBe('482913');
    expect(readCheckInCode(frameWith('000731', { x: 20, y: 250, scale: 4 }))).toBe('000731');
  });

  it('ignores what is not a check-in code, and a frame without a QR code', () => {
    expect(readCheckInCode(frameWith('https://example.org/482913'))).toBeNull();
    expect(readCheckInCode(frameWith('4829131'))).toBeNull();
    expect(readCheckInCode(frameWith('48291'))).toBeNull();
    expect(
      readCheckInCode({ ...frameWith('482913'), data: new Uint8ClampedArray(640 * 480 * 4) }),
    ).toBeNull();
  });

  it('takes the text as the convocation writes it, spaces around it aside', () => {
    expect(checkInCodeFromQr(' 482913\n')).toBe('482913');
    expect(checkInCodeFromQr('48 29 13')).toBeNull();
    expect(checkInCodeFromQr('٤٨٢٩١٣')).toBeNull();
  });
});
