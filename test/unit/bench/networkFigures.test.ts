import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cameraOutbound,
  realInbound,
  receivedFigures,
  sentFigures,
  videoNow,
  type PageSample,
  type RtcStat,
} from '../../../bench/network/mediaFigures';

// Two readings 2 s apart of each page of a real call (Chromium 156, mediasoup-client 3.24, the
// fake cameras at 30 fps, no impairment), captured with
// `NETWORK_CAPTURE=<dir> NETWORK_CASES=1000/0 node --import tsx bench/network/run.ts`. Every
// getStats() entry is kept but the certificates and ICE candidates (the machine's addresses).
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const recorded = (name: string) =>
  JSON.parse(
    fs.readFileSync(path.join(FIXTURES, `network-${name}-getstats.json`), 'utf8'),
  ) as PageSample[];

const inboundOf = (sample: PageSample, kind: string) =>
  sample.reports.flat().filter((s) => s.type === 'inbound-rtp' && s.kind === kind);

describe('the stream a page plays, in real Chromium reports', () => {
  for (const page of ['advisor', 'kiosk']) {
    const [first, second] = recorded(page) as [PageSample, PageSample];

    it(`${page}: Chromium lists the probator first; the real video stream is the one played`, () => {
      const videos = inboundOf(second, 'video');
      // What "the first inbound-rtp of kind video" reads: mediasoup-client's probation stream.
      expect(videos[0]).toMatchObject({ mid: 'probator', ssrc: 1234 });
      expect(videos[0]!.framesDecoded ?? 0).toBe(0);
      const real = realInbound(second, 'video')!;
      expect(real.mid).not.toBe('probator');
      expect(second.remoteTrackIds).toContain(real.trackIdentifier);
      expect(Number(real.framesDecoded)).toBeGreaterThan(0);
      const audio = realInbound(second, 'audio')!;
      expect(second.remoteTrackIds).toContain(audio.trackIdentifier);
      expect(Number(audio.totalSamplesReceived)).toBeGreaterThan(0);
      // The same streams in the earlier reading.
      expect(realInbound(first, 'video')!.id).toBe(real.id);
    });

    it(`${page}: the figures of a clean line are a clean line's`, () => {
      const figures = receivedFigures([first, second]);
      // Both cameras are the fake one at 30 fps; the app asks 25 (LocalMedia).
      expect(figures.fps).toBeGreaterThan(15);
      expect(figures.fps).toBeLessThanOrEqual(31);
      expect(figures.height).toBeGreaterThanOrEqual(240);
      expect(figures.audio_concealed_pct).toBeGreaterThanOrEqual(0);
      expect(figures.audio_concealed_pct).toBeLessThan(5);
      expect(figures.freezes_per_min).toBe(0);
      expect(figures.video_kbps).toBeGreaterThan(50);
      expect(figures.audio_kbps).toBeGreaterThan(5);
    });
  }

  it('the kiosk sends its camera, with a bandwidth estimate', () => {
    const [first, second] = recorded('kiosk') as [PageSample, PageSample];
    const out = cameraOutbound(second)!;
    expect(out.stat.kind).toBe('video');
    expect(out.availableOutgoingKbps).toBeGreaterThan(0);
    const sent = sentFigures([first, second]);
    expect(sent.fps).toBeGreaterThan(15);
    expect(sent.height).toBeGreaterThanOrEqual(240);
    expect(typeof sent.quality_limitation).toBe('string');
  });
});

// Hand-made readings: the arithmetic, each figure against numbers worked out by hand.
const video = (id: string, track: string, fields: Record<string, number>): RtcStat => ({
  id,
  type: 'inbound-rtp',
  kind: 'video',
  timestamp: 0,
  trackIdentifier: track,
  ...fields,
});
const audio = (id: string, track: string, fields: Record<string, number>): RtcStat => ({
  id,
  type: 'inbound-rtp',
  kind: 'audio',
  timestamp: 0,
  trackIdentifier: track,
  ...fields,
});
const probator: RtcStat = {
  id: 'P',
  type: 'inbound-rtp',
  kind: 'video',
  timestamp: 0,
  mid: 'probator',
  trackIdentifier: 'probator',
  framesDecoded: 0,
  freezeCount: 9,
};
const sample = (at: number, stats: RtcStat[], tracks = ['v1', 'a1', 'v2']): PageSample => ({
  at,
  reports: [[probator, ...stats]],
  remoteTrackIds: tracks,
  mode: null,
});

describe('received figures over a window', () => {
  it('frame rate, median height, concealment and freezes from counter deltas', () => {
    const figures = receivedFigures([
      sample(0, [
        video('V', 'v1', { framesDecoded: 100, frameHeight: 480, freezeCount: 1 }),
        audio('A', 'a1', { concealedSamples: 1_000, totalSamplesReceived: 48_000 }),
      ]),
      sample(1_000, [
        video('V', 'v1', { framesDecoded: 125, frameHeight: 360, freezeCount: 1 }),
        audio('A', 'a1', { concealedSamples: 1_480, totalSamplesReceived: 96_000 }),
      ]),
      sample(2_000, [
        video('V', 'v1', { framesDecoded: 140, frameHeight: 240, freezeCount: 2 }),
        audio('A', 'a1', { concealedSamples: 1_960, totalSamplesReceived: 144_000 }),
      ]),
    ]);
    expect(figures.fps).toBe(20); // 40 frames in 2 s
    expect(figures.height).toBe(360); // median of 480, 360, 240
    expect(figures.audio_concealed_pct).toBe(1); // 960 of 96,000 samples
    expect(figures.freezes_per_min).toBe(30); // 1 freeze in 2 s
  });

  it('never reads the probator, even when no real stream is there yet', () => {
    const figures = receivedFigures([sample(0, [], []), sample(1_000, [], [])]);
    expect(figures).toMatchObject({ fps: null, height: null, freezes_per_min: null });
  });

  it('a stream that replaced another counts from zero, not as a fall', () => {
    const figures = receivedFigures([
      sample(0, [video('V', 'v1', { framesDecoded: 500 })]),
      sample(1_000, [video('V', 'v1', { framesDecoded: 520 })]),
      // Media rebuilt: a new consumer, a new stream, its counter from 0.
      sample(2_000, [video('W', 'v2', { framesDecoded: 10 })], ['v2']),
      sample(3_000, [video('W', 'v2', { framesDecoded: 30 })], ['v2']),
    ]);
    expect(figures.fps).toBe(50 / 3);
  });

  it('video back: the frame rate between two readings and the height at the second', () => {
    const now = videoNow(
      sample(0, [video('V', 'v1', { framesDecoded: 10, frameHeight: 180 })]),
      sample(500, [video('V', 'v1', { framesDecoded: 22, frameHeight: 480 })]),
    );
    expect(now).toEqual({ fps: 24, height: 480 });
  });
});
