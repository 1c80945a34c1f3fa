import fs from 'node:fs';
import path from 'node:path';
import type { CallRig, RigCall } from '../../test/faults/CallRig';
import type { LineCondition, LineImpairment } from '../../test/support/LineImpairment';
import { round } from '../call-setup/stats';
import { GOOD_LINE } from './cases';
import {
  median,
  receivedFigures,
  sentFigures,
  videoNow,
  type PageSample,
  type ReceivedFigures,
  type SentFigures,
} from './mediaFigures';
import { PageSampler, type ModeChange } from './PageSampler';
import { RealTimeTextProbe } from './RealTimeTextProbe';

/** Each page's stats are read this often. */
export const SAMPLE_MS = 1_000;
/** Keystrokes of real-time text per case (one a second at most, within the measure window). */
const TEXT_KEYSTROKES = 8;
/** Video is back when the kiosk's video at the advisor is at least this good (issue 11). */
export const VIDEO_BACK = { fps: 20, height: 240 };
/** How long after the line comes back video is waited for. */
const RECOVERY_BOUND_MS = 60_000;
/** The app's mode names (`data-media-mode`) that the harness reads: see README. */
export const AUDIO_TEXT_MODE = 'audio_text';
export const VIDEO_MODE = 'video';
/** Attempts at setting up a call (at the start, or again after the line killed one). */
const CALL_ATTEMPTS = 3;

export interface Windows {
  settleMs: number;
  measureMs: number;
}

export interface ModeChangeAfter {
  ms: number;
  mode: string | null;
}

export interface ModeChanges {
  kiosk: ModeChangeAfter[];
  advisor: ModeChangeAfter[];
}

/** One case of bench/results/network.json: its first nine fields are the shape. */
export interface CaseResult {
  kbps: number;
  loss_pct: number;
  fps: number | null;
  height: number | null;
  audio_concealed_pct: number | null;
  freezes_per_min: number | null;
  audio_text_mode: boolean;
  mode_engaged_ms: number | null;
  rtt_text_ms: number | null;
  advisor_video_kbps: number | null;
  advisor_audio_kbps: number | null;
  /** The other direction: the advisor's media at the kiosk. */
  reverse: ReceivedFigures;
  /** How the kiosk's browser sent its camera (encoder and bandwidth estimate). */
  kiosk_send: SentFigures;
  rtt_text_samples_ms: number[];
  rtt_text_undelivered: number;
  /** Mode changes after the impairment began, ms after it, per side. */
  mode_changes: ModeChanges;
  readings: { advisor: number; kiosk: number };
  /** The call was no longer shown on both pages at the end of the case. */
  call_lost: boolean;
  notes: string[];
}

export interface Recovery {
  video_back_ms: number | null;
  flaps: number;
  from: { kbps: number; loss_pct: number } | null;
  /** Both sides' mode back to video, ms after the line came back; null if it never changed. */
  mode_back_ms: number | null;
  mode_changes: ModeChanges;
  watched_ms: number;
  notes: string[];
}

/**
 * A real call (booked, checked in and admitted through the UI by `CallRig`) whose kiosk sits
 * behind a `LineImpairment`, with the probes of the benchmark on both pages: stats readings every
 * second, the media mode log, real-time text. `runCase()` puts the line in a condition, lets it
 * settle, then measures; `recover()` gives the good line back and watches the video return.
 */
export class ImpairedCall {
  private constructor(
    readonly rig: CallRig,
    readonly call: RigCall,
    readonly line: LineImpairment,
    private readonly advisor: PageSampler,
    private readonly kiosk: PageSampler,
    private readonly text: RealTimeTextProbe,
  ) {}

  /** A call set up on a good line (bounded attempts), its probes running. */
  static async open(rig: CallRig, line: LineImpairment): Promise<ImpairedCall> {
    await line.lift();
    for (let attempt = 1; ; attempt++) {
      let call: RigCall | undefined;
      try {
        call = await rig.startCall();
        const impaired = new ImpairedCall(
          rig,
          call,
          line,
          new PageSampler(call.advisor.page, SAMPLE_MS),
          new PageSampler(call.kiosk.page, SAMPLE_MS),
          new RealTimeTextProbe(call.kiosk, call.advisor.page),
        );
        await impaired.text.install();
        for (const sampler of [impaired.advisor, impaired.kiosk]) {
          await sampler.watchMode();
          sampler.start();
        }
        return impaired;
      } catch (error) {
        if (attempt >= CALL_ATTEMPTS) throw error;
        console.warn(`the call did not set up (${String(error).split('\n')[0]}); again`);
        await rig.endTrial(call);
      }
    }
  }

  /** Stops the probes and ends the call, leaving the server clean for another. */
  async close(): Promise<void> {
    await Promise.all([this.advisor.stop(), this.kiosk.stop()]);
    await this.rig.endTrial(this.call);
  }

  async runCase(condition: LineCondition, windows: Windows): Promise<CaseResult> {
    const notes: string[] = [];
    await this.line.apply(condition);
    const impairedAt = Date.now();
    await sleepUntil(impairedAt + windows.settleMs);
    const from = Date.now();
    const to = from + windows.measureMs;
    const text = await this.text.measure(TEXT_KEYSTROKES, to);
    await sleepUntil(to);
    const advisorSamples = this.advisor.between(from, to);
    const kioskSamples = this.kiosk.between(from, to);
    if (!(await this.text.erase())) notes.push('the erased draft did not clear at the advisor');
    const atAdvisor = receivedFigures(advisorSamples);
    const logs = { kiosk: await this.kiosk.modeLog(), advisor: await this.advisor.modeLog() };
    const modes = {
      kiosk: changesAfter(logs.kiosk, impairedAt),
      advisor: changesAfter(logs.advisor, impairedAt),
    };
    // A case that begins in audio + text (the line before it, no better, engaged it) counts as
    // engaged from its start: 0 ms.
    const engaged = engagedAfter(modes, {
      kiosk: modeAt(logs.kiosk, impairedAt),
      advisor: modeAt(logs.advisor, impairedAt),
    });
    const lost = !(await this.shown());
    if (lost) notes.push('the call was no longer shown on both pages at the end of the case');
    if (text.undelivered > 0) notes.push(`${text.undelivered} keystrokes not delivered in 10 s`);
    const rtt = median(text.latenciesMs);
    return {
      kbps: condition.kbps,
      loss_pct: condition.lossPct,
      fps: roundOrNull(atAdvisor.fps),
      height: atAdvisor.height,
      audio_concealed_pct: roundOrNull(atAdvisor.audio_concealed_pct, 2),
      freezes_per_min: roundOrNull(atAdvisor.freezes_per_min, 2),
      audio_text_mode: engaged !== null,
      mode_engaged_ms: engaged,
      rtt_text_ms: rtt === null ? null : round(rtt),
      advisor_video_kbps: roundOrNull(atAdvisor.video_kbps),
      advisor_audio_kbps: roundOrNull(atAdvisor.audio_kbps),
      reverse: roundFigures(receivedFigures(kioskSamples)),
      kiosk_send: roundFigures(sentFigures(kioskSamples)),
      rtt_text_samples_ms: text.latenciesMs,
      rtt_text_undelivered: text.undelivered,
      mode_changes: modes,
      readings: { advisor: advisorSamples.length, kiosk: kioskSamples.length },
      call_lost: lost,
      notes,
    };
  }

  /**
   * The line comes back (2 Mbit/s, no loss): when the kiosk's video at the advisor is good again
   * (≥ 20 fps and ≥ 240 lines between two readings), then a measure window more to see whether
   * the mode flaps.
   */
  async recover(from: LineCondition | null, windows: Windows): Promise<Recovery> {
    const notes: string[] = [];
    await this.line.apply(GOOD_LINE);
    const liftedAt = Date.now();
    let videoBack: number | null = null;
    let seen = this.advisor.samples.length;
    while (Date.now() < liftedAt + RECOVERY_BOUND_MS) {
      await sleepUntil(Date.now() + SAMPLE_MS / 4);
      const samples = this.advisor.samples;
      for (; seen < samples.length && videoBack === null; seen++) {
        const before = samples[seen - 1] as PageSample | undefined;
        const after = samples[seen]!;
        if (!before || before.at < liftedAt) continue;
        const now = videoNow(before, after);
        if ((now.fps ?? 0) >= VIDEO_BACK.fps && (now.height ?? 0) >= VIDEO_BACK.height)
          videoBack = after.at - liftedAt;
      }
      if (videoBack !== null) break;
    }
    if (videoBack === null) notes.push(`video not back within ${RECOVERY_BOUND_MS} ms`);
    else await sleepUntil(liftedAt + videoBack + windows.measureMs);
    const watched = Date.now() - liftedAt;
    const modes = await this.modeChangesAfter(liftedAt);
    const backToVideo = [modes.kiosk, modes.advisor].map(
      (changes) => changes.find((c) => c.mode === VIDEO_MODE)?.ms ?? null,
    );
    return {
      video_back_ms: videoBack,
      flaps: flaps(modes.kiosk) + flaps(modes.advisor),
      from: from ? { kbps: from.kbps, loss_pct: from.lossPct } : null,
      mode_back_ms: backToVideo.every((ms) => ms !== null) ? Math.max(...backToVideo) : null,
      mode_changes: modes,
      watched_ms: watched,
      notes,
    };
  }

  /** Two full readings of each page, 2 s apart (every stats entry), for test fixtures. */
  async capture(dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, sampler] of [
      ['advisor', this.advisor],
      ['kiosk', this.kiosk],
    ] as const) {
      const first = await sampler.read({ all: true });
      await sleepUntil(Date.now() + 2_000);
      const second = await sampler.read({ all: true });
      const file = path.join(dir, `network-${name}-getstats.json`);
      fs.writeFileSync(file, `${JSON.stringify([first, second], null, 2)}\n`);
      console.log(`captured ${file}`);
    }
  }

  private async modeChangesAfter(from: number): Promise<ModeChanges> {
    return {
      kiosk: changesAfter(await this.kiosk.modeLog(), from),
      advisor: changesAfter(await this.advisor.modeLog(), from),
    };
  }

  /** Both pages still show the call. */
  private async shown(): Promise<boolean> {
    const [kiosk, advisor] = await Promise.all([
      this.call.kiosk.screen('call').isVisible(),
      this.call.advisor.callView().isVisible(),
    ]);
    return kiosk && advisor;
  }
}

/**
 * Mode switches after the line came back that are not the one restoring video: a side that was
 * in audio + text may switch back to video once; every other switch is a flap.
 */
function flaps(changes: readonly ModeChangeAfter[]): number {
  const restoring = changes.findIndex((c) => c.mode === VIDEO_MODE);
  return changes.filter((_, i) => i !== restoring).length;
}

/** The log's changes after `from`, as ms after it (its first entry is the state it started in). */
function changesAfter(log: readonly ModeChange[], from: number): ModeChangeAfter[] {
  return log.slice(1).flatMap((c) => (c.at > from ? [{ ms: c.at - from, mode: c.mode }] : []));
}

/** The mode a page showed at `at`: its log's last entry up to then (null before any). */
export function modeAt(log: readonly ModeChange[], at: number): string | null {
  return log.filter((c) => c.at <= at).at(-1)?.mode ?? null;
}

/**
 * The audio + text mode engaged once both sides show it: ms after the impairment began, 0 for a
 * side that showed it already when it began.
 */
export function engagedAfter(
  modes: ModeChanges,
  atStart: { kiosk: string | null; advisor: string | null },
): number | null {
  const times = (['kiosk', 'advisor'] as const).map((side) =>
    atStart[side] === AUDIO_TEXT_MODE
      ? 0
      : (modes[side].find((c) => c.mode === AUDIO_TEXT_MODE)?.ms ?? null),
  );
  return times.every((ms) => ms !== null) ? Math.max(...times) : null;
}

function roundOrNull(value: number | null, digits = 1): number | null {
  return value === null ? null : round(value, digits);
}

function roundFigures<T extends object>(figures: T): T {
  return Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? round(v, 2) : v]),
  ) as T;
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
