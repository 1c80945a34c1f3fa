import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  unreachedPath,
  type LinkPath,
  type NightlyPathFigures,
  type NightlyTestResult,
} from '@visio/shared/protocol';
import { degradation, siteBaseline } from '../../../server/src/monitoring/nightlyBaseline';

// A site's baseline (medians per path of its last results) and when a kiosk's result is worse
// than usual: "UDP blocked since 2026-12-01", "round trip 3× the usual".

const SITE = randomUUID();
const KIOSK = randomUUID();

function path(p: LinkPath, figures: Partial<NightlyPathFigures> = {}): NightlyPathFigures {
  return {
    path: p,
    reached: true,
    timeToFirstFrameMs: 400,
    rttMs: 20,
    jitterMs: 4,
    lossPct: 0,
    videoKbps: 500,
    audioKbps: 40,
    ...figures,
  };
}
const unreached = unreachedPath;

function result(at: string, paths: NightlyPathFigures[], kioskId = KIOSK): NightlyTestResult {
  return { id: randomUUID(), kioskId, siteId: SITE, at, trigger: 'schedule', paths };
}

const usualNights = [1, 2, 3, 4].map((d) =>
  result(
    `2026-11-2${d}T02:00:00.000Z`,
    [path('udp', { rttMs: 18 + d }), path('tcp')],
    randomUUID(),
  ),
);

describe('siteBaseline', () => {
  test('medians per path over reached runs, and the share of runs that reached it', () => {
    const b = siteBaseline(SITE, [
      ...usualNights,
      result('2026-11-30T02:00:00.000Z', [unreached('udp'), path('tcp', { rttMs: 100 })]),
    ]);
    expect(b.runs).toBe(5);
    const udp = b.paths.find((p) => p.path === 'udp')!;
    expect(udp).toMatchObject({ runs: 5, reachedShare: 0.8, rttMs: 20.5, videoKbps: 500 });
    const tcp = b.paths.find((p) => p.path === 'tcp')!;
    expect(tcp).toMatchObject({ runs: 5, reachedShare: 1, rttMs: 20 });
    expect(b.paths.some((p) => p.path === 'turn')).toBe(false);
    expect(siteBaseline(SITE, []).paths).toEqual([]);
  });
});

describe('degradation', () => {
  const baseline = siteBaseline(SITE, usualNights);

  test('as usual: no reason', () => {
    const r = result('2026-12-01T02:00:00.000Z', [path('udp'), path('tcp')]);
    expect(degradation(r, baseline, [])).toEqual([]);
  });

  test('UDP blocked, dated from the first result in a row without it', () => {
    const previous = [
      result('2026-11-30T02:00:00.000Z', [unreached('udp'), path('tcp')]),
      result('2026-11-29T02:00:00.000Z', [unreached('udp'), path('tcp')]),
      result('2026-11-28T02:00:00.000Z', [path('udp'), path('tcp')]),
    ];
    const r = result('2026-12-01T02:00:00.000Z', [unreached('udp'), path('tcp')]);
    expect(degradation(r, baseline, previous)).toEqual([
      { code: 'path_blocked', path: 'udp', since: '2026-11-29T02:00:00.000Z' },
    ]);
    // The first night without it: since this very result.
    expect(degradation(r, baseline, previous.slice(2))).toEqual([
      { code: 'path_blocked', path: 'udp', since: '2026-12-01T02:00:00.000Z' },
    ]);
  });

  test('a path the site never reaches is not an alert (a site without UDP is its usual)', () => {
    const noUdp = [1, 2, 3].map((d) =>
      result(`2026-11-2${d}T02:00:00.000Z`, [unreached('udp'), path('tcp')], randomUUID()),
    );
    const r = result('2026-12-01T02:00:00.000Z', [unreached('udp'), path('tcp')]);
    expect(degradation(r, siteBaseline(SITE, noUdp), [])).toEqual([]);
  });

  test('round trip 3× the usual; a small absolute rise on a fast line is not', () => {
    const slow = result('2026-12-01T02:00:00.000Z', [path('udp', { rttMs: 70 }), path('tcp')]);
    expect(degradation(slow, baseline, [])).toEqual([{ code: 'rtt', path: 'udp', factor: 3.4 }]);
    const lan = siteBaseline(
      SITE,
      [1, 2, 3].map((d) => result(`2026-11-2${d}T02:00:00.000Z`, [path('udp', { rttMs: 2 })])),
    );
    const tiny = result('2026-12-01T02:00:00.000Z', [path('udp', { rttMs: 8 })]);
    expect(degradation(tiny, lan, [])).toEqual([]);
  });

  test('first frame, jitter, loss and bitrate against the usual', () => {
    const r = result('2026-12-01T02:00:00.000Z', [
      path('udp', { timeToFirstFrameMs: 2000, jitterMs: 30, lossPct: 8, videoKbps: 200 }),
    ]);
    expect(degradation(r, baseline, [])).toEqual([
      { code: 'first_frame', path: 'udp', factor: 5 },
      { code: 'jitter', path: 'udp', factor: 7.5 },
      { code: 'loss', path: 'udp', points: 8 },
      { code: 'bitrate', path: 'udp', share: 0.4 },
    ]);
  });

  test('figures are not compared before the site has three results on the path', () => {
    const young = siteBaseline(SITE, usualNights.slice(0, 2));
    const r = result('2026-12-01T02:00:00.000Z', [path('udp', { rttMs: 500 })]);
    expect(degradation(r, young, [])).toEqual([]);
  });
});
