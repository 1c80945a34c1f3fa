import type {
  LinkPath,
  NightlyBaseline,
  NightlyPathBaseline,
  NightlyPathFigures,
  NightlyReason,
  NightlyTestResult,
} from '@visio/shared/protocol';

/** Results a site's baseline is made of (its newest), and the fewest that make figures usual. */
export const BASELINE_RESULTS = 20;
export const MIN_BASELINE_RUNS = 3;

/**
 * How much worse than usual a figure must be to alert: a factor of the median and an absolute
 * margin, so that a 2 ms round trip becoming 6 ms on a LAN does not page anyone.
 */
export const DEGRADED = {
  rtt: { factor: 3, marginMs: 30 },
  firstFrame: { factor: 3, marginMs: 500 },
  jitter: { factor: 3, marginMs: 10 },
  lossPoints: 5,
  bitrateShare: 0.5,
  /** A path reached in at least this share of the site's results is usually reachable there. */
  reachedShare: 0.5,
} as const;

const PATHS: readonly LinkPath[] = ['udp', 'tcp', 'turn'];

/** A site's usual figures per path: medians over `results` (its newest, any order). */
export function siteBaseline(
  siteId: string,
  results: readonly NightlyTestResult[],
): NightlyBaseline {
  const paths: NightlyPathBaseline[] = [];
  for (const path of PATHS) {
    const tried = results.flatMap((r) => r.paths.filter((p) => p.path === path));
    if (tried.length === 0) continue;
    const reached = tried.filter((p) => p.reached);
    const med = (pick: (p: NightlyPathFigures) => number | null) =>
      median(reached.map(pick).filter((v): v is number => v !== null));
    paths.push({
      path,
      runs: tried.length,
      reachedShare: round(reached.length / tried.length, 2),
      timeToFirstFrameMs: med((p) => p.timeToFirstFrameMs),
      rttMs: med((p) => p.rttMs),
      jitterMs: med((p) => p.jitterMs),
      lossPct: med((p) => p.lossPct),
      videoKbps: med((p) => p.videoKbps),
    });
  }
  return { siteId, runs: results.length, paths };
}

/**
 * Why `result` is worse than usual (empty: it is not). A path is blocked when it was not reached
 * although the kiosk reached it before, or the site usually reaches it; `since` is the first of the
 * kiosk's results in a row without it. A reached path's figures are compared with the site's
 * medians once the site has MIN_BASELINE_RUNS results on that path.
 * `previous`: the kiosk's earlier results, newest first.
 */
export function degradation(
  result: NightlyTestResult,
  baseline: NightlyBaseline,
  previous: readonly NightlyTestResult[],
): NightlyReason[] {
  const reasons: NightlyReason[] = [];
  for (const figures of result.paths) {
    const { path } = figures;
    const usual = baseline.paths.find((b) => b.path === path);
    if (!figures.reached) {
      const reachedBefore = previous.some((r) => reachedIn(r, path) === true);
      const usuallyReached =
        usual !== undefined && usual.runs > 0 && usual.reachedShare >= DEGRADED.reachedShare;
      if (reachedBefore || usuallyReached)
        reasons.push({ code: 'path_blocked', path, since: blockedSince(result, previous, path) });
      continue;
    }
    if (!usual || usual.runs < MIN_BASELINE_RUNS) continue;
    const factor = (
      value: number | null,
      base: number | null,
      rule: { factor: number; marginMs: number },
    ) =>
      value !== null &&
      base !== null &&
      value >= base * rule.factor &&
      value - base >= rule.marginMs
        ? round(base > 0 ? value / base : value, 1)
        : null;
    const rtt = factor(figures.rttMs, usual.rttMs, DEGRADED.rtt);
    if (rtt !== null) reasons.push({ code: 'rtt', path, factor: rtt });
    const first = factor(figures.timeToFirstFrameMs, usual.timeToFirstFrameMs, DEGRADED.firstFrame);
    if (first !== null) reasons.push({ code: 'first_frame', path, factor: first });
    const jitter = factor(figures.jitterMs, usual.jitterMs, DEGRADED.jitter);
    if (jitter !== null) reasons.push({ code: 'jitter', path, factor: jitter });
    if (
      figures.lossPct !== null &&
      usual.lossPct !== null &&
      figures.lossPct - usual.lossPct >= DEGRADED.lossPoints
    )
      reasons.push({ code: 'loss', path, points: round(figures.lossPct - usual.lossPct, 1) });
    if (
      figures.videoKbps !== null &&
      usual.videoKbps !== null &&
      usual.videoKbps > 0 &&
      figures.videoKbps <= usual.videoKbps * DEGRADED.bitrateShare
    )
      reasons.push({ code: 'bitrate', path, share: round(figures.videoKbps / usual.videoKbps, 2) });
  }
  return reasons;
}

/** Whether the path was reached in a result; undefined when it was not tried. */
function reachedIn(result: NightlyTestResult, path: LinkPath): boolean | undefined {
  return result.paths.find((p) => p.path === path)?.reached;
}

function blockedSince(
  result: NightlyTestResult,
  previous: readonly NightlyTestResult[],
  path: LinkPath,
): string {
  let since = result.at;
  for (const r of previous) {
    const reached = reachedIn(r, path);
    if (reached === true) break;
    if (reached === false) since = r.at;
  }
  return since;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
