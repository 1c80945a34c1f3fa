import { AppError } from '@visio/shared/protocol';
import { ClusterStage, type FailoverTrial } from '../../test/e2e/support/ClusterStage';
import type { TestServer } from '../../test/support/testServer';

export interface FailoverFigures {
  trials: FailoverTrial[];
  recovered: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** Appointments, call records or running calls missing after a kill (expected one of each). */
  lost: number;
  /** The same, found more than once. */
  duplicated: number;
}

/**
 * `count` node kills (SIGKILL to the node carrying a call through the real UI, in Chromium),
 * alternating which node the kiosk and the advisor are on, on two node processes behind a load
 * balancer (test/e2e/support/ClusterStage.ts): how long until video and audio flow both ways
 * again, and what the store holds of each trial's appointment.
 */
export async function measureFailover(
  count: number,
  log: (line: string) => void,
): Promise<FailoverFigures> {
  const stage = await ClusterStage.open();
  const trials: FailoverTrial[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const trial = await stage.failoverTrial(i % 2 === 1);
      trials.push(trial);
      log(
        `failover ${i + 1}/${count}: node ${trial.killed} killed, ${
          trial.recovered ? `back in ${trial.ms} ms` : 'NOT back'
        }, store ${JSON.stringify(trial.store)}`,
      );
    }
  } finally {
    await stage.close();
  }
  const times = trials.flatMap((t) => (t.ms === null ? [] : [t.ms])).sort((a, b) => a - b);
  const at = (q: number) =>
    times.length === 0 ? null : times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  const expected = (n: number) => ({ lost: n < 1 ? 1 : 0, duplicated: Math.max(0, n - 1) });
  let lost = 0;
  let duplicated = 0;
  for (const { store } of trials) {
    for (const n of [store.appointments, store.callRecords, store.runningCalls]) {
      lost += expected(n).lost;
      duplicated += expected(n).duplicated;
    }
  }
  return {
    trials,
    recovered: trials.filter((t) => t.recovered).length,
    p50_ms: at(0.5),
    p95_ms: at(0.95),
    lost,
    duplicated,
  };
}

/**
 * 1,000 concurrent takes of 100 waiting citizens (walk-ins at kiosks `kioskIds`, checked in
 * through both nodes) by the advisors `advisorIds`, every citizen taken by ten different
 * advisors, rounds alternating between the two nodes (their own database pools): the winners,
 * the CONFLICTs, and the citizens taken more than once.
 */
export async function claimRaces(
  nodes: readonly [TestServer, TestServer],
  kioskIds: readonly string[],
  advisorIds: readonly string[],
): Promise<{ winners: number; conflicts: number; double_claims: number }> {
  const waiting: string[] = [];
  for (const [i, kioskId] of kioskIds.entries()) {
    const { checkIn } = nodes[i % 2]!.server.scheduling;
    waiting.push((await checkIn.joinWalkIn(kioskId, nodes[0].serviceA)).appointmentId);
  }
  const takes = Array.from({ length: 10 * waiting.length }, (_, i) => {
    const [k, j] = [Math.floor(i / waiting.length), i % waiting.length];
    const { waitingRoom } = nodes[k % 2]!.server.scheduling;
    return waitingRoom.claim(advisorIds[(j + 7 * k) % advisorIds.length]!, waiting[j]!);
  });
  const results = await Promise.allSettled(takes);
  const winners = results.filter((r) => r.status === 'fulfilled').length;
  const conflicts = results.filter(
    (r) => r.status === 'rejected' && r.reason instanceof AppError && r.reason.code === 'CONFLICT',
  ).length;
  // Each citizen admitted once in the audit log: nobody else believed they had won.
  const admits = await nodes[0].server.store.db
    .selectFrom('audit_log')
    .select('target_id')
    .where('action', '=', 'appointment.admit')
    .where('target_id', 'in', waiting)
    .execute();
  const distinct = new Set(admits.map((a) => a.target_id)).size;
  const double_claims = Math.max(0, admits.length - distinct, winners - waiting.length);
  return { winners, conflicts, double_claims };
}
