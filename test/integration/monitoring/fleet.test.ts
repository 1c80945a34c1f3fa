import type { SignallingClient } from '@visio/shared/client';
import { describe, expect, test } from '../../support/integrationTest';
import {
  kioskMonitoringRequests,
  staffMonitoringEvents,
  staffMonitoringRequests,
  type KioskHeartbeat,
} from '@visio/shared/protocol';
import { eventWhere, eventually, recordTraffic } from '../../support/appointments';

// Kiosk presence as a technician sees it: heartbeats, online/offline within the timeout, alerts
// raised and cleared, and all of it told to console staff only.

test.override({
  serverEnv: {
    KIOSK_HEARTBEAT_INTERVAL_MS: '200',
    KIOSK_HEARTBEAT_TIMEOUT_MS: '800',
    KIOSK_OFFLINE_ALERT_GRACE_MS: '300',
  },
});

function heartbeat(over: Partial<KioskHeartbeat> = {}): KioskHeartbeat {
  return {
    appVersion: '2.4.1',
    screen: 'welcome',
    camera: { present: true, permission: 'granted' },
    microphone: { present: true, permission: 'granted' },
    speakerTestedAt: '2026-01-05T08:00:00.000Z',
    network: { effectiveType: '4g', serverRttMs: 18 },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130',
    ...over,
  };
}

async function fleetEntry(tech: SignallingClient, kioskId: string) {
  const { kiosks } = await tech.request(staffMonitoringRequests.fleetList, {});
  return kiosks.find((k) => k.kioskId === kioskId)!;
}

describe('kiosk fleet', () => {
  test('lists every kiosk with its site, and shows a heartbeating kiosk online with what it reported', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    expect(await kiosk.request(kioskMonitoringRequests.heartbeat, heartbeat())).toEqual({
      intervalMs: 200,
    });
    const { kiosks } = await tech.request(staffMonitoringRequests.fleetList, {});
    expect(kiosks.map((k) => k.kioskId).sort()).toEqual([t.kiosk.id, t.kiosk2.id].sort());
    expect(kiosks.find((k) => k.kioskId === t.kiosk.id)).toMatchObject({
      name: 'Kiosk A',
      siteId: t.site,
      siteName: 'Test site',
      enrolmentState: 'enrolled',
      outOfService: false,
      status: 'online',
      connected: true,
      inCall: false,
      heartbeat: {
        appVersion: '2.4.1',
        screen: 'welcome',
        network: { effectiveType: '4g', serverRttMs: 18 },
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130',
      },
      alerts: [],
    });
  });

  test('a kiosk that stops heartbeating is offline and alerted, and cleared when it beats again', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    await kiosk.request(kioskMonitoringRequests.heartbeat, heartbeat());
    const raised = eventWhere(
      tech,
      staffMonitoringEvents.alertRaised,
      (a) => a.kioskId === t.kiosk.id && a.type === 'kiosk_offline',
    );
    // Silent, though its socket stays open.
    const alert = await raised;
    expect(alert.clearedAt).toBeNull();
    expect(await fleetEntry(tech, t.kiosk.id)).toMatchObject({
      status: 'offline',
      connected: true,
      alerts: [{ id: alert.id, type: 'kiosk_offline' }],
    });

    const cleared = eventWhere(tech, staffMonitoringEvents.alertCleared, (a) => a.id === alert.id);
    const backOnline = eventWhere(
      tech,
      staffMonitoringEvents.fleetChanged,
      (s) => s.kioskId === t.kiosk.id && s.status === 'online',
    );
    await kiosk.request(kioskMonitoringRequests.heartbeat, heartbeat());
    expect((await cleared).clearedAt).not.toBeNull();
    expect((await backOnline).alerts).toEqual([]);
    const { history } = await tech.request(staffMonitoringRequests.alertsList, {});
    expect(history[0]).toMatchObject({ id: alert.id, type: 'kiosk_offline', kioskId: t.kiosk.id });
  });

  test('a kiosk that disconnects is offline at once, alerted after the grace, cleared when back', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    await kiosk.request(kioskMonitoringRequests.heartbeat, heartbeat());
    const offline = eventWhere(
      tech,
      staffMonitoringEvents.fleetChanged,
      (s) => s.kioskId === t.kiosk.id && s.status === 'offline',
    );
    const raised = eventWhere(
      tech,
      staffMonitoringEvents.alertRaised,
      (a) => a.kioskId === t.kiosk.id && a.type === 'kiosk_offline',
    );
    kiosk.socket.close();
    expect(await offline).toMatchObject({ connected: false, alerts: [] });
    const alert = await raised;
    const { active } = await tech.request(staffMonitoringRequests.alertsList, {});
    expect(active).toContainEqual(alert);

    const cleared = eventWhere(tech, staffMonitoringEvents.alertCleared, (a) => a.id === alert.id);
    await client('/kiosk', t.kiosk.token);
    await cleared;
    expect(await fleetEntry(tech, t.kiosk.id)).toMatchObject({ status: 'online', alerts: [] });
  });

  test('raises device alerts from the heartbeat and clears them when the device is back', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const camera = eventWhere(
      tech,
      staffMonitoringEvents.alertRaised,
      (a) => a.kioskId === t.kiosk.id && a.type === 'camera_missing',
    );
    const permission = eventWhere(
      tech,
      staffMonitoringEvents.alertRaised,
      (a) => a.kioskId === t.kiosk.id && a.type === 'permission_denied',
    );
    await kiosk.request(
      kioskMonitoringRequests.heartbeat,
      heartbeat({
        camera: { present: false, permission: 'granted' },
        microphone: { present: true, permission: 'denied' },
      }),
    );
    await Promise.all([camera, permission]);
    expect((await fleetEntry(tech, t.kiosk.id)).alerts.map((a) => a.type).sort()).toEqual([
      'camera_missing',
      'permission_denied',
    ]);
    const cleared = eventWhere(
      tech,
      staffMonitoringEvents.alertCleared,
      (a) => a.kioskId === t.kiosk.id && a.type === 'camera_missing',
    );
    await kiosk.request(kioskMonitoringRequests.heartbeat, heartbeat());
    await cleared;
    expect((await fleetEntry(tech, t.kiosk.id)).alerts).toEqual([]);
  });

  test('alerts an enrolled kiosk that never connected', async ({ t, client }) => {
    const tech = await client('/staff', t.technician.token);
    const active = await eventually(async () => {
      const list = await tech.request(staffMonitoringRequests.alertsList, {});
      return list.active.find((a) => a.kioskId === t.kiosk2.id && a.type === 'kiosk_offline');
    }, 'kiosk B to be alerted offline');
    expect(active.clearedAt).toBeNull();
  });

  test('tells console staff only: advisors and schedulers hear nothing of the fleet', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const admin = await client('/staff', t.admin.token);
    const advisor = await client('/staff', t.advisor.token);
    const scheduler = await client('/staff', t.scheduler.token);
    const heardByAdvisor = recordTraffic(advisor.socket);
    const heardByScheduler = recordTraffic(scheduler.socket);
    const adminHears = eventWhere(
      admin,
      staffMonitoringEvents.alertRaised,
      (a) => a.kioskId === t.kiosk.id && a.type === 'microphone_missing',
    );
    const techHears = eventWhere(
      tech,
      staffMonitoringEvents.fleetChanged,
      (s) => s.kioskId === t.kiosk.id && s.heartbeat?.screen === 'code',
    );
    const kiosk = await client('/kiosk', t.kiosk.token);
    await kiosk.request(
      kioskMonitoringRequests.heartbeat,
      heartbeat({ screen: 'code', microphone: { present: false, permission: 'granted' } }),
    );
    await Promise.all([adminHears, techHears]);
    const monitoringEvents = Object.values(staffMonitoringEvents).map((e) => e.name);
    const leaked = [...heardByAdvisor, ...heardByScheduler].filter((h) =>
      (monitoringEvents as string[]).includes(h.name),
    );
    expect(leaked).toEqual([]);
  });
});
