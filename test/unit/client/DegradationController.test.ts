import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_DEGRADATION_OPTIONS,
  DegradationController,
  availableOutgoingKbps,
  receiverReports,
  type VideoTarget,
} from '@visio/shared/client';

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

describe('receiverReports', () => {
  it('gives the largest round trip (ms) and loss among the streams the transport sends', () => {
    const stats = report([
      { id: 'A', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.04, fractionLost: 0 },
      {
        id: 'V',
        type: 'remote-inbound-rtp',
        kind: 'video',
        roundTripTime: 0.31,
        fractionLost: 0.1,
      },
      { id: 'R', type: 'remote-outbound-rtp', roundTripTime: 9 },
    ]);
    expect(receiverReports(stats)).toEqual({ rttMs: 310, lossFraction: 0.1 });
  });

  it('says null for what no report gives yet', () => {
    expect(receiverReports(report([]))).toEqual({ rttMs: null, lossFraction: null });
    expect(
      receiverReports(report([{ id: 'V', type: 'remote-inbound-rtp', fractionLost: 0.03 }])),
    ).toEqual({ rttMs: null, lossFraction: 0.03 });
  });
});

describe('DegradationController', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the policy a fresh start when the camera resumes, not a stale estimate', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    let sends = true;
    let kbps = 2000;
    const applied: VideoTarget[] = [];
    const modes: string[] = [];
    const controller = new DegradationController(
      {
        readSendStats: () =>
          Promise.resolve(
            report([
              { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
              { id: 'P', type: 'candidate-pair', availableOutgoingBitrate: kbps * 1000 },
            ]),
          ),
        apply: (target) => {
          applied.push(target);
          return Promise.resolve();
        },
        sendsOtherwise: () => sends,
      },
      (mode) => modes.push(mode),
    );
    controller.start();
    await vi.advanceTimersByTimeAsync(5_000);
    // Held (the far side's line in audio + text): the camera sends audio only, and the browser's
    // estimate sinks to what it sends.
    sends = false;
    kbps = 100;
    await vi.advanceTimersByTimeAsync(20_000);
    // Resumed: the estimate stays stale for most of the grace, then the browser's probe lifts it.
    sends = true;
    const { resumeGraceMs } = DEFAULT_DEGRADATION_OPTIONS;
    await vi.advanceTimersByTimeAsync(resumeGraceMs - 500);
    kbps = 2000;
    await vi.advanceTimersByTimeAsync(10_000);
    controller.close();
    expect(modes).toEqual([]);
    expect(applied).toEqual([]);
    expect(controller.target).toEqual({ mode: 'video', send: true, rung: 0, capKbps: null });
  });
});
