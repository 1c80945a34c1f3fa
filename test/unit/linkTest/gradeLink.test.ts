import { describe, expect, test } from 'vitest';
import { gradeLink, isWorseGrade, LINK_FLOORS, type LinkMeasure } from '@visio/shared/protocol';

// The grade a kiosk's link gets, from the written-down floors (docs/link-test.md): each floor is
// crossed from both sides, and what held a link back is named.

const allPaths = { udp: true, tcp: true, turn: null } as const;

function measure(over: Partial<LinkMeasure> = {}): LinkMeasure {
  return { reachable: allPaths, rttMs: 30, lossPct: 0, throughputKbps: 1800, ...over };
}

describe('gradeLink', () => {
  test('a fast, clean, near link is good', () => {
    expect(gradeLink(measure())).toEqual({ grade: 'good', limits: [] });
  });

  test('no reachable path is impossible, whatever else was measured', () => {
    expect(gradeLink(measure({ reachable: { udp: false, tcp: false, turn: false } }))).toEqual({
      grade: 'impossible',
      limits: ['no_path'],
    });
    expect(gradeLink(measure({ reachable: { udp: false, tcp: false, turn: null } })).grade).toBe(
      'impossible',
    );
  });

  test('one reachable path is enough: TCP only, or the relay only', () => {
    expect(gradeLink(measure({ reachable: { udp: false, tcp: true, turn: null } })).grade).toBe(
      'good',
    );
    expect(gradeLink(measure({ reachable: { udp: false, tcp: false, turn: true } })).grade).toBe(
      'good',
    );
  });

  test.each([
    // throughput floors: 1000 good, 500 fair (QVGA 20 fps + audio), 40 audio only
    [1000, 'good'],
    [999, 'fair'],
    [500, 'fair'],
    [499, 'audio_only'],
    [40, 'audio_only'],
    [39, 'impossible'],
  ] as const)('%d kbit/s up → %s', (kbps, grade) => {
    expect(gradeLink(measure({ throughputKbps: kbps })).grade).toBe(grade);
  });

  test.each([
    [2, 'good'],
    [2.1, 'fair'],
    [5, 'fair'],
    [5.1, 'audio_only'],
    [15, 'audio_only'],
    [15.1, 'impossible'],
  ] as const)('%d %% loss → %s', (lossPct, grade) => {
    expect(gradeLink(measure({ lossPct })).grade).toBe(grade);
  });

  test.each([
    [250, 'good'],
    [251, 'fair'],
    [400, 'fair'],
    [401, 'audio_only'],
    [1000, 'audio_only'],
    [1001, 'impossible'],
  ] as const)('%d ms round trip → %s', (rttMs, grade) => {
    expect(gradeLink(measure({ rttMs })).grade).toBe(grade);
  });

  test('the worst figure decides, and every figure that held the link back is named', () => {
    expect(gradeLink(measure({ throughputKbps: 700, lossPct: 3, rttMs: 100 }))).toEqual({
      grade: 'fair',
      limits: ['throughput', 'loss'],
    });
    expect(gradeLink(measure({ throughputKbps: 2000, lossPct: 0, rttMs: 600 }))).toEqual({
      grade: 'audio_only',
      limits: ['rtt'],
    });
  });

  test('a figure that could not be measured meets no floor', () => {
    expect(gradeLink(measure({ throughputKbps: null }))).toEqual({
      grade: 'impossible',
      limits: ['throughput'],
    });
    expect(gradeLink(measure({ rttMs: null })).grade).toBe('impossible');
  });

  test('the floors are ordered: each grade asks more than the next', () => {
    const { good, fair, audio_only } = LINK_FLOORS;
    expect(good.minKbps).toBeGreaterThan(fair.minKbps);
    expect(fair.minKbps).toBeGreaterThan(audio_only.minKbps);
    expect(good.maxLossPct).toBeLessThan(fair.maxLossPct);
    expect(fair.maxRttMs).toBeLessThan(audio_only.maxRttMs);
  });

  test('isWorseGrade orders the grades', () => {
    expect(isWorseGrade('fair', 'good')).toBe(true);
    expect(isWorseGrade('impossible', 'audio_only')).toBe(true);
    expect(isWorseGrade('good', 'fair')).toBe(false);
    expect(isWorseGrade('fair', 'fair')).toBe(false);
  });
});
