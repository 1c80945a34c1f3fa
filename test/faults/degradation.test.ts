import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEGRADATION_OPTIONS, MAX_PROBE_BACKOFF } from '@visio/shared/client';
import { CallRig, type RigCall } from './CallRig';
import { inboundMedia, pollUntil } from '../e2e/support/browser';

// The degradation policy in real Chromium on a real line: the kiosk's browser sits in a network
// namespace (CallRig, as the fault suite uses), the line is capped with tc's token bucket in both
// directions, then the cap is lifted. What a user would check: the notice on both screens, no
// picture while the line is too weak, voice and real-time text going on, and the picture back.
// It runs with the faults, alone: the policy acts on the browsers' bandwidth estimates, and with
// the integration suite beside it on two cores (CI, stop 18) a probe after the cap was lifted did
// not bring video back within 60 s, while alone it comes back in a few seconds.

const run = promisify(execFile);

/** Far below what the lip-reading floor needs (QVGA at 20 fps takes ~85 kbit/s beside audio). */
const VERY_LOW_KBIT = 100;
/** Bounds for what the policy needs seconds for; generous, so a busy machine cannot fail them. */
const ENGAGE_WITHIN_MS = 40_000;
/**
 * Video comes back at a probe that sees the line again. Probes that brought video back on the
 * capped line and did not hold (the estimate can spike there) stretch the interval up to
 * MAX_PROBE_BACKOFF times, by design (no flapping): the bound is two of the longest intervals
 * and windows (the first probe after the lift may start while the line still drains), plus 15 s.
 * Seen alone: back 4-6 s after the lift; a 60 s bound failed once in CI and once here.
 */
const { probeIntervalMs, probeWindowMs } = DEFAULT_DEGRADATION_OPTIONS;
const RECOVER_WITHIN_MS = 2 * (probeIntervalMs * MAX_PROBE_BACKOFF + probeWindowMs) + 15_000;

let rig: CallRig;
let call: RigCall | undefined;

beforeAll(async () => {
  rig = await CallRig.open();
});

afterAll(async () => {
  await rig?.endTrial(call).catch(() => undefined);
  await rig?.close();
});

/** Caps the kiosk's line both ways: its uplink in the namespace, its downlink on the host's end. */
async function capLine(kbit: number): Promise<void> {
  const tbf = ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '4kb', 'latency', '300ms'];
  await rig.network.exec('tc', ['qdisc', 'replace', 'dev', rig.network.namespaceInterface, ...tbf]);
  await run('tc', ['qdisc', 'replace', 'dev', rig.network.hostInterface, ...tbf]);
}

/** Caps only what the kiosk receives: the host's end of the pair (its uplink stays open). */
async function capDownlink(kbit: number): Promise<void> {
  const tbf = ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '4kb', 'latency', '300ms'];
  await run('tc', ['qdisc', 'replace', 'dev', rig.network.hostInterface, ...tbf]);
}

/** The camera's encoding ceiling (`maxBitrate`, bit/s) on the page's video senders. */
function cameraMaxBitrate(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'video') continue;
        const max = sender.getParameters().encodings[0]?.maxBitrate;
        if (typeof max === 'number') return max;
      }
    }
    return null;
  });
}

async function liftCap(): Promise<void> {
  await rig.network.exec('tc', ['qdisc', 'del', 'dev', rig.network.namespaceInterface, 'root']);
  await run('tc', ['qdisc', 'del', 'dev', rig.network.hostInterface, 'root']);
}

/** The mode a call screen shows (`data-media-mode`), and whether its notice is on screen. */
async function shownMode(page: Page, screenTestId: string) {
  const mode = await page.getByTestId(screenTestId).getAttribute('data-media-mode');
  const notice = await page.getByTestId('audio-text-notice').isVisible();
  return { mode, notice };
}

/**
 * Records in the page every change of the call screen's `data-media-mode` as it happens (a
 * MutationObserver); answers a reader of how many changes there have been so far.
 */
async function watchMode(page: Page, screenTestId: string): Promise<() => Promise<number>> {
  await page.getByTestId(screenTestId).evaluate((screen) => {
    const w = window as unknown as { __modeChanges?: number };
    w.__modeChanges = 0;
    new MutationObserver(() => {
      w.__modeChanges = (w.__modeChanges ?? 0) + 1;
    }).observe(screen, { attributes: true, attributeFilter: ['data-media-mode'] });
  });
  return () =>
    page.evaluate(() => (window as unknown as { __modeChanges?: number }).__modeChanges ?? 0);
}

/** The Opus parameters the page's peer connections negotiated and the browser reports using. */
function opusSeen(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const fmtp: string[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'codec' && s.mimeType === 'audio/opus')
          fmtp.push(String(s.sdpFmtpLine ?? ''));
      });
    }
    const sdp = pcs.map((pc) => pc.remoteDescription?.sdp ?? '').join('\n');
    return { fmtp, sdpOpus: sdp.split('\n').filter((l) => /^a=fmtp:\d+ .*useinbandfec/.test(l)) };
  });
}

/**
 * What a camera's sender does: its encoding on or off, the browser’s send estimate (kbit/s, to 25)
 * and the round trip it measures on that transport (ms, to 100).
 */
function cameraSending(page: Page) {
  return page.evaluate(async () => {
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
      if (!sender) continue;
      let kbps: number | null = null;
      let rttMs: number | null = null;
      let targetKbps: number | null = null;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video')
          targetKbps = Math.round(Number(s.targetBitrate ?? NaN) / 1000);
        if (s.type !== 'candidate-pair' || s.nominated !== true) return;
        kbps = Math.round(Number(s.availableOutgoingBitrate ?? NaN) / 25_000) * 25;
        rttMs = Math.round(Number(s.currentRoundTripTime ?? NaN) * 10) * 100;
      });
      const encoding = sender.getParameters().encodings[0];
      const maxKbps = typeof encoding?.maxBitrate === 'number' ? encoding.maxBitrate / 1000 : null;
      return { active: encoding?.active ?? null, kbps, rttMs, maxKbps, targetKbps };
    }
    return null;
  });
}

/**
 * Both sides' modes and cameras while the line recovers, kept as a list of changes: when video
 * does not come back in time, the failure says which side held it and what the estimates were.
 */
class LineTrace {
  private readonly started = Date.now();
  private readonly changes: string[] = [];
  private last = '';

  constructor(
    private readonly kiosk: Page,
    private readonly advisor: Page,
    private readonly phase: string,
  ) {}

  async read() {
    const [kiosk, advisor, kioskCamera, advisorCamera] = await Promise.all([
      shownMode(this.kiosk, 'kiosk-screen-call'),
      shownMode(this.advisor, 'advisor-call'),
      cameraSending(this.kiosk),
      cameraSending(this.advisor),
    ]);
    const line = JSON.stringify({ kiosk, advisor, kioskCamera, advisorCamera });
    if (line !== this.last) this.changes.push(`${(Date.now() - this.started) / 1000} s ${line}`);
    this.last = line;
    return { kiosk, advisor };
  }

  toString(): string {
    return `${this.phase}:\n${this.changes.join('\n')}`;
  }
}

describe('the degradation policy on a capped line', () => {
  it('switches to audio + real-time text at a very low cap, and brings video back when it is lifted', async () => {
    call = await rig.startCall();
    const { kiosk, advisor } = call;

    // Audio first: Opus with in-band FEC and DTX, as the browsers themselves report it.
    for (const page of [kiosk.page, advisor.page]) {
      const opus = await opusSeen(page);
      expect(opus.fmtp.length).toBeGreaterThan(0);
      for (const line of opus.fmtp) expect(line).toMatch(/useinbandfec=1/);
      expect(opus.fmtp.some((line) => /usedtx=1/.test(line))).toBe(true);
      expect(opus.sdpOpus.some((line) => /usedtx=1/.test(line))).toBe(true);
    }
    expect(await shownMode(kiosk.page, 'kiosk-screen-call')).toEqual({
      mode: 'video',
      notice: false,
    });

    await capLine(VERY_LOW_KBIT);
    const engaged = (s: { mode: string | null; notice: boolean }) =>
      s.mode === 'audio_text' && s.notice;
    const [atKiosk, atAdvisor] = await Promise.all([
      pollUntil(() => shownMode(kiosk.page, 'kiosk-screen-call'), engaged, ENGAGE_WITHIN_MS),
      pollUntil(() => shownMode(advisor.page, 'advisor-call'), engaged, ENGAGE_WITHIN_MS),
    ]);
    expect(atKiosk).toEqual({ mode: 'audio_text', notice: true });
    expect(atAdvisor).toEqual({ mode: 'audio_text', notice: true });
    // Plain words on both screens; no frozen picture: the overlay stands where the video was.
    await expect(kiosk.page.getByTestId('audio-text-notice').textContent()).resolves.toMatch(
      /too weak for video|trop faible pour la vidéo/,
    );
    await expect(advisor.page.getByTestId('audio-text-notice').textContent()).resolves.toMatch(
      /video is paused both ways|vidéo est en pause dans les deux sens/,
    );
    const live = await pollUntil(
      () => rig.liveCalls(),
      (calls) => calls?.find((c) => rig.isOurs(c))?.mediaModes.kiosk === 'audio_text',
      ENGAGE_WITHIN_MS,
    );
    expect(live?.find((c) => rig.isOurs(c))?.mediaModes.kiosk).toBe('audio_text');

    // Voice goes on both ways, and so does real-time text.
    const before = await Promise.all([inboundMedia(kiosk.page), inboundMedia(advisor.page)]);
    const after = await Promise.all(
      [kiosk.page, advisor.page].map((page, i) =>
        pollUntil(
          () => inboundMedia(page),
          (m) => m.audioPacketsReceived > before[i]!.audioPacketsReceived + 100,
          ENGAGE_WITHIN_MS,
        ),
      ),
    );
    after.forEach((m, i) =>
      expect(m.audioPacketsReceived).toBeGreaterThan(before[i]!.audioPacketsReceived + 100),
    );
    await advisor.typeChat('Je vous entends bien');
    await expect
      .poll(() => kiosk.page.getByTestId('chat-log').textContent(), { timeout: ENGAGE_WITHIN_MS })
      .toContain('Je vous entends bien');
    // The advisor decodes no new kiosk picture over 100 audio packets (2 s of speech) while the
    // call stays in audio + text: the video is paused, not frozen on a stalled stream. On the
    // capped line a probe may bring video back for a moment, by design (the estimate can spike
    // there; a return that does not hold falls back and the next probe waits twice as long): a
    // window during which the advisor's screen left audio + text is not judged; the next is.
    // Every change of the advisor's mode is recorded in the page as it happens (a poll could miss
    // a return shorter than its interval).
    const modeChanges = await watchMode(advisor.page, 'advisor-call');
    let judged = 0;
    for (let attempt = 0; attempt < 6 && judged === 0; attempt++) {
      const changesBefore = await modeChanges();
      const held = await inboundMedia(advisor.page);
      const stillHeld = await pollUntil(
        () => inboundMedia(advisor.page),
        (m) => m.audioPacketsReceived >= held.audioPacketsReceived + 100,
        ENGAGE_WITHIN_MS,
      );
      const left =
        (await modeChanges()) !== changesBefore ||
        (await shownMode(advisor.page, 'advisor-call')).mode !== 'audio_text';
      if (left) {
        await pollUntil(() => shownMode(advisor.page, 'advisor-call'), engaged, ENGAGE_WITHIN_MS);
        continue;
      }
      expect(stillHeld.audioPacketsReceived).toBeGreaterThanOrEqual(
        held.audioPacketsReceived + 100,
      );
      // In audio + text throughout: any picture decoded would be video leaking past the pause.
      expect(stillHeld.framesDecoded - held.framesDecoded).toBeLessThanOrEqual(1);
      judged += 1;
    }
    expect(judged, 'no 2 s window stayed in audio + text in 6 tries: the call flaps').toBe(1);

    await liftCap();
    const back = (s: { mode: string | null; notice: boolean }) => s.mode === 'video' && !s.notice;
    const trace = new LineTrace(kiosk.page, advisor.page, 'after the lift');
    const [kioskBack, advisorBack] = await Promise.all([
      pollUntil(
        () => trace.read(),
        (s) => back(s.kiosk),
        RECOVER_WITHIN_MS,
      ).then((s) => s.kiosk),
      pollUntil(() => shownMode(advisor.page, 'advisor-call'), back, RECOVER_WITHIN_MS),
    ]);
    expect(kioskBack, trace.toString()).toEqual({ mode: 'video', notice: false });
    expect(advisorBack, trace.toString()).toEqual({ mode: 'video', notice: false });
    // The picture is back both ways: new frames decoded on each side.
    const resumedFrom = await Promise.all([inboundMedia(kiosk.page), inboundMedia(advisor.page)]);
    const resumed = await Promise.all(
      [kiosk.page, advisor.page].map((page, i) =>
        pollUntil(
          () => inboundMedia(page),
          (m) => m.framesDecoded >= resumedFrom[i]!.framesDecoded + 30,
          RECOVER_WITHIN_MS,
        ),
      ),
    );
    resumed.forEach((m, i) =>
      expect(m.framesDecoded).toBeGreaterThanOrEqual(resumedFrom[i]!.framesDecoded + 30),
    );
  });

  it('keeps the advisor’s video within a kiosk’s weak downlink, and lets it grow back', async () => {
    const { kiosk, advisor } = call!;
    // From an open line in video, whatever the case before left (a failure there must not fail
    // this one too). Each end's shaper is removed if it is still there.
    await rig.network
      .exec('tc', ['qdisc', 'del', 'dev', rig.network.namespaceInterface, 'root'])
      .catch(() => undefined);
    await run('tc', ['qdisc', 'del', 'dev', rig.network.hostInterface, 'root']).catch(
      () => undefined,
    );
    await pollUntil(
      () => shownMode(kiosk.page, 'kiosk-screen-call'),
      (m) => m.mode === 'video' && !m.notice,
      RECOVER_WITHIN_MS,
    );
    // Before: the advisor's camera sent up to 900 kbit/s into this downlink, and the kiosk
    // decoded 0-0.4 fps of it (bench/results/network-before.json, "reverse" at 500 kbit/s).
    const DOWNLINK_KBIT = 400;
    const trace = new LineTrace(kiosk.page, advisor.page, 'under the downlink cap');
    await capDownlink(DOWNLINK_KBIT);
    const fitted = await pollUntil(
      async () => (await trace.read(), cameraMaxBitrate(advisor.page)),
      (max) => max !== null && max < DOWNLINK_KBIT * 1000,
      ENGAGE_WITHIN_MS,
    );
    expect(fitted).toBeLessThan(DOWNLINK_KBIT * 1000);
    // The citizen keeps seeing the advisor: 100 new frames decoded within 30 s (over 3 fps on
    // average, against about 10 frames before), and the call stays in video: the kiosk's uplink
    // is fine, and a far downlink never switches a call to audio + text.
    const from = await inboundMedia(kiosk.page);
    const seen = await pollUntil(
      async () => (await trace.read(), inboundMedia(kiosk.page)),
      (m) => m.framesDecoded >= from.framesDecoded + 100,
      30_000,
    );
    expect(seen.framesDecoded, trace.toString()).toBeGreaterThanOrEqual(from.framesDecoded + 100);
    const { kiosk: kioskMode } = await trace.read();
    expect(kioskMode, trace.toString()).toEqual({ mode: 'video', notice: false });

    // The cap lifted, the ceiling grows back: at least twice what it was on the capped line (or
    // past that line's rate). How far it gets in the bound depends on the encoder filling its
    // ceiling (the server's estimate grows only ~1.5 times what is sent): in runs it went past
    // 400 kbit/s within seconds, and once reached only 266 kbit/s in 84 s from about 60, a known
    // limit (stop 19's note). A ceiling that never grows fails here.
    const capped = (await cameraMaxBitrate(advisor.page)) ?? 0;
    const enough = Math.min(DOWNLINK_KBIT * 1000, 2 * capped);
    await run('tc', ['qdisc', 'del', 'dev', rig.network.hostInterface, 'root']);
    const grown = await pollUntil(
      () => cameraMaxBitrate(advisor.page),
      (max) => max !== null && max > enough,
      RECOVER_WITHIN_MS,
    );
    expect(grown).toBeGreaterThan(enough);
  });
});
