import { Device, type types as ms } from 'mediasoup-client';
import { mediaRequests } from '../protocol';
import type { SignallingClient } from './SignallingClient';

/**
 * Loaded Devices by router capabilities. `Device.load()` builds an RTCPeerConnection to learn the
 * browser's own capabilities, which costs hundreds of milliseconds; every call router of a server
 * has the same capabilities, so one Device per page serves every call after the first.
 */
const loadedDevices = new Map<string, Promise<ms.Device>>();
/** The same Devices once loaded, to be had without waiting (`loadedDevice`). */
const readyDevices = new Map<string, ms.Device>();
const MAX_CACHED_DEVICES = 4;

export function loadDevice(routerRtpCapabilities: unknown): Promise<ms.Device> {
  const key = JSON.stringify(routerRtpCapabilities);
  let device = loadedDevices.get(key);
  if (!device) {
    const loading = (async () => {
      const created = await Device.factory();
      await created.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
      return created;
    })();
    // Still the cached one once loaded (not evicted meanwhile): to be had at once from then on.
    void loading.then(
      (created) => loadedDevices.get(key) === loading && readyDevices.set(key, created),
      () => undefined,
    );
    device = loading;
    device.catch(() => loadedDevices.delete(key));
    if (loadedDevices.size >= MAX_CACHED_DEVICES) {
      const oldest = loadedDevices.keys().next().value;
      if (oldest !== undefined) {
        loadedDevices.delete(oldest);
        readyDevices.delete(oldest);
      }
    }
    loadedDevices.set(key, device);
  }
  return device;
}

/**
 * The Device for these capabilities if one is loaded already, at once: a call that starts can
 * then send its first requests and start its first offers in the very task that heard of it,
 * before the app renders the call (a render that would otherwise run first and delay them).
 */
export function loadedDevice(routerRtpCapabilities: unknown): ms.Device | undefined {
  return readyDevices.get(JSON.stringify(routerRtpCapabilities));
}

/**
 * Loads the page's Device ahead of its first call, with the capabilities every call router of
 * the server has (`media:capabilities`): that call then starts its media in the task that hears
 * of it, like every later one. Best effort: a failure leaves the Device to load with the call.
 */
export async function preloadDevice(signalling: SignallingClient): Promise<void> {
  try {
    const { rtpCapabilities } = await signalling.request(mediaRequests.capabilities, {});
    await loadDevice(rtpCapabilities);
  } catch (error) {
    console.warn('media Device not loaded ahead of the call', error);
  }
}
