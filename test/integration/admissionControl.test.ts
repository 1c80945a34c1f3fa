import { AppError } from '@visio/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPath, type BookedCall } from '../../bench/sfu-capacity/AppPath';
import { Loadgen } from '../../bench/sfu-capacity/Loadgen';
import { eventually } from '../support/appointments';

// Admission control under real load. The C load generator of bench/sfu-capacity carries real
// SRTP calls (VP8 1.5 Mbit/s + Opus, both ways) admitted through the application, until the
// worker's measured CPU passes a limit set low for the test (4 % of a core: an idle worker uses
// well under 1 %, each such call about 1 %). Then the next admission is refused as server_busy,
// the citizen keeps their place, the running calls keep their media, and once the load is gone
// the same citizen is admitted.

const MAX_CPU = 0.04;
const MAX_CALLS = 40;

let gen: Loadgen;
let app: AppPath;

beforeAll(async () => {
  gen = await Loadgen.start();
  app = await AppPath.start(1500, {
    MEDIA_WORKER_MAX_CPU: String(MAX_CPU),
    MEDIA_WORKER_PROBE_INTERVAL_MS: '100',
  });
}, 60_000);

afterAll(async () => {
  await gen?.close();
  await app?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Received and expected packets of the given consumer SSRCs so far. */
async function counts(ssrcs: number[]) {
  const stats = await gen.stats();
  let received = 0;
  let expected = 0;
  for (const e of stats.endpoints)
    for (const r of e.rx)
      if (ssrcs.includes(r.ssrc)) {
        received += r.received;
        expected += r.expected;
      }
  return { received, expected };
}

describe('admission control', () => {
  it('refuses a new call as server_busy past the CPU limit, keeps the citizen waiting and the running calls whole, and admits once the load is gone', async () => {
    const endpointIds: number[] = [];
    const ssrcs: number[] = [];
    let refused: { booked: BookedCall; error: unknown } | undefined;
    let admitted = 0;
    for (let i = 0; i < MAX_CALLS && !refused; i++) {
      const booked = await app.book(i);
      try {
        const call = await app.admit(booked, gen.fingerprint);
        for (const e of call.endpoints) {
          const id = endpointIds.length + 1;
          gen.add({ id, ...e });
          endpointIds.push(id);
        }
        for (const id of endpointIds.slice(-4)) await gen.connected(id);
        ssrcs.push(...call.consumerSsrcs);
        admitted += 1;
        // The meter's window is a second: let it see this call's media before the next.
        await sleep(1_200);
      } catch (error) {
        refused = { booked, error };
      }
    }

    expect(refused, `no admission refused within ${MAX_CALLS} calls`).toBeDefined();
    expect(admitted).toBeGreaterThan(0);
    const error = refused!.error;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', reason: 'server_busy' });
    // Refused on the measured load plus the projected cost of the calls placed in the last
    // seconds (their media may not flow yet): the measured part alone is near the limit.
    const [worker] = await app.server.pool.usage();
    expect(worker!.cpuLoad).toBeGreaterThan(MAX_CPU / 2);

    // The citizen was not taken: still waiting, in the same place.
    const row = await app.server.scheduling.appointments.find(refused!.booked.appointmentId);
    expect(row?.status).toBe('checked_in');
    expect(await app.server.monitoring.metrics.metrics()).toMatch(
      /visio_calls_refused_total\{reason="server_busy"\} [1-9]/,
    );

    // The running calls keep their media: under 1 % loss over three seconds.
    const before = await counts(ssrcs);
    await sleep(3_000);
    const after = await counts(ssrcs);
    const expected = after.expected - before.expected;
    expect(expected).toBeGreaterThan(0);
    expect(1 - (after.received - before.received) / expected).toBeLessThan(0.01);

    // The load goes (the calls' media stops): the same citizen is admitted.
    for (const id of endpointIds) await gen.remove(id);
    await eventually(
      async () => {
        try {
          await app.admit(refused!.booked, gen.fingerprint);
          return true;
        } catch (e) {
          if (e instanceof AppError && e.reason === 'server_busy') return false;
          throw e;
        }
      },
      'an admission once the load is gone',
      15_000,
    );
    expect(
      (await app.server.scheduling.appointments.find(refused!.booked.appointmentId))?.status,
    ).toBe('in_call');
  }, 120_000);
});
