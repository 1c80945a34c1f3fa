import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEGRADATION_OPTIONS,
  DegradationPolicy,
  LIP_READING_FLOOR_RUNG,
  MAX_PROBE_BACKOFF,
  MIN_CAP_KBPS,
  VIDEO_LADDER,
  rungDegradationPreference,
  rungEncoding,
  type VideoTarget,
} from '@visio/shared/client';

// The policy is pure: each test feeds it a sequence of link figures (kbit/s the browser estimates
// for its uplink, audio included) at the controller's pace, and reads the targets it gives.

const STEP_MS = 500;
const {
  probeIntervalMs,
  probeWindowMs,
  probeConfirmMs,
  audioTextHoldMs,
  downHoldMs,
  upHoldMs,
  returnProveMs,
  resumeGraceMs,
} = DEFAULT_DEGRADATION_OPTIONS;

interface Run {
  policy: DegradationPolicy;
  now: number;
  /** Every target after every sample, with the time it was given. */
  log: { at: number; target: VideoTarget }[];
}

function start(options: ConstructorParameters<typeof DegradationPolicy>[0] = {}): Run {
  return { policy: new DegradationPolicy(options), now: 0, log: [] };
}

/** Feeds `kbps` every STEP_MS for `ms`; returns the last target. */
function feed(run: Run, kbps: number | null, ms: number): VideoTarget {
  let target = run.policy.target;
  for (let t = 0; t < ms; t += STEP_MS) {
    run.now += STEP_MS;
    target = run.policy.sample({ atMs: run.now, availableKbps: kbps });
    run.log.push({ at: run.now, target });
  }
  return target;
}

/** The samples at which the target changed (mode, rung or sending). */
function changes(run: Run): { at: number; target: VideoTarget }[] {
  return run.log.filter((entry, i) => {
    const before = i === 0 ? null : run.log[i - 1]!.target;
    return (
      !before ||
      before.mode !== entry.target.mode ||
      before.rung !== entry.target.rung ||
      before.send !== entry.target.send
    );
  });
}

/** When the mode first became `mode` after `from` ms, or null. */
function firstMode(run: Run, mode: 'video' | 'audio_text', from = 0): number | null {
  return run.log.find((e) => e.at > from && e.target.mode === mode)?.at ?? null;
}

describe('the video ladder', () => {
  it('gives way on resolution first at the same frame rate, then on frame rate at QVGA', () => {
    for (let i = 1; i < VIDEO_LADDER.length; i++) {
      const [above, below] = [VIDEO_LADDER[i - 1]!, VIDEO_LADDER[i]!];
      const resolutionStep = below.height < above.height;
      if (resolutionStep) expect(below.maxFramerate).toBe(above.maxFramerate);
      else {
        expect(below.height).toBe(240);
        expect(below.maxFramerate).toBeLessThan(above.maxFramerate);
      }
      // Each rung needs less than the one above it, both to hold and to enter.
      expect(below.holdKbps).toBeLessThan(above.holdKbps);
      expect(below.enterKbps).toBeLessThan(above.enterKbps);
    }
    for (const rung of VIDEO_LADDER) {
      expect(rung.enterKbps).toBeGreaterThan(rung.holdKbps);
      expect(rung.height).toBeGreaterThanOrEqual(240);
    }
  });

  it('keeps 20 fps at QVGA down to the lip-reading floor, and not below it', () => {
    const floor = VIDEO_LADDER[LIP_READING_FLOOR_RUNG]!;
    // 22 asked, so that at least 20 arrive when the encoder drops a frame.
    expect(floor).toMatchObject({ height: 240, maxFramerate: 22 });
    for (const rung of VIDEO_LADDER.slice(0, LIP_READING_FLOOR_RUNG + 1))
      expect(rung.maxFramerate).toBeGreaterThanOrEqual(20);
    expect(VIDEO_LADDER[LIP_READING_FLOOR_RUNG + 1]!.maxFramerate).toBeLessThan(20);
  });

  it('keeps the frame rate above QVGA, and the resolution at QVGA', () => {
    expect(rungDegradationPreference(0)).toBe('maintain-framerate');
    expect(rungDegradationPreference(1)).toBe('maintain-framerate');
    for (let rung = 2; rung < VIDEO_LADDER.length; rung++) {
      expect(VIDEO_LADDER[rung]!.height).toBe(240);
      expect(rungDegradationPreference(rung)).toBe('maintain-resolution');
    }
  });

  it('turns a rung into an encoding scaled from the 640x480 capture', () => {
    expect(rungEncoding(0)).toEqual({
      maxBitrate: 900_000,
      maxFramerate: 25,
      scaleResolutionDownBy: 1,
    });
    expect(rungEncoding(LIP_READING_FLOOR_RUNG)).toEqual({
      maxBitrate: 200_000,
      maxFramerate: 22,
      scaleResolutionDownBy: 2,
    });
  });
});

describe('DegradationPolicy going down', () => {
  it('stays on the top rung on a good line, whatever the noise of the estimate', () => {
    const run = start();
    for (const kbps of [2000, 1500, 900, 2500, 700, 1200]) feed(run, kbps, 10_000);
    expect(changes(run)).toHaveLength(1);
    expect(run.policy.target).toEqual({ mode: 'video', send: true, rung: 0, capKbps: null });
  });

  it('lowers the resolution only after the budget stayed below the rung for the hold time', () => {
    const run = start();
    feed(run, 2000, 5_000);
    // 400 kbit/s: 336 for video, below rung 0's 420, enough for rung 1 (360p at 25 fps).
    // The hold counts from the first low figure.
    const before = feed(run, 400, downHoldMs);
    expect(before.rung).toBe(0);
    const after = feed(run, 400, STEP_MS);
    expect(after).toEqual({ mode: 'video', send: true, rung: 1, capKbps: null });
    expect(VIDEO_LADDER[1]).toMatchObject({ height: 360, maxFramerate: 25 });
  });

  it('goes straight to the rung that fits when the line collapses, not one rung at a time', () => {
    const run = start();
    feed(run, 2000, 5_000);
    // 200 kbit/s: 136 for video, which holds rung 3 (QVGA 20 fps) only.
    const target = feed(run, 200, downHoldMs + STEP_MS);
    expect(target.rung).toBe(3);
    expect(changes(run).map((c) => c.target.rung)).toEqual([0, 3]);
  });

  it('switches a lip-readable camera to audio + text within the hold time of a collapse', () => {
    const run = start();
    feed(run, 2000, 5_000);
    const collapseAt = run.now;
    feed(run, 100, audioTextHoldMs + 2_000);
    const engaged = firstMode(run, 'audio_text');
    expect(engaged).not.toBeNull();
    expect(engaged! - collapseAt).toBeLessThanOrEqual(audioTextHoldMs + STEP_MS);
    expect(run.policy.target).toMatchObject({ mode: 'audio_text', send: false });
  });

  it('lets a camera that need not be lip-readable lower its frame rate further first', () => {
    // 120 kbit/s: 56 for video — below the lip-reading floor (85), above 10 fps QVGA's 45.
    const lipReadable = start();
    feed(lipReadable, 2000, 5_000);
    feed(lipReadable, 120, 10_000);
    expect(lipReadable.policy.target.mode).toBe('audio_text');

    const any = start({ floorRung: VIDEO_LADDER.length - 1 });
    feed(any, 2000, 5_000);
    const target = feed(any, 120, 10_000);
    expect(target).toEqual({ mode: 'video', send: true, rung: 5, capKbps: null });
    expect(VIDEO_LADDER[5]).toMatchObject({ height: 240, maxFramerate: 10 });
  });

  it('ignores samples without an estimate', () => {
    const run = start();
    feed(run, 100, 1_000);
    feed(run, null, 20_000);
    expect(run.policy.target).toEqual({ mode: 'video', send: true, rung: 0, capKbps: null });
  });

  it('gives a camera that resumes the grace time before its stale estimate counts, then judges it', () => {
    // Held while the far side was in audio + text, the camera resumes on an estimate of the
    // audio-only line (100 kbit/s on a fast line) that the browser lifts about a second later.
    const lifted = start();
    feed(lifted, 2000, 5_000);
    lifted.policy.resume(lifted.now);
    feed(lifted, 100, resumeGraceMs - STEP_MS);
    feed(lifted, 2000, 10_000);
    expect(changes(lifted)).toHaveLength(1);
    expect(lifted.policy.target).toEqual({ mode: 'video', send: true, rung: 0, capKbps: null });

    // Still low after the grace: the line is what the estimate says, and the usual holds apply.
    const low = start();
    feed(low, 2000, 5_000);
    low.policy.resume(low.now);
    const resumedAt = low.now;
    feed(low, 100, resumeGraceMs + audioTextHoldMs + 2_000);
    const engaged = firstMode(low, 'audio_text');
    expect(engaged! - resumedAt).toBeGreaterThanOrEqual(resumeGraceMs + audioTextHoldMs);
    expect(engaged! - resumedAt).toBeLessThanOrEqual(resumeGraceMs + audioTextHoldMs + STEP_MS);
  });

  it('refuses a floor outside the ladder', () => {
    expect(() => new DegradationPolicy({ floorRung: VIDEO_LADDER.length })).toThrow(RangeError);
    expect(() => new DegradationPolicy({ floorRung: -1 })).toThrow(RangeError);
  });
});

describe('DegradationPolicy coming back', () => {
  it('climbs one rung at a time, each after holding the next rung’s higher threshold', () => {
    const run = start();
    feed(run, 200, 5_000);
    expect(run.policy.target.rung).toBe(3);
    const recoveredAt = run.now;
    // 150 kbit/s for video: above rung 3's hold but below rung 2's enter (190): no climb.
    feed(run, 214, 20_000);
    expect(run.policy.target.rung).toBe(3);
    feed(run, 2000, 30_000);
    const climbs = changes(run).filter((c) => c.at > recoveredAt);
    expect(climbs.map((c) => c.target.rung)).toEqual([2, 1, 0]);
    for (let i = 1; i < climbs.length; i++)
      expect(climbs[i]!.at - climbs[i - 1]!.at).toBeGreaterThanOrEqual(upHoldMs);
  });

  it('probes from audio + text every interval, the far side never seeing the probe', () => {
    const run = start();
    feed(run, 100, 5_000);
    const engagedAt = firstMode(run, 'audio_text')!;
    // The line stays weak: audio alone gives an estimate near what it sends.
    feed(run, 60, 30_000);
    const probes = changes(run).filter((c) => c.at > engagedAt && c.target.send);
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes[0]!.at - engagedAt).toBeGreaterThanOrEqual(probeIntervalMs);
    for (const probe of probes) {
      expect(probe.target).toEqual({
        mode: 'audio_text',
        send: true,
        rung: LIP_READING_FLOOR_RUNG,
        capKbps: null,
      });
    }
    for (let i = 1; i < probes.length; i++)
      expect(probes[i]!.at - probes[i - 1]!.at).toBeGreaterThanOrEqual(
        probeIntervalMs + probeWindowMs,
      );
    // Each probe ends by itself after its window.
    const stops = changes(run).filter((c) => c.at > engagedAt && !c.target.send);
    expect(stops.length).toBeGreaterThanOrEqual(probes.length - 1);
    expect(run.log.every((e) => e.at <= engagedAt || e.target.mode === 'audio_text')).toBe(true);
  });

  it('brings video back once a probe sees the line hold, within 10 s, wherever in the cycle', () => {
    let worst = 0;
    for (let phase = 0; phase < probeIntervalMs + probeWindowMs; phase += STEP_MS) {
      const run = start();
      feed(run, 100, 5_000);
      feed(run, 60, 20_000 + phase);
      const lineBackAt = run.now;
      // Audio alone until a probe sends video: the estimate rises only while the probe runs.
      for (let t = 0; t < 20_000 && run.policy.target.mode === 'audio_text'; t += STEP_MS)
        feed(run, run.policy.target.send ? 2000 : 60, STEP_MS);
      const back = firstMode(run, 'video', lineBackAt);
      expect(back).not.toBeNull();
      worst = Math.max(worst, back! - lineBackAt);
    }
    expect(worst).toBeLessThanOrEqual(probeIntervalMs + probeWindowMs + STEP_MS);
    expect(worst).toBeLessThan(10_000);
  });

  it('comes back on the rung the probe’s estimate allows: the floor, or the one above it', () => {
    const backOn = (duringProbeKbps: number): VideoTarget => {
      const run = start();
      feed(run, 100, 5_000);
      for (let t = 0; t < 30_000 && run.policy.target.mode === 'audio_text'; t += STEP_MS)
        feed(run, run.policy.target.send ? duringProbeKbps : 60, STEP_MS);
      return run.policy.target;
    };
    // 200 kbit/s: 136 for video, the floor's climb threshold (120) and no more.
    expect(backOn(200)).toEqual({
      mode: 'video',
      send: true,
      rung: LIP_READING_FLOOR_RUNG,
      capKbps: null,
    });
    // 370 kbit/s, about what a probe at the floor lets the estimate reach: 25 fps at QVGA.
    const above = LIP_READING_FLOOR_RUNG - 1;
    expect(backOn(370)).toMatchObject({ mode: 'video', rung: above });
    expect(VIDEO_LADDER[above]).toMatchObject({ height: 240, maxFramerate: 25 });
    // Higher figures say little beyond what the probe sent: still one rung above the floor.
    expect(backOn(5000)).toMatchObject({ mode: 'video', rung: above });
  });

  it('does not come back on a single good figure during a probe', () => {
    const run = start();
    feed(run, 100, 5_000);
    feed(run, 60, probeIntervalMs);
    expect(run.policy.target.send).toBe(true);
    // One good sample, then weak again: shorter than probeConfirmMs.
    feed(run, 2000, STEP_MS);
    feed(run, 60, probeWindowMs);
    expect(run.policy.target).toMatchObject({ mode: 'audio_text', send: false });
    expect(probeConfirmMs).toBeGreaterThan(STEP_MS);
  });
});

describe('DegradationPolicy on a flapping line', () => {
  it('does not react to a line that drops out for less than the hold time', () => {
    const run = start();
    for (let i = 0; i < 60; i++) {
      feed(run, 2000, 1_500);
      feed(run, 80, 1_500);
    }
    expect(changes(run)).toHaveLength(1);
  });

  it('settles on the lower rung when the line wavers across a rung’s thresholds', () => {
    const run = start();
    // 350 and 500 kbit/s in turn: 286 and 436 for video. Rung 0 holds at 420 but needs 560 to enter.
    for (let i = 0; i < 20; i++) {
      feed(run, 350, 3_000);
      feed(run, 500, 3_000);
    }
    expect(changes(run).map((c) => c.target.rung)).toEqual([0, 1]);
  });

  it('keeps every audio + text period and every video period long, whatever the line does', () => {
    const run = start();
    // A line that is good for 4 s, then dead for 4 s, for four minutes.
    for (let i = 0; i < 30; i++) {
      feed(run, 2000, 4_000);
      feed(run, 60, 4_000);
    }
    const modeChanges = changes(run).filter(
      (c, i, all) => i === 0 || c.target.mode !== all[i - 1]!.target.mode,
    );
    for (let i = 1; i < modeChanges.length; i++) {
      const lasted = modeChanges[i]!.at - modeChanges[i - 1]!.at;
      // Video holds at least the audio + text hold; audio + text at least one probe interval.
      const min = modeChanges[i - 1]!.target.mode === 'video' ? audioTextHoldMs : probeIntervalMs;
      expect(lasted).toBeGreaterThanOrEqual(min);
    }
    // At most one switch each way per probe cycle: no flapping.
    const minutes = run.now / 60_000;
    expect(modeChanges.length / minutes).toBeLessThanOrEqual(
      (2 * 60_000) / (probeIntervalMs + audioTextHoldMs),
    );
  });
});

describe('DegradationPolicy and the far side’s downlink', () => {
  /** Feeds a good uplink and the server's figure of the far side's downlink. */
  function feedDownlink(run: Run, peerDownlinkKbps: number | null, ms: number): VideoTarget {
    let target = run.policy.target;
    for (let t = 0; t < ms; t += STEP_MS) {
      run.now += STEP_MS;
      target = run.policy.sample({ atMs: run.now, availableKbps: 2000, peerDownlinkKbps });
      run.log.push({ at: run.now, target });
    }
    return target;
  }

  it('steps down to what the far side can receive, to the floor at worst, never to audio + text', () => {
    const run = start();
    feedDownlink(run, null, 5_000);
    // 400 kbit/s to the far side: 336 for video, which rung 1 (360p) holds, capped to it.
    expect(feedDownlink(run, 400, downHoldMs + STEP_MS)).toEqual({
      mode: 'video',
      send: true,
      rung: 1,
      capKbps: 336,
    });
    // 100 kbit/s: below the floor's hold. The uplink is fine, so video stays, at the floor at
    // worst (climbs the uplink allows are tried, and undone).
    const from = run.now;
    feedDownlink(run, 100, 30_000);
    const after = run.log.filter((e) => e.at > from + downHoldMs);
    expect(after.every((e) => e.target.mode === 'video')).toBe(true);
    expect(after.every((e) => e.target.rung <= LIP_READING_FLOOR_RUNG)).toBe(true);
    expect(after.some((e) => e.target.rung === LIP_READING_FLOOR_RUNG)).toBe(true);
    expect(after.at(-1)!.target.capKbps).toBe(MIN_CAP_KBPS);
  });

  it('keeps a capped camera in video while its estimate only follows what it sends, and leaves video when its own line shows loss or a queue', () => {
    // The far side receives 150 kbit/s: the camera is capped to 86. Sending that little, its own
    // estimate sinks with what it sends (seen at 75 kbit/s on a clean line, in CI): below the
    // floor's hold, but on a line with no loss and a steady round trip.
    const appLimited = (
      run: Run,
      ms: number,
      rttMs: number,
      lossFraction: number,
      peerDownlinkKbps = 150,
    ) => {
      for (let t = 0; t < ms; t += STEP_MS) {
        run.now += STEP_MS;
        const target = run.policy.sample({
          atMs: run.now,
          availableKbps: 75,
          peerDownlinkKbps,
          rttMs,
          lossFraction,
        });
        run.log.push({ at: run.now, target });
      }
    };
    const clean = start();
    feedDownlink(clean, 150, 5_000);
    appLimited(clean, 30_000, 2, 0);
    expect(clean.log.every((e) => e.target.mode === 'video')).toBe(true);
    expect(clean.policy.target).toMatchObject({ mode: 'video', rung: LIP_READING_FLOOR_RUNG });
    // The far side's downlink recovers and the cap lifts: the estimate still describes the capped
    // sending until the camera fills its new room (here 5 s), and the call stays in video.
    appLimited(clean, 5_000, 2, 0, 5_000);
    expect(clean.log.every((e) => e.target.mode === 'video')).toBe(true);
    expect(clean.policy.target.capKbps).toBeNull();
    // The same figures, with the line's round trip risen 200 ms (a queue), or 10 % lost: its own
    // uplink is failing too, and the call goes to audio + text within the hold time.
    for (const [rttMs, lossFraction] of [
      [202, 0],
      [2, 0.1],
    ] as const) {
      const failing = start();
      feedDownlink(failing, 150, 5_000);
      appLimited(failing, STEP_MS, 2, 0);
      const from = failing.now;
      appLimited(failing, audioTextHoldMs + 2_000, rttMs, lossFraction);
      expect(firstMode(failing, 'audio_text', from)! - from).toBeLessThanOrEqual(
        audioTextHoldMs + 2 * STEP_MS,
      );
    }
    // Uncapped, a low estimate is this line's own, as before: no loss or queue is needed.
    const uncapped = start();
    feed(uncapped, 2000, 5_000);
    const from = uncapped.now;
    feed(uncapped, 75, audioTextHoldMs + 2_000);
    expect(firstMode(uncapped, 'audio_text', from)).not.toBeNull();
  });

  it('waits twice as long before each climb that the far side’s line did not hold', () => {
    const run = start();
    // 380 kbit/s to the far side: rung 1 holds (316 for video), rung 0 (hold 420) does not; the
    // uplink would allow rung 0 all along.
    feedDownlink(run, 380, 240_000);
    const climbs = changes(run).filter((c, i) => i > 0 && c.target.rung === 0);
    expect(climbs.length).toBeGreaterThanOrEqual(5);
    // Between two climbs: 2.5 s on rung 0 before the step down, 0.5 s to start the next hold,
    // then the hold (3 s, doubled after each climb undone, up to 8 times).
    const holds = climbs.slice(1).map((c, i) => (c.at - climbs[i]!.at - 3_000) / upHoldMs);
    expect(holds.slice(0, 4)).toEqual([2, 4, 8, MAX_PROBE_BACKOFF]);
  });

  it('climbs back as far as a freed downlink allows, though its figure only follows what is sent', () => {
    // A model of the server's estimate: it grows by at most 4 % per sample, to 1.5 times what the
    // transport carries (the camera's video, its content's need at most, plus audio), and never
    // above what the line carries. The camera's content needs less than rung 1's ceiling there.
    const CONTENT_KBPS = [650, 215, 160, 120, 90, 60];
    const run = start();
    let estimate = 332;
    const freed = (lineKbps: number, ms: number) => {
      for (let t = 0; t < ms; t += STEP_MS) {
        const target = run.policy.target;
        const sent = Math.min(
          rungEncoding(target.rung, target.capKbps).maxBitrate / 1000,
          CONTENT_KBPS[target.rung]!,
        );
        estimate = Math.min(
          lineKbps,
          Math.max(estimate, Math.min(estimate * 1.04, 1.5 * (sent + 32))),
        );
        run.now += STEP_MS;
        run.log.push({
          at: run.now,
          target: run.policy.sample({
            atMs: run.now,
            availableKbps: 2000,
            peerDownlinkKbps: estimate,
          }),
        });
      }
    };
    // The downlink capped at 400 kbit/s: the camera stays mostly on 360p, always within the cap.
    freed(400, 30_000);
    const capped = run.log.filter((e) => e.at > 10_000);
    expect(capped.filter((e) => e.target.rung === 1).length).toBeGreaterThan(capped.length / 2);
    expect(capped.every((e) => e.target.capKbps !== null && e.target.capKbps <= 336)).toBe(true);
    // Freed: the figure rises as the camera fills its cap on rung 0, and the cap goes.
    const freedAt = run.now;
    freed(5_000, 60_000);
    const uncapped = run.log.find((e) => e.at > freedAt && e.target.capKbps === null);
    expect(uncapped?.target.rung).toBe(0);
    expect(uncapped!.at - freedAt).toBeLessThan(30_000);
    expect(run.policy.target).toEqual({ mode: 'video', send: true, rung: 0, capKbps: null });
  });

  it('caps the bitrate to the far side’s budget below the rung’s ceiling, in steps, not for noise', () => {
    const run = start();
    // 600 kbit/s: 536 for video, rung 0 holds (420) but its 900 kbit/s ceiling would not fit.
    expect(feedDownlink(run, 600, 3_000)).toMatchObject({ rung: 0, capKbps: 536 });
    expect(rungEncoding(0, 536).maxBitrate).toBe(536_000);
    // A figure 2 % away moves nothing; one 37 % away moves the cap.
    expect(feedDownlink(run, 610, 3_000).capKbps).toBe(536);
    expect(feedDownlink(run, 800, 3_000).capKbps).toBe(736);
    // Room for the rung's whole ceiling: no cap.
    expect(feedDownlink(run, 1200, 3_000).capKbps).toBeNull();
    // A figure gone stale (null): no cap either.
    feedDownlink(run, 600, 3_000);
    expect(feedDownlink(run, null, STEP_MS).capKbps).toBeNull();
  });

  it('lets the cap rise with the far side’s estimate, and lifts it', () => {
    const run = start();
    const caps = [600, 700, 850, 1000].map((kbps) => feedDownlink(run, kbps, 2_000).capKbps);
    expect(caps).toEqual([536, 636, 786, null]);
    expect(run.policy.target.rung).toBe(0);
  });

  it('caps the rung the uplink chose, whichever it is', () => {
    const run = start();
    // The uplink on rung 2 (300 kbit/s ceiling): a downlink budget of 236 caps it, 336 does not.
    for (let t = 0; t < 5_000; t += STEP_MS) {
      run.now += STEP_MS;
      run.policy.sample({ atMs: run.now, availableKbps: 280, peerDownlinkKbps: 300 });
    }
    expect(run.policy.target).toMatchObject({ rung: 2, capKbps: 236 });
    run.now += STEP_MS;
    expect(
      run.policy.sample({ atMs: run.now, availableKbps: 280, peerDownlinkKbps: 400 }),
    ).toMatchObject({ rung: 2, capKbps: null });
  });
});

describe('DegradationPolicy on a line that carries a probe but not a call', () => {
  it('waits twice as long before each probe after a return that did not hold, then resets', () => {
    const run = start();
    feed(run, 100, 5_000);
    /** The wait from each entry into audio + text to the next probe. */
    const waits: number[] = [];
    let enteredAt = firstMode(run, 'audio_text')!;
    let wasSending = false;
    // The probe's video gets through (2000), the call's does not (60): returns that never hold.
    for (let t = 0; t < 240_000; t += STEP_MS) {
      const before = run.policy.target;
      const after = feed(run, before.mode === 'video' || before.send ? 2000 : 60, STEP_MS);
      if (before.mode === 'video' && after.mode === 'video') feed(run, 60, audioTextHoldMs + 500);
      const now = run.policy.target;
      if (before.mode === 'video' && now.mode === 'audio_text') enteredAt = run.now;
      if (now.mode === 'audio_text' && now.send && !wasSending) waits.push(run.now - enteredAt);
      wasSending = now.mode === 'audio_text' && now.send;
    }
    expect(waits.length).toBeGreaterThanOrEqual(5);
    const multiples = waits.map((w) => Math.round(w / probeIntervalMs));
    expect(multiples.slice(0, 5)).toEqual([1, 2, 4, 8, MAX_PROBE_BACKOFF]);

    // A return that holds for returnProveMs brings the interval back to its first value.
    // (the next probe may be a long wait away, then video must last returnProveMs)
    feed(run, 2000, probeIntervalMs * MAX_PROBE_BACKOFF + returnProveMs + 5_000);
    expect(run.policy.target.mode).toBe('video');
    const collapseAt = run.now;
    feed(run, 100, 15_000);
    const engagedAt = firstMode(run, 'audio_text', collapseAt)!;
    const probe = run.log.find((e) => e.at > engagedAt && e.target.send)!;
    expect(probe.at - engagedAt).toBeLessThanOrEqual(probeIntervalMs + STEP_MS);
  });
});
