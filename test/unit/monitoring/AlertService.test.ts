import { describe, expect, it } from 'vitest';
import { AlertService } from '../../../server/src/monitoring/AlertService';

describe('AlertService', () => {
  it('keeps one active alert per type and kiosk, and a newest-first history of cleared ones', () => {
    let now = 1_000;
    const alerts = new AlertService(() => now);
    const events: string[] = [];
    alerts.on('raised', (a) => events.push(`raised ${a.type} ${a.kioskId}`));
    alerts.on('cleared', (a) => events.push(`cleared ${a.type} ${a.kioskId}`));

    const first = alerts.raise('kiosk_offline', 'k1');
    expect(alerts.raise('kiosk_offline', 'k1')).toBe(first);
    alerts.raise('camera_missing', 'k1');
    alerts.raise('kiosk_offline', 'k2');
    expect(alerts.list().map((a) => `${a.type} ${a.kioskId}`)).toEqual([
      'kiosk_offline k1',
      'camera_missing k1',
      'kiosk_offline k2',
    ]);
    expect(alerts.countsByType()).toEqual(
      new Map([
        ['kiosk_offline', 2],
        ['camera_missing', 1],
      ]),
    );

    now = 5_000;
    alerts.clear('kiosk_offline', 'k1');
    alerts.clear('kiosk_offline', 'k1'); // not active any more: nothing happens
    alerts.clearAllOf('k2');
    expect(alerts.activeOf('k1').map((a) => a.type)).toEqual(['camera_missing']);
    const history = alerts.recentlyCleared(10);
    expect(history.map((a) => a.kioskId)).toEqual(['k2', 'k1']);
    expect(history[1]).toMatchObject({
      id: first.id,
      raisedAt: new Date(1_000).toISOString(),
      clearedAt: new Date(5_000).toISOString(),
    });
    expect(alerts.recentlyCleared(1).map((a) => a.kioskId)).toEqual(['k2']);
    expect(events).toEqual([
      'raised kiosk_offline k1',
      'raised camera_missing k1',
      'raised kiosk_offline k2',
      'cleared kiosk_offline k1',
      'cleared kiosk_offline k2',
    ]);
  });
});
