import { describe, expect, it } from 'vitest';
import { MediaProgress, type InboundStream } from '../../faults/MediaProgress';

const video = (key: string, framesDecoded: number): InboundStream => ({
  key,
  kind: 'video',
  framesDecoded,
  packetsReceived: 0,
});
const audio = (key: string, packetsReceived: number): InboundStream => ({
  key,
  kind: 'audio',
  framesDecoded: 0,
  packetsReceived,
});

/** Readings every 100 ms from t = 0: `frames[i]` and `packets[i]` are the counters at 100·i ms. */
function progress(
  frames: number[],
  packets: number[],
  keyAt = (_i: number) => 'doc1',
): MediaProgress {
  const p = new MediaProgress();
  frames.forEach((f, i) =>
    p.add(i * 100, [video(`${keyAt(i)}/v`, f), audio(`${keyAt(i)}/a`, packets[i]!)]),
  );
  return p;
}

describe('MediaProgress', () => {
  it('counts a replaced stream (counters back to zero) from zero instead of falling', () => {
    // A reload at 300 ms: new document, counters restart.
    const p = progress([100, 102, 104, 1, 3], [200, 205, 210, 2, 7], (i) => (i < 3 ? 'a' : 'b'));
    expect(p.points.map((x) => x.frames)).toEqual([100, 102, 104, 105, 107]);
    expect(p.points.map((x) => x.packets)).toEqual([200, 205, 210, 212, 217]);
  });

  it('treats a counter that went down under the same key as a new stream', () => {
    const p = progress([50, 60, 2, 4], [50, 60, 2, 4]);
    expect(p.points.map((x) => x.frames)).toEqual([50, 60, 62, 64]);
  });

  it('finds when media resumed after a stall, ignoring a few frames drained after the fault', () => {
    // Fault at 0: 2 frames and 2 packets drain by 100 ms, nothing until 1,000 ms, then flowing.
    const frames = [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 6, 8, 10, 12, 14];
    const packets = [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 7, 12, 17, 22, 27, 32];
    const p = progress(frames, packets);
    expect(p.resumedAt('video', 0, 500, 5)).toBe(1_100);
    expect(p.resumedAt('audio', 0, 500, 5)).toBe(1_100);
  });

  it('does not count what arrived before the reference moment, or across it', () => {
    // Flowing until 200 ms, then stalled; `from` at 250 ms: the first reading after it is the base.
    const p = progress([0, 5, 10, 10, 10, 10], [0, 5, 10, 10, 10, 10]);
    expect(p.resumedAt('video', 250, 500, 5)).toBeUndefined();
    // The same readings, but flowing on after 250 ms: resumed at the second reading after it.
    const q = progress([0, 5, 10, 15, 20, 25], [0, 5, 10, 15, 20, 25]);
    expect(q.resumedAt('video', 250, 500, 5)).toBe(400);
  });

  it('does not take a trickle with pauses longer than allowed for media flowing', () => {
    // One frame now and then, 600 ms apart: never 5 without a pause of 500 ms.
    const frames = [
      0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5,
    ];
    const p = progress(frames, frames);
    expect(p.resumedAt('video', 0, 500, 5)).toBeUndefined();
  });

  it('leaves a resumption unconfirmed until enough arrives within the window', () => {
    const p = progress([0, 0, 1, 2], [0, 0, 1, 2]);
    expect(p.resumedAt('video', 0, 500, 5)).toBeUndefined();
  });

  it('measures the longest time without progress, including up to the end of the interval', () => {
    const frames = [0, 2, 4, 4, 4, 4, 6, 8, 8, 8];
    const p = progress(frames, frames);
    expect(p.longestGap('video', 0, 900)).toBe(400);
    expect(p.longestGap('video', 0, 1_500)).toBe(800);
  });

  it('gives what arrived between the first and last readings of an interval', () => {
    const p = progress([0, 3, 6, 9, 12], [0, 5, 10, 15, 20]);
    expect(p.gainedBetween('video', 100, 300)).toBe(6);
    expect(p.gainedBetween('audio', 150, 400)).toBe(10);
    expect(p.gainedBetween('audio', 450, 900)).toBe(0);
  });
});
