type DevicePermission = 'granted' | 'denied' | 'prompt' | 'unknown';

export interface KioskHealth {
  readonly camera: { present: boolean; permission: DevicePermission };
  readonly microphone: { present: boolean; permission: DevicePermission };
  readonly effectiveType: string | null;
}

async function permissionOf(name: 'camera' | 'microphone'): Promise<DevicePermission> {
  try {
    // 'camera' and 'microphone' are Chromium names, absent from TypeScript's PermissionName.
    const status = await navigator.permissions.query({ name: name as PermissionName });
    return status.state;
  } catch {
    return 'unknown';
  }
}

/** What the technician needs to know about this kiosk's devices and network (no media). */
export async function readKioskHealth(): Promise<KioskHealth> {
  const devices = await navigator.mediaDevices?.enumerateDevices().catch(() => []);
  const has = (kind: MediaDeviceKind) => (devices ?? []).some((d) => d.kind === kind);
  const [camera, microphone] = await Promise.all([
    permissionOf('camera'),
    permissionOf('microphone'),
  ]);
  const connection = (navigator as Navigator & { connection?: { effectiveType?: unknown } })
    .connection;
  const effectiveType =
    typeof connection?.effectiveType === 'string' &&
    /^[a-z0-9-]{1,16}$/.test(connection.effectiveType)
      ? connection.effectiveType
      : null;
  return {
    camera: { present: has('videoinput'), permission: camera },
    microphone: { present: has('audioinput'), permission: microphone },
    effectiveType,
  };
}
