import { Device, type types as ms } from 'mediasoup-client';

/**
 * Loaded Devices by router capabilities. `Device.load()` builds an RTCPeerConnection to learn the
 * browser's own capabilities, which costs hundreds of milliseconds; every call router of a server
 * has the same capabilities, so one Device per page serves every call after the first.
 */
const loadedDevices = new Map<string, Promise<ms.Device>>();
const MAX_CACHED_DEVICES = 4;

export function loadDevice(routerRtpCapabilities: unknown): Promise<ms.Device> {
  const key = JSON.stringify(routerRtpCapabilities);
  let device = loadedDevices.get(key);
  if (!device) {
    device = (async () => {
      const created = await Device.factory();
      await created.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
      return created;
    })();
    device.catch(() => loadedDevices.delete(key));
    if (loadedDevices.size >= MAX_CACHED_DEVICES) {
      const oldest = loadedDevices.keys().next().value;
      if (oldest !== undefined) loadedDevices.delete(oldest);
    }
    loadedDevices.set(key, device);
  }
  return device;
}
