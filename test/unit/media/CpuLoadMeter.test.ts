import { describe, expect, it } from 'vitest';
import { CpuLoadMeter, projectedLoad } from '../../../server/src/media/CpuLoadMeter';

describe('CpuLoadMeter', () => {
  it('has no figure until its readings span half the window', () => {
    const meter = new CpuLoadMeter(1_000);
    expect(meter.load).toBeNull();
    meter.record(0, 0);
    meter.record(250, 100);
    expect(meter.load).toBeNull();
    meter.record(500, 200);
    expect(meter.load).toBeCloseTo(0.4);
  });

  it('measures the share of one core over the last window only', () => {
    const meter = new CpuLoadMeter(1_000);
    // Idle for two seconds, then a full core for one.
    let cpu = 0;
    for (let t = 0; t <= 2_000; t += 250) meter.record(t, cpu);
    expect(meter.load).toBe(0);
    for (let t = 2_250; t <= 3_000; t += 250) meter.record(t, (cpu += 250));
    expect(meter.load).toBeCloseTo(1);
    // Half a core from then on: the window forgets the full second.
    for (let t = 3_250; t <= 4_000; t += 250) meter.record(t, (cpu += 125));
    expect(meter.load).toBeCloseTo(0.5);
  });

  it('starts over when the CPU time goes back (a respawned worker) and after a reset', () => {
    const meter = new CpuLoadMeter(1_000);
    meter.record(0, 5_000);
    meter.record(1_000, 5_900);
    expect(meter.load).toBeCloseTo(0.9);
    meter.record(1_250, 10);
    expect(meter.load).toBeNull();
    meter.record(1_750, 60);
    expect(meter.load).toBeCloseTo(0.1);
    meter.reset();
    expect(meter.load).toBeNull();
  });
});

describe('projectedLoad', () => {
  it('adds to the measured load what the average room costs, per recent room', () => {
    // 10 rooms make 80 %; the 2 placed lately will cost as much as the average room.
    expect(projectedLoad(0.8, 10, 2)).toBeCloseTo(0.96);
    expect(projectedLoad(0.4, 4, 0)).toBeCloseTo(0.4);
  });

  it('is the measured load without rooms, and never projects more rooms than there are', () => {
    expect(projectedLoad(0.05, 0, 0)).toBeCloseTo(0.05);
    expect(projectedLoad(0.3, 3, 3)).toBeCloseTo(0.6);
    expect(projectedLoad(0.3, 3, 5)).toBeCloseTo(0.6);
  });
});
