import { describe, expect, it } from 'vitest';
import { availableOutgoingKbps } from '@visio/shared/client';

// What the controller reads from a send transport's stats: Chromium's estimate on the selected
// candidate pair. A Map stands for the RTCStatsReport (the same forEach).

function report(stats: Record<string, unknown>[]): RTCStatsReport {
  return new Map(stats.map((s) => [String(s.id), s])) as unknown as RTCStatsReport;
}

describe('availableOutgoingKbps', () => {
  it('reads the selected pair named by the transport, not another pair', () => {
    const stats = report([
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
      { id: 'P1', type: 'candidate-pair', state: 'succeeded', availableOutgoingBitrate: 9e6 },
      { id: 'P2', type: 'candidate-pair', state: 'succeeded', availableOutgoingBitrate: 180_000 },
    ]);
    expect(availableOutgoingKbps(stats)).toBe(180);
  });

  it('falls back to the nominated succeeded pair, and says null when the browser gives nothing', () => {
    expect(
      availableOutgoingKbps(
        report([
          { id: 'P1', type: 'candidate-pair', state: 'in-progress', availableOutgoingBitrate: 1 },
          {
            id: 'P2',
            type: 'candidate-pair',
            state: 'succeeded',
            nominated: true,
            availableOutgoingBitrate: 95_000,
          },
        ]),
      ),
    ).toBe(95);
    expect(
      availableOutgoingKbps(report([{ id: 'P', type: 'candidate-pair', state: 'succeeded' }])),
    ).toBeNull();
    expect(availableOutgoingKbps(report([]))).toBeNull();
  });
});
