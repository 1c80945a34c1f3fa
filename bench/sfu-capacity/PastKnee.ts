import { AppError } from '@visio/shared/protocol';
import type { AppPath, BookedCall } from './AppPath';
import type { Loadgen } from './Loadgen';
import { measureWindow, type StepRecord } from './Ramp';

export interface PastKneeOptions {
  steps: number[];
  settleMs: number;
  windowMs: number;
  /** Citizens offered, spread over the window, once the server has refused one. */
  offers: number;
  /** Pause after each admitted call's media flows. */
  betweenCallsMs: number;
  workerCpu: number;
  log: (line: string) => void;
}

export interface PastKneeResult {
  /** Calls admitted when the server first refused one. */
  admitted_calls: number;
  /** The first refusal's code and reason (null if none came within the steps). */
  refusal: { code: string; reason: string | null } | null;
  /** Of the citizens offered afterwards, how many were refused, how many admitted. */
  offered: number;
  refused: number;
  admitted_after_refusal: number;
  /** Refused citizens whose appointment was still waiting afterwards (they keep their place). */
  still_waiting: number;
  /** The running calls over the window while the offers were refused. */
  running: StepRecord | null;
  /** A call that failed for another reason than admission control, or null. */
  stopped: string | null;
  /** Refusals during the ramp that a second offer after the settle got through. */
  transient_refusals: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Past the knee, through the application with admission control on: calls are added in the
 * ramp's steps until the server refuses one (UNAVAILABLE, server_busy); then `offers` more
 * citizens are offered, spread over one measurement window of the running calls. A server that
 * degrades gracefully refuses them all and its running calls keep under 1 % loss.
 */
export async function pastKnee(
  app: AppPath,
  gen: Loadgen,
  o: PastKneeOptions,
): Promise<PastKneeResult> {
  const callSsrcs: number[][] = [];
  let nextId = 1;
  let index = 0;
  const admit = async (booked: BookedCall) => {
    const call = await app.admit(booked, gen.fingerprint);
    const ids = call.endpoints.map((e) => {
      const id = nextId++;
      gen.add({ id, ...e });
      return id;
    });
    callSsrcs.push(call.consumerSsrcs);
    return ids;
  };
  const busy = (e: unknown): e is AppError => e instanceof AppError && e.reason === 'server_busy';

  let first: AppError | undefined;
  let stopped: string | null = null;
  let transient = 0;
  steps: for (const target of o.steps) {
    while (callSsrcs.length < target) {
      const booked = await app.book(index++);
      // A refusal during a burst may be the projection of rooms just placed: the same citizen
      // is offered again once the step has settled; refused again, the server is at its limit.
      for (let tries = 0; ; tries++) {
        try {
          // As citizens come in: one at a time, each call's media flowing before the next, so
          // that the server judges the load it carries (the meter looks a second back).
          const added = await admit(booked);
          for (const id of added) await gen.connected(id, 30_000);
          await sleep(o.betweenCallsMs);
          break;
        } catch (error) {
          if (!busy(error)) {
            stopped = `call ${callSsrcs.length + 1} did not set up: ${String(error)}`;
            break steps;
          }
          if (tries > 0) {
            first = error;
            break steps;
          }
          transient += 1;
          await sleep(o.settleMs);
        }
      }
    }
    o.log(`past-knee ${String(callSsrcs.length).padStart(4)} calls admitted`);
    await sleep(o.settleMs);
  }
  const admittedCalls = callSsrcs.length;
  if (!first) {
    o.log(`past-knee: no refusal (${stopped ?? 'the steps ran out'})`);
    return {
      admitted_calls: admittedCalls,
      refusal: null,
      offered: 0,
      refused: 0,
      admitted_after_refusal: 0,
      still_waiting: 0,
      running: null,
      stopped,
      transient_refusals: transient,
    };
  }
  o.log(`past-knee: refused at call ${admittedCalls + 1}: ${first.code} ${first.reason}`);

  // The running calls over one window, while citizens keep being offered.
  const running = [...callSsrcs];
  const window = measureWindow(app, gen, running, o.windowMs, o.workerCpu);
  const refusedIds: string[] = [];
  let admittedAfter = 0;
  for (let n = 0; n < o.offers; n++) {
    const booked = await app.book(index++);
    try {
      await admit(booked);
      admittedAfter += 1;
    } catch (error) {
      if (!busy(error)) throw error;
      refusedIds.push(booked.appointmentId);
    }
    await sleep(o.windowMs / (o.offers + 1));
  }
  const record = await window;
  let stillWaiting = 0;
  for (const id of refusedIds) {
    const row = await app.server.scheduling.appointments.find(id);
    if (row?.status === 'checked_in') stillWaiting += 1;
  }
  o.log(
    `past-knee: ${refusedIds.length}/${o.offers} refused, ${stillWaiting} still waiting; ` +
      `running ${record.calls} calls: worker ${record.worker_cpu_pct}% loss ${record.loss_pct}% ` +
      `(worst call ${record.worst_call_loss_pct}%)`,
  );
  return {
    admitted_calls: admittedCalls,
    refusal: { code: first.code, reason: first.reason ?? null },
    offered: o.offers,
    refused: refusedIds.length,
    admitted_after_refusal: admittedAfter,
    still_waiting: stillWaiting,
    running: record,
    stopped,
    transient_refusals: transient,
  };
}
