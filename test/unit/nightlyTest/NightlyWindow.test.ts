import { describe, expect, test } from 'vitest';
import { NightlyWindow } from '../../../server/src/monitoring/NightlyWindow';

// The nightly window in a site's local time: which night an instant belongs to, if any.

const PARIS = 'Europe/Paris';

describe('NightlyWindow', () => {
  test('a window within one day: inside it the night is that day, outside none', () => {
    const w = NightlyWindow.parse('02:00-05:00');
    // 02:30 in Paris in winter is 01:30 UTC.
    expect(w.nightOf(new Date('2026-12-02T01:30:00Z'), PARIS)).toBe('2026-12-02');
    expect(w.nightOf(new Date('2026-12-02T00:59:00Z'), PARIS)).toBeNull(); // 01:59 local
    expect(w.nightOf(new Date('2026-12-02T01:00:00Z'), PARIS)).toBe('2026-12-02'); // 02:00
    expect(w.nightOf(new Date('2026-12-02T04:00:00Z'), PARIS)).toBeNull(); // 05:00: end excluded
    expect(w.nightOf(new Date('2026-12-02T12:00:00Z'), PARIS)).toBeNull();
  });

  test('the same instant is inside the window at one site and outside at another', () => {
    const w = NightlyWindow.parse('02:00-05:00');
    const instant = new Date('2026-12-02T01:30:00Z');
    expect(w.nightOf(instant, PARIS)).toBe('2026-12-02');
    expect(w.nightOf(instant, 'America/Cayenne')).toBeNull(); // 22:30 local
    expect(w.nightOf(instant, 'Indian/Reunion')).toBeNull(); // 05:30 local
  });

  test('a window over midnight is one night, named by the day it opened', () => {
    const w = NightlyWindow.parse('23:00-04:00');
    expect(w.nightOf(new Date('2026-12-01T22:30:00Z'), PARIS)).toBe('2026-12-01'); // 23:30
    expect(w.nightOf(new Date('2026-12-02T01:00:00Z'), PARIS)).toBe('2026-12-01'); // 02:00 next day
    expect(w.nightOf(new Date('2026-12-02T03:00:00Z'), PARIS)).toBeNull(); // 04:00
    expect(w.nightOf(new Date('2026-12-01T21:59:00Z'), PARIS)).toBeNull(); // 22:59
  });

  test('the night the clocks go back is still one night', () => {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET in Paris.
    const w = NightlyWindow.parse('22:00-06:00');
    expect(w.nightOf(new Date('2026-10-24T20:30:00Z'), PARIS)).toBe('2026-10-24'); // 22:30 CEST
    expect(w.nightOf(new Date('2026-10-25T00:30:00Z'), PARIS)).toBe('2026-10-24'); // 02:30 CEST
    expect(w.nightOf(new Date('2026-10-25T01:30:00Z'), PARIS)).toBe('2026-10-24'); // 02:30 CET
    expect(w.nightOf(new Date('2026-10-25T04:59:00Z'), PARIS)).toBe('2026-10-24'); // 05:59 CET
  });

  test('malformed windows are refused', () => {
    for (const bad of [
      '',
      '2-5',
      '02:00',
      '02:00-02:00',
      '25:00-03:00',
      '02:00-05:60',
      '24:00-02:00',
    ])
      expect(() => NightlyWindow.parse(bad), bad).toThrow();
    expect(
      NightlyWindow.parse('00:00-24:00').nightOf(new Date('2026-12-02T12:00:00Z'), PARIS),
    ).toBe('2026-12-02');
  });
});
