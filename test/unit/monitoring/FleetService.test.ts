import { randomUUID } from 'node:crypto';
import { createLogger } from '@visio/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KioskSummary } from '@visio/shared/protocol';
import { AlertService } from '../../../server/src/monitoring/AlertService';
import { FleetService } from '../../../server/src/monitoring/FleetService';
import { KioskPresence } from '../../../server/src/monitoring/KioskPresence';
import type { Alert, KioskHeartbeat } from '@visio/shared/protocol';

const TIMEOUT = 3_000;
const GRACE = 1_000;

function summary(over: Partial<KioskSummary> = {}): KioskSummary {
  return {
    kioskId: randomUUID(),
    name: 'Kiosk',
    siteId: randomUUID(),
    siteName: 'Site',
    enrolmentState: 'enrolled',
    enrolmentCodeExpiresAt: null,
    outOfService: false,
    ...over,
  };
}

function heartbeat(over: Partial<KioskHeartbeat> = {}): KioskHeartbeat {
  return {
    appVersion: '1.0.0',
    screen: 'welcome',
    camera: { present: true, permission: 'granted' },
    microphone: { present: true, permission: 'granted' },
    speakerTestedAt: null,
    network: { effectiveType: '4g', serverRttMs: 20 },
    userAgent: 'test',
    ...over,
  };
}

let kiosks: KioskSummary[];
let presence: KioskPresence;
let alerts: AlertService;
let fleet: FleetService;
let raised: Alert[];
let cleared: Alert[];

beforeEach(async () => {
  vi.useFakeTimers({ now: new Date('2026-01-05T09:00:00Z') });
  kiosks = [summary({ name: 'A' }), summary({ name: 'B' })];
  presence = new KioskPresence();
  alerts = new AlertService();
  raised = [];
  cleared = [];
  alerts.on('raised', (a) => raised.push(a));
  alerts.on('cleared', (a) => cleared.push(a));
  const catalogue = {
    listKioskSummaries: () => Promise.resolve([...kiosks]),
    kioskSummary: (id: string) => Promise.resolve(kiosks.find((k) => k.kioskId === id)),
  };
  fleet = new FleetService(
    catalogue,
    presence,
    () => false,
    alerts,
    { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: TIMEOUT, offlineAlertGraceMs: GRACE },
    createLogger('silent'),
  );
  await fleet.start();
});
afterEach(() => {
  fleet.stop();
  vi.useRealTimers();
});

const statusOf = async (id: string) => (await fleet.statusOf(id))!;
const offlineAlerts = (id: string) =>
  raised.filter((a) => a.kioskId === id && a.type === 'kiosk_offline');

describe('FleetService', () => {
  it('is online while connected and heard from; silent past the timeout it is offline and alerted at once', async () => {
    const [a] = kiosks;
    presence.connected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(10);
    expect(await statusOf(a!.kioskId)).toMatchObject({ status: 'online', connected: true });
    expect(await fleet.heartbeat(a!.kioskId, heartbeat())).toEqual({ intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(TIMEOUT - 500);
    expect((await statusOf(a!.kioskId)).status).toBe('online');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await statusOf(a!.kioskId)).toMatchObject({ status: 'offline', connected: true });
    expect(offlineAlerts(a!.kioskId)).toHaveLength(1);
    await fleet.heartbeat(a!.kioskId, heartbeat());
    expect((await statusOf(a!.kioskId)).status).toBe('online');
    expect(cleared.map((c) => [c.kioskId, c.type])).toEqual([[a!.kioskId, 'kiosk_offline']]);
  });

  it('shows a disconnection at once but alerts only if the kiosk stays away past the grace', async () => {
    const [a] = kiosks;
    presence.connected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(10);
    // A page reload: back within the grace, no alert.
    presence.disconnected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(10);
    expect((await statusOf(a!.kioskId)).status).toBe('offline');
    await vi.advanceTimersByTimeAsync(GRACE / 2);
    presence.connected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(GRACE * 2);
    expect(offlineAlerts(a!.kioskId)).toEqual([]);
    // Gone for good: alerted once the grace has passed.
    presence.disconnected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(GRACE - 300);
    expect(offlineAlerts(a!.kioskId)).toEqual([]);
    await vi.advanceTimersByTimeAsync(600);
    expect(offlineAlerts(a!.kioskId)).toHaveLength(1);
    expect((await statusOf(a!.kioskId)).alerts.map((x) => x.type)).toEqual(['kiosk_offline']);
  });

  it('counts a kiosk enrolled since the start that drops before its summary is read as disconnected, not never seen', async () => {
    // Enrolled after the start: its summary comes from the store when it first connects, and a
    // slow store (PostgreSQL under load) answers after the kiosk has already gone.
    const late = summary({ name: 'Late' });
    kiosks.push(late);
    presence.connected(late.kioskId);
    presence.disconnected(late.kioskId);
    await vi.advanceTimersByTimeAsync(10);
    expect(await statusOf(late.kioskId)).toMatchObject({ status: 'offline', connected: false });
    await vi.advanceTimersByTimeAsync(GRACE + 500);
    // Alerted after the disconnection grace, as any kiosk that went away, not after the timeout.
    expect(offlineAlerts(late.kioskId)).toHaveLength(1);
    expect(GRACE + 500).toBeLessThan(TIMEOUT);
  });

  it('alerts enrolled kiosks never seen since the start after the heartbeat timeout, but not out-of-service or pending ones', async () => {
    kiosks.push(summary({ outOfService: true }), summary({ enrolmentState: 'pending' }));
    const [a, b, outOfService, pending] = kiosks;
    await fleet.list();
    presence.connected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(TIMEOUT - 200);
    expect(offlineAlerts(b!.kioskId)).toEqual([]);
    await vi.advanceTimersByTimeAsync(400);
    expect(offlineAlerts(b!.kioskId)).toHaveLength(1);
    expect(offlineAlerts(outOfService!.kioskId)).toEqual([]);
    expect(offlineAlerts(pending!.kioskId)).toEqual([]);
    // Taking the alerted kiosk out of service clears its offline alert.
    kiosks[1] = { ...b!, outOfService: true };
    await fleet.refresh(b!.kioskId);
    expect(alerts.isActive('kiosk_offline', b!.kioskId)).toBe(false);
  });

  it('raises and clears device alerts from heartbeats', async () => {
    const [a] = kiosks;
    presence.connected(a!.kioskId);
    await fleet.heartbeat(
      a!.kioskId,
      heartbeat({
        camera: { present: false, permission: 'unknown' },
        microphone: { present: true, permission: 'denied' },
      }),
    );
    expect(
      alerts
        .activeOf(a!.kioskId)
        .map((x) => x.type)
        .sort(),
    ).toEqual(['camera_missing', 'permission_denied']);
    await fleet.heartbeat(
      a!.kioskId,
      heartbeat({ microphone: { present: false, permission: 'granted' } }),
    );
    expect(alerts.activeOf(a!.kioskId).map((x) => x.type)).toEqual(['microphone_missing']);
    const status = await statusOf(a!.kioskId);
    expect(status.heartbeat).toMatchObject({ appVersion: '1.0.0', screen: 'welcome' });
    expect(status.alerts.map((x) => x.type)).toEqual(['microphone_missing']);
  });

  it('tells the console when something shown changes, not at every identical heartbeat', async () => {
    const [a] = kiosks;
    const changes: string[] = [];
    fleet.on('changed', (s) => changes.push(`${s.status}:${s.heartbeat?.screen ?? '-'}`));
    presence.connected(a!.kioskId);
    await vi.advanceTimersByTimeAsync(10);
    await fleet.heartbeat(a!.kioskId, heartbeat());
    await fleet.heartbeat(a!.kioskId, heartbeat());
    await fleet.heartbeat(a!.kioskId, heartbeat({ screen: 'code' }));
    expect(changes).toEqual(['online:-', 'online:welcome', 'online:code']);
    expect(fleet.onlineCount).toBe(1);
  });
});
