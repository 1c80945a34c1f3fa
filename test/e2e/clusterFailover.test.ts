import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterStage, FAILOVER_BOUND_MS } from './support/ClusterStage';

// Issue 12's proof: two nodes, PostgreSQL, Redis and a load balancer (test/e2e/support/
// ClusterStage.ts); a kiosk on node A checks in, the advisor on node B admits, the call runs in
// real Chromium; the node carrying the call is killed (SIGKILL); the call comes back on the
// other node with video and audio both ways, and the store holds the appointment and its call
// record once each.

let stage: ClusterStage;

beforeAll(async () => {
  stage = await ClusterStage.open();
}, 120_000);

afterAll(async () => {
  await stage?.close();
});

describe('two nodes behind a load balancer', () => {
  it('brings a call back on the surviving node when the node carrying it is killed', async () => {
    const trial = await stage.failoverTrial();
    console.info(`failover: node ${trial.killed} killed, media back both ways in ${trial.ms} ms`);
    expect(trial.recovered, `not back within ${FAILOVER_BOUND_MS} ms`).toBe(true);
    expect(trial.store).toEqual({
      appointments: 1,
      callRecords: 1,
      runningCalls: 1,
      appointmentStatus: 'in_call',
    });
  }, 180_000);
});
