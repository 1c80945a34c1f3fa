import jsQR from 'jsqr';
import { CheckInCodeSchema } from '@visio/shared/protocol';

/**
 * What the convocation's QR code carries: the 6-digit check-in code and nothing else (see the
 * advisor app's ConvocationView). Anything else in front of the camera (another QR code, a URL, a
 * code of the wrong length) is not a check-in code and is ignored, never sent.
 */
export function checkInCodeFromQr(text: string): string | null {
  const candidate = text.trim();
  return CheckInCodeSchema.safeParse(candidate).success ? candidate : null;
}

/** One camera frame as RGBA pixels (an `ImageData`, or the same shape in a test). */
export interface Frame {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * The check-in code in this frame, if a convocation's QR code is readable in it. The frame never
 * leaves the page: it is decoded here and dropped.
 */
export function readCheckInCode(frame: Frame): string | null {
  // A printed QR code is dark on light: the inverted pass would double the cost of every frame.
  const found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
  return found ? checkInCodeFromQr(found.data) : null;
}
