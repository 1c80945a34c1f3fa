import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRig } from './CallRig';
import { ConsoleWatch } from './ConsoleWatch';
import { FAULT_REFERENCE, runTrial, type FaultName } from './faults';

/** The faults that move a call's media to a new room, and the cause the console shows. */
const MOVES_MEDIA: Partial<Record<FaultName, 'worker_died' | 'worker_unresponsive'>> = {
  worker_kill: 'worker_died',
  worker_hang: 'worker_unresponsive',
};

/**
 * One fault, one trial, held to what the issue "Calls that survive faults" asks: after the fault,
 * decoded video frames and received audio packets grow again on both pages, and the kiosk, the
 * advisor's screen and the server agree on the appointment (the call goes on; after a drain, it
 * finished). When a trial does not recover, what it saw
 * is printed, and is the failure's message.
 */
export function faultSuite(fault: FaultName): void {
  describe(fault, () => {
    let rig: CallRig | undefined;
    beforeAll(async () => {
      rig = await CallRig.open();
    });
    afterAll(async () => {
      await rig?.close();
    });

    it(`the call survives (time counted from ${FAULT_REFERENCE[fault]})`, async () => {
      // The console of a technician watching, for the faults whose record it is to show.
      const watch = MOVES_MEDIA[fault] ? await ConsoleWatch.open(rig!) : undefined;
      const result = await runTrial(rig!, fault).finally(() => watch?.close());
      const seen = [
        `${fault}: ${result.outcome}${result.ms === null ? ` (${result.lostBy})` : ` in ${result.ms} ms`}`,
        ...result.notes,
      ].join('\n  ');
      console.log(seen);
      expect(result.outcome, seen).toBe('recovered');
      expect(result.states.agree, seen).toBe(true);
      if (fault === 'server_sigterm_drain') {
        // The call finished undisturbed (the advisor hung up), and nobody got in after SIGTERM.
        expect(result.states.server.phase, seen).toBe('ended');
        expect(result.admittedAfterSigterm, seen).toBe(false);
      } else {
        expect(result.states.server.phase, seen).toBe('in_call');
      }
      const cause = MOVES_MEDIA[fault];
      if (watch && cause) {
        // The console saw the call move (rehoming, for the right cause, in the room lost), then
        // media flowing both ways in the new room, with the interruption counted.
        const states = watch.states.join(' → ');
        const moving = watch.seen.findIndex((m) => m.state === 'rehoming' && m.cause === cause);
        expect(moving, states).toBeGreaterThanOrEqual(0);
        const back = watch.seen.slice(moving).find((m) => m.state === 'flowing');
        expect(back, states).toMatchObject({ cause: null, epoch: watch.seen[moving]!.epoch + 1 });
        expect(back!.incidents, states).toBeGreaterThanOrEqual(1);
      }
    });
  });
}
