import { describe, expect, it } from 'vitest';
import { judge, stat } from '../../../server/src/monitoring/qualityVerdict';

const none = { packetLossPercent: null, jitterMs: null, rttMs: null, freezesPerMinute: null };

describe('judge', () => {
  it('has no verdict when nothing was measured', () => {
    expect(judge(none)).toEqual({ verdict: null, reasons: [] });
  });

  it.each([
    ['good loss', { packetLossPercent: 2 }, 'good', []],
    ['fair loss', { packetLossPercent: 2.1 }, 'fair', ['packet_loss']],
    ['poor loss', { packetLossPercent: 5.5 }, 'poor', ['packet_loss']],
    ['fair jitter', { jitterMs: 31 }, 'fair', ['jitter']],
    ['poor jitter', { jitterMs: 51 }, 'poor', ['jitter']],
    ['good rtt at the limit', { rttMs: 300 }, 'good', []],
    ['fair rtt', { rttMs: 301 }, 'fair', ['rtt']],
    ['poor rtt', { rttMs: 800 }, 'poor', ['rtt']],
    ['fair freezes', { freezesPerMinute: 1 }, 'fair', ['freezes']],
    ['poor freezes', { freezesPerMinute: 3 }, 'poor', ['freezes']],
  ] as const)('%s', (_name, figures, verdict, reasons) => {
    expect(judge({ ...none, ...figures })).toEqual({ verdict, reasons });
  });

  it('takes the worst figure and names every figure that is not good', () => {
    expect(judge({ packetLossPercent: 3, jitterMs: 10, rttMs: 900, freezesPerMinute: 0 })).toEqual({
      verdict: 'poor',
      reasons: ['packet_loss', 'rtt'],
    });
  });
});

describe('stat', () => {
  it('is null for no values', () => {
    expect(stat([])).toBeNull();
  });

  it('gives the mean and the nearest-rank 95th percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(stat(values)).toEqual({ avg: 50.5, p95: 95 });
    expect(stat([4])).toEqual({ avg: 4, p95: 4 });
    expect(stat([10, 1, 7])).toEqual({ avg: 6, p95: 10 });
  });
});
