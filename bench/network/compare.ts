/**
 * The before/after tables of bench/network as Markdown, from two result files, with the issue's
 * targets checked on the "after" file:
 *
 *   node --import tsx bench/network/compare.ts [before.json] [after.json]
 *
 * Defaults: bench/results/network-before.json and bench/results/network.json. Prints to stdout
 * (the README's "After" section and the closing notes are written from it); exits 1 when a
 * target is missed, so a script can tell.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaseResult, Recovery } from './ImpairedCall';

interface NetworkRun {
  cases: CaseResult[];
  recovery: Recovery | null;
  commit?: string;
  date?: string;
}

/** A case's verdict against the issue's targets, or null when the issue sets none for it. */
export function caseTarget(c: CaseResult): { target: string; met: boolean } | null {
  const concealed = c.audio_concealed_pct ?? Number.POSITIVE_INFINITY;
  if (c.kbps === 500 && c.loss_pct === 2)
    return {
      target: '≥ 20 fps, ≥ 240 lines, ≤ 3 %',
      met: (c.fps ?? 0) >= 20 && (c.height ?? 0) >= 240 && concealed <= 3,
    };
  if (c.kbps === 250 && c.loss_pct === 5)
    return {
      target: '≥ 15 fps or audio + text, ≤ 5 %',
      met: ((c.fps ?? 0) >= 15 || c.audio_text_mode) && concealed <= 5,
    };
  if (c.kbps === 120 && c.loss_pct === 5)
    return {
      target: 'audio + text ≤ 5 s, text ≤ 500 ms, ≤ 8 %',
      met:
        c.audio_text_mode &&
        c.mode_engaged_ms !== null &&
        c.mode_engaged_ms <= 5_000 &&
        c.rtt_text_ms !== null &&
        c.rtt_text_ms <= 500 &&
        concealed <= 8,
    };
  return null;
}

export function recoveryMet(r: Recovery | null): boolean {
  return r !== null && r.video_back_ms !== null && r.video_back_ms <= 10_000 && r.flaps === 0;
}

const num = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? '–' : String(Math.round(v * 10 ** digits) / 10 ** digits);

const mode = (c: CaseResult | undefined): string =>
  !c ? '' : c.audio_text_mode ? `yes, ${num(c.mode_engaged_ms! / 1000)} s` : 'no';

const text = (c: CaseResult | undefined): string =>
  !c
    ? ''
    : c.rtt_text_ms === null
      ? `– (${c.rtt_text_undelivered} lost)`
      : `${num(c.rtt_text_ms, 0)}${c.rtt_text_undelivered > 0 ? ` (${c.rtt_text_undelivered} lost)` : ''}`;

function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function compare(before: NetworkRun, after: NetworkRun): { markdown: string; met: boolean } {
  const key = (c: CaseResult) => `${c.kbps}/${c.loss_pct}`;
  const afterByKey = new Map(after.cases.map((c) => [key(c), c]));
  let met = true;
  const forward = before.cases.map((b) => {
    const a = afterByKey.get(key(b));
    const verdict = a ? caseTarget(a) : null;
    if (verdict && !verdict.met) met = false;
    return [
      String(b.kbps),
      String(b.loss_pct),
      `${num(b.fps)} → ${a ? num(a.fps) : 'not run'}`,
      `${num(b.height, 0)} → ${a ? num(a.height, 0) : ''}`,
      `${num(b.audio_concealed_pct, 2)} → ${a ? num(a.audio_concealed_pct, 2) : ''}`,
      `${num(b.freezes_per_min)} → ${a ? num(a.freezes_per_min) : ''}`,
      `${mode(b)} → ${mode(a)}`,
      `${text(b)} → ${text(a)}`,
      verdict ? `${verdict.target}: ${verdict.met ? 'met' : '**missed**'}` : '',
    ];
  });
  const reverse = before.cases.map((b) => {
    const a = afterByKey.get(key(b));
    return [
      String(b.kbps),
      String(b.loss_pct),
      `${num(b.reverse.fps)} → ${a ? num(a.reverse.fps) : 'not run'}`,
      `${num(b.reverse.height, 0)} → ${a ? num(a.reverse.height, 0) : ''}`,
      `${num(b.reverse.audio_concealed_pct, 2)} → ${a ? num(a.reverse.audio_concealed_pct, 2) : ''}`,
      `${num(b.reverse.video_kbps, 0)} → ${a ? num(a.reverse.video_kbps, 0) : ''}`,
    ];
  });
  const recovered = recoveryMet(after.recovery);
  if (!recovered) met = false;
  const markdown = [
    "The kiosk's video and audio at the advisor (before → after):",
    '',
    markdownTable(
      [
        'kbit/s',
        'loss %',
        'fps',
        'height',
        'concealed audio %',
        'freezes/min',
        'audio + text',
        'text ms',
        'target',
      ],
      forward,
    ),
    '',
    "The advisor's video and audio at the kiosk (`reverse`, before → after):",
    '',
    markdownTable(
      ['kbit/s', 'loss %', 'fps', 'height', 'concealed audio %', 'video kbit/s'],
      reverse,
    ),
    '',
    markdownTable(
      ['recovery (back to 2000 kbit/s 0 %)', 'before', 'after', 'target'],
      [
        [
          '`video_back_ms`',
          num(before.recovery?.video_back_ms, 0),
          num(after.recovery?.video_back_ms, 0),
          `≤ 10 s: ${recovered ? 'met' : '**missed**'}`,
        ],
        ['`flaps`', num(before.recovery?.flaps, 0), num(after.recovery?.flaps, 0), '0'],
      ],
    ),
  ].join('\n');
  return { markdown, met };
}

function main(): void {
  const [beforePath, afterPath] = [
    process.argv[2] ?? 'bench/results/network-before.json',
    process.argv[3] ?? 'bench/results/network.json',
  ].map((p) => path.resolve(p));
  const read = (p: string) => JSON.parse(fs.readFileSync(p!, 'utf8')) as NetworkRun;
  const { markdown, met } = compare(read(beforePath!), read(afterPath!));
  console.log(markdown);
  process.exitCode = met ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
