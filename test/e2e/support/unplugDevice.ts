import type { Page } from 'playwright-core';

/**
 * The camera is unplugged: for the next `refusals` tries the browser finds no camera (as
 * getUserMedia answers for a device that is gone), and every live camera track of the page ends
 * as Chromium ends them when their device goes: stopped, and `ended` fired on each (a track the
 * page stops itself does not fire it, so the test fires it as the browser would).
 */
export async function unplugCamera(page: Page, refusals: number): Promise<string[]> {
  return unplug(page, 'video', refusals);
}

/** As `unplugCamera`, for the device of either kind. */
export async function unplug(
  page: Page,
  kind: 'audio' | 'video',
  refusals: number,
): Promise<string[]> {
  return page.evaluate(
    ({ count, kind }) => {
      const devices = navigator.mediaDevices;
      const open = devices.getUserMedia.bind(devices);
      let left = count;
      devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
        if (constraints?.[kind] && left > 0) {
          left -= 1;
          throw new DOMException('Requested device not found', 'NotFoundError');
        }
        return open(constraints);
      };
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
      const sent = pcs.flatMap((pc) => pc.getSenders().map((sender) => sender.track));
      const shown = [...document.querySelectorAll('video')].flatMap((video) =>
        video.srcObject instanceof MediaStream ? video.srcObject.getTracks() : [],
      );
      const cameras = [...new Set([...sent, ...shown])].filter(
        (track): track is MediaStreamTrack =>
          track !== null && track.kind === kind && track.readyState === 'live',
      );
      for (const track of cameras) track.stop();
      for (const track of cameras) track.dispatchEvent(new Event('ended'));
      return cameras.map((track) => track.id);
    },
    { count: refusals, kind },
  );
}
