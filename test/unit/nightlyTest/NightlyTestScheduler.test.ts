import pino from 'pino';
import { describe, expect, test } from 'vitest';
import {
  NightlyTestScheduler,
  type NightlyCandidate,
} from '../../../server/src/monitoring/NightlyTestScheduler';
import { NightlyWindow } from '../../../server/src/monitoring/NightlyWindow';

// The scheduler's rules, with the clock and the fleet as plain values: within the window,
// outside opening hours, once per night per kiosk, bounded concurrency, one node per kiosk.

const PARIS = 'Europe/Paris';
const logger = pino({ level: 'silent' });

function kiosk(kioskId: string, open = false): NightlyCandidate {
  return { kioskId, timeZone: PARIS, isOpenAt: () => open };
}

function rig(options: {
  now: string;
  kiosks: NightlyCandidate[];
  tested?: Record<string, string>;
  maxConcurrent?: number;
  inProgress?: number;
  lease?: (name: string) => boolean;
}) {
  const asked: string[] = [];
  let now = new Date(options.now).getTime();
  const scheduler = new NightlyTestScheduler({
    window: NightlyWindow.parse('02:00-05:00'),
    maxConcurrent: options.maxConcurrent ?? 10,
    idleKiosks: () => Promise.resolve(options.kiosks),
    lastTestedAt: () => Promise.resolve(new Map(Object.entries(options.tested ?? {}))),
    inProgress: () => options.inProgress ?? 0,
    ask: (kioskId) => asked.push(kioskId),
    oncePerPeriod:
      options.lease &&
      (async (name, _period, task) => {
        if (!options.lease!(name)) return false;
        await task();
        return true;
      }),
    retryAfterMs: 5 * 60_000,
    logger,
    now: () => now,
  });
  return { scheduler, asked, advance: (ms: number) => (now += ms) };
}

describe('NightlyTestScheduler', () => {
  test('asks every idle kiosk within the window, none outside it', async () => {
    const inside = rig({ now: '2026-12-02T01:30:00Z', kiosks: [kiosk('a'), kiosk('b')] });
    expect(await inside.scheduler.tick()).toEqual(['a', 'b']);
    const outside = rig({ now: '2026-12-02T06:30:00Z', kiosks: [kiosk('a'), kiosk('b')] });
    expect(await outside.scheduler.tick()).toEqual([]);
  });

  test('a site open at that hour is left alone', async () => {
    const r = rig({ now: '2026-12-02T01:30:00Z', kiosks: [kiosk('a', true), kiosk('b')] });
    expect(await r.scheduler.tick()).toEqual(['b']);
  });

  test('once per night: a kiosk tested this night is not asked again; last night does not count', async () => {
    const r = rig({
      now: '2026-12-02T02:30:00Z',
      kiosks: [kiosk('a'), kiosk('b')],
      tested: { a: '2026-12-02T01:10:00Z', b: '2026-12-01T01:10:00Z' },
    });
    expect(await r.scheduler.tick()).toEqual(['b']);
  });

  test('bounded concurrency: no more asked than free slots', async () => {
    const r = rig({
      now: '2026-12-02T01:30:00Z',
      kiosks: [kiosk('a'), kiosk('b'), kiosk('c'), kiosk('d')],
      maxConcurrent: 3,
      inProgress: 1,
    });
    expect(await r.scheduler.tick()).toEqual(['a', 'b']);
    const full = rig({
      now: '2026-12-02T01:30:00Z',
      kiosks: [kiosk('a')],
      maxConcurrent: 2,
      inProgress: 2,
    });
    expect(await full.scheduler.tick()).toEqual([]);
  });

  test('a kiosk that declined is asked again only after the retry delay', async () => {
    const r = rig({ now: '2026-12-02T01:30:00Z', kiosks: [kiosk('a')] });
    expect(await r.scheduler.tick()).toEqual(['a']);
    r.advance(60_000);
    expect(await r.scheduler.tick()).toEqual([]);
    r.advance(5 * 60_000);
    expect(await r.scheduler.tick()).toEqual(['a']);
  });

  test('several nodes: a kiosk whose lease another node holds is not asked here', async () => {
    const r = rig({
      now: '2026-12-02T01:30:00Z',
      kiosks: [kiosk('a'), kiosk('b')],
      maxConcurrent: 1,
      lease: (name) => name !== 'nightly-test:a',
    });
    // 'a' is another node's: its slot stays free for 'b'.
    expect(await r.scheduler.tick()).toEqual(['b']);
  });
});
