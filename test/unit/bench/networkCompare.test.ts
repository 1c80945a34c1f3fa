import { describe, expect, it } from 'vitest';
import { caseTarget, compare, recoveryMet } from '../../../bench/network/compare';
import {
  engagedAfter,
  modeAt,
  type CaseResult,
  type Recovery,
} from '../../../bench/network/ImpairedCall';

// The targets as bench/network/compare.ts checks them on a result file.

const received = { fps: 24, height: 480, audio_concealed_pct: 0, freezes_per_min: 0 };
function result(overrides: Partial<CaseResult>): CaseResult {
  return {
    kbps: 500,
    loss_pct: 2,
    fps: 24,
    height: 360,
    audio_concealed_pct: 0.1,
    freezes_per_min: 0,
    audio_text_mode: false,
    mode_engaged_ms: null,
    rtt_text_ms: 40,
    advisor_video_kbps: 300,
    advisor_audio_kbps: 24,
    reverse: { ...received, video_kbps: 300, audio_kbps: 24 },
    kiosk_send: { fps: 24, height: 360, kbps: 300, bwe_kbps: 400, quality_limitation: 'none' },
    rtt_text_samples_ms: [40],
    rtt_text_undelivered: 0,
    mode_changes: { kiosk: [], advisor: [] },
    readings: { advisor: 20, kiosk: 20 },
    call_lost: false,
    notes: [],
    ...overrides,
  } as CaseResult;
}
const recovery = (overrides: Partial<Recovery>): Recovery =>
  ({ video_back_ms: 5_000, flaps: 0, from: null, notes: [], ...overrides }) as Recovery;

describe('bench/network targets', () => {
  it('500 kbit/s 2 %: 20 fps at 240 lines or more, 3 % concealed audio at most', () => {
    expect(caseTarget(result({}))?.met).toBe(true);
    expect(caseTarget(result({ fps: 19.9 }))?.met).toBe(false);
    expect(caseTarget(result({ height: 180 }))?.met).toBe(false);
    expect(caseTarget(result({ audio_concealed_pct: 3.1 }))?.met).toBe(false);
    expect(caseTarget(result({ fps: null }))?.met).toBe(false);
  });

  it('250 kbit/s 5 %: 15 fps or the audio + text mode, 5 % concealed audio at most', () => {
    const at = { kbps: 250, loss_pct: 5 };
    expect(caseTarget(result({ ...at, fps: 4, audio_text_mode: true }))?.met).toBe(true);
    expect(caseTarget(result({ ...at, fps: 15 }))?.met).toBe(true);
    expect(caseTarget(result({ ...at, fps: 14 }))?.met).toBe(false);
    expect(caseTarget(result({ ...at, fps: 20, audio_concealed_pct: 6 }))?.met).toBe(false);
  });

  it('120 kbit/s 5 %: audio + text within 5 s, text within 500 ms, 8 % concealed at most', () => {
    const engaged = { kbps: 120, loss_pct: 5, audio_text_mode: true, mode_engaged_ms: 4_000 };
    expect(caseTarget(result(engaged))?.met).toBe(true);
    expect(caseTarget(result({ ...engaged, mode_engaged_ms: 5_100 }))?.met).toBe(false);
    expect(caseTarget(result({ ...engaged, rtt_text_ms: null }))?.met).toBe(false);
    expect(caseTarget(result({ ...engaged, audio_text_mode: false }))?.met).toBe(false);
  });

  it('sets no target for the other cases', () => {
    expect(caseTarget(result({ kbps: 2000, loss_pct: 0 }))).toBeNull();
  });

  it('recovery: video back within 10 s and no flap', () => {
    expect(recoveryMet(recovery({}))).toBe(true);
    expect(recoveryMet(recovery({ video_back_ms: 10_500 }))).toBe(false);
    expect(recoveryMet(recovery({ video_back_ms: null }))).toBe(false);
    expect(recoveryMet(recovery({ flaps: 1 }))).toBe(false);
    expect(recoveryMet(null)).toBe(false);
  });

  it('tells a missed target in the table and the verdict', () => {
    const before = { cases: [result({ fps: 10 })], recovery: recovery({ video_back_ms: 9_000 }) };
    const missed = compare(before, { cases: [result({ fps: 10 })], recovery: recovery({}) });
    expect(missed.met).toBe(false);
    expect(missed.markdown).toContain('**missed**');
    const met = compare(before, { cases: [result({})], recovery: recovery({}) });
    expect(met.met).toBe(true);
    expect(met.markdown).toContain('10 → 24');
  });
});

describe('bench/network: when the audio + text mode engaged in a case', () => {
  const log = [
    { at: 1_000, mode: 'video' },
    { at: 5_000, mode: 'audio_text' },
  ];
  const none = { kiosk: [], advisor: [] };

  it('reads the mode a page showed at a moment from its log', () => {
    expect(modeAt(log, 500)).toBeNull();
    expect(modeAt(log, 4_999)).toBe('video');
    expect(modeAt(log, 5_000)).toBe('audio_text');
  });

  it('takes the later side, and 0 for a side already in audio + text when the case began', () => {
    const changes = {
      kiosk: [{ ms: 3_000, mode: 'audio_text' }],
      advisor: [{ ms: 3_400, mode: 'audio_text' }],
    };
    expect(engagedAfter(changes, { kiosk: 'video', advisor: 'video' })).toBe(3_400);
    expect(engagedAfter(none, { kiosk: 'audio_text', advisor: 'audio_text' })).toBe(0);
    expect(
      engagedAfter(
        { kiosk: [], advisor: changes.advisor },
        { kiosk: 'audio_text', advisor: 'video' },
      ),
    ).toBe(3_400);
    expect(engagedAfter(none, { kiosk: 'video', advisor: 'audio_text' })).toBeNull();
  });
});
