import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRig } from './CallRig';
import { FAULT_REFERENCE, runTrial, type FaultName } from './faults';

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
      const result = await runTrial(rig!, fault);
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
    });
  });
}
