import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { LinkGrade, LinkTestResult } from '@visio/shared/protocol';
import { isDegraded } from '../../../server/src/monitoring/LinkTestService';

// When a kiosk's run is worse than its usual ("a site whose UDP got blocked since Tuesday").

function run(grade: LinkGrade, udp = true, tcp = true): LinkTestResult {
  return {
    id: randomUUID(),
    kioskId: randomUUID(),
    at: new Date().toISOString(),
    grade,
    limits: [],
    reachable: { udp, tcp, turn: null },
    measuredPath: udp ? 'udp' : tcp ? 'tcp' : null,
    rttMs: 20,
    lossPct: 0,
    throughputKbps: 1500,
  };
}

describe('isDegraded', () => {
  test('a first run is the baseline, unless it is impossible', () => {
    expect(isDegraded(run('fair'), [])).toBe(false);
    expect(isDegraded(run('impossible', false, false), [])).toBe(true);
  });

  test('UDP lost where earlier runs reached it is degraded, even with the same grade over TCP', () => {
    const usual = [run('good'), run('good'), run('good')];
    expect(isDegraded(run('good', false, true), usual)).toBe(true);
    expect(isDegraded(run('good'), usual)).toBe(false);
  });

  test('a grade below the median of earlier runs is degraded; a line that was always fair is not', () => {
    expect(isDegraded(run('fair'), [run('good'), run('good'), run('fair')])).toBe(true);
    expect(isDegraded(run('fair'), [run('fair'), run('fair'), run('good')])).toBe(false);
    expect(isDegraded(run('good'), [run('fair'), run('fair')])).toBe(false);
  });

  test('once every earlier run lacks UDP, the line without UDP is the usual one', () => {
    const since = [run('good', false), run('good', false)];
    expect(isDegraded(run('good', false), since)).toBe(false);
  });
});
