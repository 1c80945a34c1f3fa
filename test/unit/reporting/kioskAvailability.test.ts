import { describe, expect, it } from 'vitest';
import {
  availabilityFigures,
  type AvailabilityKiosk,
} from '../../../server/src/reporting/kioskAvailability';

// Each expected figure is worked out by hand from the hours and days given here.

const WEEKDAYS_9_TO_17 = {
  '1': [['09:00', '17:00']],
  '2': [['09:00', '17:00']],
  '3': [['09:00', '17:00']],
  '4': [['09:00', '17:00']],
  '5': [['09:00', '17:00']],
} as AvailabilityKiosk['openingHours'];

const kiosk = (over: Partial<AvailabilityKiosk>): AvailabilityKiosk => ({
  id: 'k1',
  siteId: 's1',
  timeZone: 'Europe/Paris',
  openingHours: WEEKDAYS_9_TO_17,
  enrolled: true,
  firstDay: '2026-06-01',
  lastDay: '2026-06-01',
  ...over,
});

describe('availabilityFigures', () => {
  it('counts opening hours only, weekends closed, today up to now', () => {
    // Monday 1 June 2026 to Wednesday 3 June, 11:30 in Paris (09:30 UTC): 8 h + 8 h + 2.5 h.
    const now = new Date('2026-06-03T09:30:00Z');
    const figures = availabilityFigures(
      [kiosk({})],
      [
        { kioskId: 'k1', day: '2026-06-01', onlineMinutes: 480 },
        { kioskId: 'k1', day: '2026-06-03', onlineMinutes: 150 },
      ],
      ['s1'],
      ['2026-06'],
      now,
    );
    // Tuesday has no record: unavailable. 10.5 h usable of 18.5 h.
    expect(figures[0]).toEqual({
      siteId: 's1',
      month: '2026-06',
      kiosks: 1,
      openHours: 18.5,
      usableHours: 10.5,
      percent: 56.8,
    });
  });

  it('counts a kiosk no longer enrolled up to its last recorded day only', () => {
    const figures = availabilityFigures(
      [kiosk({ enrolled: false, firstDay: '2026-06-01', lastDay: '2026-06-02' })],
      [
        { kioskId: 'k1', day: '2026-06-01', onlineMinutes: 480 },
        { kioskId: 'k1', day: '2026-06-02', onlineMinutes: 240 },
      ],
      ['s1'],
      ['2026-06'],
      new Date('2026-07-15T12:00:00Z'),
    );
    expect(figures[0]).toMatchObject({ openHours: 16, usableHours: 12, percent: 75 });
  });

  it('adds up the kiosks of a site, and leaves a site without opening hours unmeasured', () => {
    const figures = availabilityFigures(
      [
        kiosk({ firstDay: '2026-06-01' }),
        kiosk({ id: 'k2', firstDay: '2026-06-01' }),
        kiosk({ id: 'k3', siteId: 's2', openingHours: {} }),
      ],
      [
        { kioskId: 'k1', day: '2026-06-01', onlineMinutes: 480 },
        { kioskId: 'k2', day: '2026-06-01', onlineMinutes: 0 },
      ],
      ['s1', 's2'],
      ['2026-06'],
      new Date('2026-06-01T20:00:00Z'),
    );
    expect(figures).toEqual([
      { siteId: 's1', month: '2026-06', kiosks: 2, openHours: 16, usableHours: 8, percent: 50 },
      { siteId: 's2', month: '2026-06', kiosks: 0, openHours: 0, usableHours: 0, percent: null },
      { siteId: 's1', month: null, kiosks: 2, openHours: 16, usableHours: 8, percent: 50 },
      { siteId: 's2', month: null, kiosks: 0, openHours: 0, usableHours: 0, percent: null },
      { siteId: null, month: null, kiosks: 2, openHours: 16, usableHours: 8, percent: 50 },
    ]);
  });
});
