import { z } from 'zod';

// How good a kiosk's link to the server is for a call, from the pre-call link test. The thresholds
// are the project's promise (README "Pre-call link test", docs/link-test.md): change them there too.

/** Best first. `audio_only`: voice and real-time text work, video would not hold. */
export const LinkGradeSchema = z.enum(['good', 'fair', 'audio_only', 'impossible']);
export type LinkGrade = z.infer<typeof LinkGradeSchema>;

/** The ways the server can be reached: ICE over UDP, ICE-TCP, and the TURN relay (relay only). */
export const LinkPathSchema = z.enum(['udp', 'tcp', 'turn']);
export type LinkPath = z.infer<typeof LinkPathSchema>;

/** What held a link below `good`. */
export const LinkLimitSchema = z.enum(['no_path', 'throughput', 'loss', 'rtt']);
export type LinkLimit = z.infer<typeof LinkLimitSchema>;

export interface LinkFloor {
  /** Upload throughput the kiosk reached towards the server, kbit/s. */
  minKbps: number;
  /** Messages lost at an audio-like rate, percent. */
  maxLossPct: number;
  /** Round trip kiosk ↔ server, ms. */
  maxRttMs: number;
}

/**
 * The floor of each grade. `fair`: the citizen's camera at QVGA 20 fps (what lip-reading and sign
 * language need, EN 301 549 6.5) plus Opus fits in ~500 kbit/s. `good`: room for VGA and more.
 * `audio_only`: Opus with FEC at its minimum plus real-time text needs ~40 kbit/s. Loss and RTT
 * floors follow what Opus FEC and the jitter buffer still hide (a few % at video rates, ~15 % for
 * voice), and the delay past which a conversation stumbles (ITU-T G.114: 400 ms one way is the
 * limit for planning; 1 s round trip still allows a halting conversation).
 */
export const LINK_FLOORS: Readonly<Record<Exclude<LinkGrade, 'impossible'>, LinkFloor>> = {
  good: { minKbps: 1000, maxLossPct: 2, maxRttMs: 250 },
  fair: { minKbps: 500, maxLossPct: 5, maxRttMs: 400 },
  audio_only: { minKbps: 40, maxLossPct: 15, maxRttMs: 1000 },
};

export interface LinkMeasure {
  /** Which paths connected (a path not offered, such as TURN without a relay, is null). */
  reachable: Readonly<Record<LinkPath, boolean | null>>;
  /** Null where not measured: an unmeasured figure meets no floor. */
  rttMs: number | null;
  lossPct: number | null;
  throughputKbps: number | null;
}

export interface LinkVerdict {
  grade: LinkGrade;
  /** What kept the link from the next better grade (empty for `good`). */
  limits: LinkLimit[];
}

const ORDER: readonly Exclude<LinkGrade, 'impossible'>[] = ['good', 'fair', 'audio_only'];

/** The best grade whose every floor the measure meets; `impossible` without a path. */
export function gradeLink(measure: LinkMeasure): LinkVerdict {
  const anyPath = Object.values(measure.reachable).some((r) => r === true);
  if (!anyPath) return { grade: 'impossible', limits: ['no_path'] };
  let limits: LinkLimit[] = [];
  for (const grade of ORDER) {
    const missed = missedFloors(measure, LINK_FLOORS[grade]);
    if (missed.length === 0) return { grade, limits };
    // The limits reported are those that kept the link from the grade just above the one given.
    limits = missed;
  }
  return { grade: 'impossible', limits };
}

function missedFloors(m: LinkMeasure, floor: LinkFloor): LinkLimit[] {
  const missed: LinkLimit[] = [];
  if (m.throughputKbps === null || m.throughputKbps < floor.minKbps) missed.push('throughput');
  if (m.lossPct === null || m.lossPct > floor.maxLossPct) missed.push('loss');
  if (m.rttMs === null || m.rttMs > floor.maxRttMs) missed.push('rtt');
  return missed;
}

const RANK: Readonly<Record<LinkGrade, number>> = {
  good: 3,
  fair: 2,
  audio_only: 1,
  impossible: 0,
};

/** Whether `a` is a worse grade than `b`. */
export function isWorseGrade(a: LinkGrade, b: LinkGrade): boolean {
  return RANK[a] < RANK[b];
}
