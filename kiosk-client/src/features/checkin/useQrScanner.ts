import { useEffect, useRef, useState } from 'react';
import { readCheckInCode } from './qrCode';

/** How often a frame is decoded: quick enough to feel instant, light on a kiosk's CPU. */
const SCAN_INTERVAL_MS = 150;
/** Frames are decoded at this width at most (a QR code held up to a webcam reads well at it). */
const SCAN_WIDTH = 640;

export type ScannerState = 'starting' | 'scanning' | 'unavailable';

/**
 * The camera, opened for reading a convocation's QR code while the component using it is mounted
 * (it starts in 'starting' at each mount): a frame every 150 ms is decoded in the page and dropped
 * (nothing is kept, nothing sent). The first check-in code read is handed to `onCode` once, and
 * the camera is closed at once (the device check that follows check-in opens it again). Closed
 * too when unmounted.
 */
export function useQrScanner(onCode: (code: string) => void) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [state, setState] = useState<ScannerState>('starting');
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });

  useEffect(() => {
    let stopped = false;
    let opened: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    const close = () => {
      stopped = true;
      clearTimeout(timer);
      video.srcObject = null;
      opened?.getTracks().forEach((track) => track.stop());
      setStream(null);
    };
    const scan = () => {
      if (stopped) return;
      if (context && video.videoWidth > 0) {
        const scale = Math.min(1, SCAN_WIDTH / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const code = readCheckInCode(context.getImageData(0, 0, canvas.width, canvas.height));
        if (code) {
          close();
          onCodeRef.current(code);
          return;
        }
      }
      timer = setTimeout(scan, SCAN_INTERVAL_MS);
    };

    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then(async (media) => {
        opened = media;
        if (stopped) return void media.getTracks().forEach((track) => track.stop());
        video.srcObject = media;
        await video.play();
        setStream(media);
        setState('scanning');
        scan();
      })
      .catch((error: unknown) => {
        if (stopped) return;
        console.warn('QR scanner: camera unavailable', error);
        setState('unavailable');
      });
    return close;
  }, []);

  return { stream, state };
}
