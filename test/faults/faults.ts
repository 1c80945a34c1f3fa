import fs from 'node:fs';
import { pollUntil } from '../e2e/support/browser';
import type { CallRig, RigCall } from './CallRig';
import { CallSetupError } from './CallSetupError';
import { CallWatch } from './CallWatch';
import { describeStates, type PartyStates } from './PartyStates';

// The faults of the issue "Calls that survive faults", each played on one running call, and what
// the call did: media back both ways (and how fast), or lost. Shared by test/faults (one trial per
// fault, asserting recovery) and bench/faults (20 trials per fault, figures).

export const FAULT_NAMES = [
  'worker_kill',
  'worker_hang',
  'kiosk_reload',
  'advisor_reload',
  'kiosk_network_cut_10s',
  'server_sigkill',
  'server_sigterm_drain',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** A call that has no media both ways this long after the fault's reference moment is lost. */
export const RECOVERY_BOUND_MS = 30_000;
const CUT_MS = 10_000;
/** How long a drained call is watched after SIGTERM before the advisor hangs up. */
const DRAIN_WATCH_MS = 10_000;
/** A drained call is undisturbed while neither side goes this long without frames or packets. */
export const DRAIN_GAP_LIMIT_MS = 1_000;
/** How long a draining server may take to exit once its last call is over. */
const DRAIN_EXIT_MS = 30_000;

export interface TrialResult {
  fault: FaultName;
  /** Media came back both ways (drain: never stopped) and the call went on. */
  outcome: 'recovered' | 'lost';
  /** Why a lost trial is lost: a party ended the call, or media stayed away past the bound. */
  lostBy: 'call_ended' | 'no_media' | null;
  /**
   * Recovered: ms from the fault's reference moment (see `FAULT_REFERENCE`) to video frames
   * decoded and audio packets received again on both pages. Drain: the longest time either page
   * went without them after SIGTERM. Null when lost.
   */
  ms: number | null;
  /** The kiosk, the advisor and the server on the appointment, once settled after the fault. */
  states: PartyStates;
  /** What happened, for people: signs of the end, media seen, restarts. */
  notes: string[];
  /** server_sigterm_drain: a citizen's admission attempted after SIGTERM got in. */
  admittedAfterSigterm?: boolean;
}

/** The moment each fault's time counts from, as the issue defines it. */
export const FAULT_REFERENCE: Record<FaultName, string> = {
  worker_kill: 'SIGKILL sent to the media worker hosting the call',
  worker_hang: 'SIGSTOP sent to that worker',
  kiosk_reload: "the kiosk page's reload",
  advisor_reload: "the advisor page's reload",
  kiosk_network_cut_10s: "the kiosk's network restored after 10 s of dropped packets",
  server_sigkill: 'the new server process ready (/readyz 200), started at once after SIGKILL',
  server_sigterm_drain: 'SIGTERM (the time is the longest media gap after it)',
};

/**
 * Sets up a call, plays `fault` on it, then cleans up for the next trial. A call that cannot be
 * set up throws a `CallSetupError`.
 */
export async function runTrial(rig: CallRig, fault: FaultName): Promise<TrialResult> {
  let call: RigCall | undefined;
  try {
    try {
      call = await rig.startCall();
    } catch (error) {
      throw new CallSetupError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    const result = await FAULTS[fault](rig, call);
    result.notes.push(...(await rig.endTrial(call)));
    return result;
  } catch (error) {
    await rig.endTrial(call).catch(() => undefined);
    throw error;
  }
}

type Fault = (rig: CallRig, call: RigCall, watch: CallWatch) => Promise<TrialResult>;

const FAULTS: Record<FaultName, (rig: CallRig, call: RigCall) => Promise<TrialResult>> = {
  worker_kill: watched(async (rig, call, watch) => {
    const from = Date.now();
    process.kill(call.workerPid, 'SIGKILL');
    await watch.untilRecoveredOrEnded(from, RECOVERY_BOUND_MS);
    return conclude('worker_kill', rig, call, watch, from, [
      `SIGKILL to media worker ${call.workerPid}`,
    ]);
  }),

  worker_hang: watched(async (rig, call, watch) => {
    const from = Date.now();
    process.kill(call.workerPid, 'SIGSTOP');
    try {
      await watch.untilRecoveredOrEnded(from, RECOVERY_BOUND_MS);
      return await conclude('worker_hang', rig, call, watch, from, [
        `SIGSTOP to media worker ${call.workerPid}; SIGKILL after the trial`,
      ]);
    } finally {
      // A stopped worker would hold its calls and ports for ever; the pool respawns a dead one.
      signalIfAlive(call.workerPid, 'SIGKILL');
    }
  }),

  kiosk_reload: watched((rig, call, watch) =>
    reload('kiosk_reload', rig, call, watch, call.kiosk.page),
  ),
  advisor_reload: watched((rig, call, watch) =>
    reload('advisor_reload', rig, call, watch, call.advisor.page),
  ),

  kiosk_network_cut_10s: watched(async (rig, call, watch) => {
    const cutAt = Date.now();
    await rig.network.cut();
    let restoredAt: number;
    try {
      await watch.run(cutAt + CUT_MS);
    } finally {
      await rig.network.restore();
      restoredAt = Date.now();
    }
    // A cut that lets media through measures nothing: the instrument itself failed.
    const lateInCut = cutAt + CUT_MS / 2;
    const leaked = ['video', 'audio'].some((kind) =>
      [watch.kiosk, watch.advisor].some(
        (progress) => progress.gainedBetween(kind as 'video' | 'audio', lateInCut, restoredAt) > 0,
      ),
    );
    if (leaked)
      throw new Error(
        `media still flowed during the cut's last 5 s: ${watch.describeGain(lateInCut, restoredAt)}`,
      );
    await watch.untilRecoveredOrEnded(restoredAt, RECOVERY_BOUND_MS);
    return conclude('kiosk_network_cut_10s', rig, call, watch, restoredAt, [
      `all packets of the kiosk's namespace dropped for ${restoredAt - cutAt} ms; media in its last 5 s: ${watch.describeGain(lateInCut, restoredAt)}`,
    ]);
  }),

  server_sigkill: watched(async (rig, call, watch) => {
    const workerPids = (await rig.health())?.workers.map((w) => w.pid) ?? [];
    const killedAt = Date.now();
    rig.server.kill('SIGKILL');
    if (!(await rig.server.waitExit(5_000))) throw new Error('the server survived SIGKILL');
    const notes = [await reapWorkers(workerPids)];
    const readyAt = await rig.server.launch();
    notes.push(`new server process ready ${readyAt - killedAt} ms after SIGKILL`);
    await watch.untilRecoveredOrEnded(readyAt, RECOVERY_BOUND_MS);
    return conclude('server_sigkill', rig, call, watch, readyAt, notes);
  }),

  server_sigterm_drain: watched(async (rig, call, watch) => {
    const second = await rig.waitingCitizen();
    try {
      const from = Date.now();
      rig.server.kill('SIGTERM');
      // Media is read all along, the admission attempt included.
      const watching = watch.run(from + DRAIN_WATCH_MS, () => watch.ended !== undefined);
      // The server has acted on SIGTERM once /readyz stops answering 200 (a draining server
      // says 503; one that stops closes its port). Only then is an admission "after SIGTERM".
      const readiness = await pollUntil(
        () => rig.server.readiness(),
        (status) => status !== 200,
        5_000,
      );
      const notes = [`/readyz ${readiness} ${Date.now() - from} ms after SIGTERM`];
      const admission = await second.tryAdmit();
      notes.push(`second citizen's admission after SIGTERM: ${admission.answer}`);
      await watching;
      const watchedTo = Math.min(Date.now(), from + DRAIN_WATCH_MS);
      const gap = watch.longestGap(from, watchedTo);
      const ended = watch.ended;
      notes.push(
        `longest media gap in the ${watchedTo - from} ms after SIGTERM: ${gap} ms; media: ${watch.describeGain(from, watchedTo)}`,
      );
      if (ended) notes.push(endedNote(ended, from));
      // The call then finishes as calls do, the advisor hanging up; a draining server exits
      // once its last call is over.
      if (await call.advisor.callView().isVisible()) await call.advisor.hangUp();
      const exit = await rig.server.waitExit(DRAIN_EXIT_MS);
      notes.push(
        exit
          ? `server exited (${exit.signal ?? `code ${exit.code}`}) ${Date.now() - from} ms after SIGTERM`
          : `server still running ${DRAIN_EXIT_MS} ms after the call's end`,
      );
      const undisturbed = !ended && gap <= DRAIN_GAP_LIMIT_MS;
      const states = await rig.settledStates(call);
      notes.push(describeStates(states));
      return {
        fault: 'server_sigterm_drain',
        outcome: undisturbed ? 'recovered' : 'lost',
        lostBy: undisturbed ? null : ended ? 'call_ended' : 'no_media',
        ms: undisturbed ? gap : null,
        states,
        notes,
        admittedAfterSigterm: admission.admitted,
      };
    } finally {
      second.close();
    }
  }),
};

/** Gives the fault a watch whose first reading is taken before the fault. */
function watched(fault: Fault): (rig: CallRig, call: RigCall) => Promise<TrialResult> {
  return async (rig, call) => {
    const watch = new CallWatch(rig, call);
    await watch.sample();
    return fault(rig, call, watch);
  };
}

async function reload(
  fault: FaultName,
  rig: CallRig,
  call: RigCall,
  watch: CallWatch,
  page: RigCall['kiosk']['page'],
): Promise<TrialResult> {
  const notes: string[] = [];
  // The kiosk asks before leaving a citizen's page: the reload goes ahead, as a watchdog's would.
  page.once('dialog', (dialog) => void dialog.accept());
  const from = Date.now();
  const reloading = page
    .reload({ waitUntil: 'commit' })
    .catch((error: unknown) => notes.push(`reload: ${String(error)}`));
  await watch.untilRecoveredOrEnded(from, RECOVERY_BOUND_MS);
  await reloading;
  return conclude(fault, rig, call, watch, from, notes);
}

/** The trial's verdict from what the watch saw after `from`, and the parties once settled. */
async function conclude(
  fault: FaultName,
  rig: CallRig,
  call: RigCall,
  watch: CallWatch,
  from: number,
  notes: string[],
): Promise<TrialResult> {
  const recoveredAt = watch.recoveredAt(from);
  const ended = watch.ended;
  const states = await rig.settledStates(call);
  const recovered = recoveredAt !== undefined && recoveredAt - from <= RECOVERY_BOUND_MS && !ended;
  if (ended) notes.push(endedNote(ended, from));
  if (!recovered) notes.push(`media after the fault: ${watch.describeGain(from, Date.now())}`);
  notes.push(describeStates(states));
  return {
    fault,
    outcome: recovered ? 'recovered' : 'lost',
    lostBy: recovered ? null : ended ? 'call_ended' : 'no_media',
    ms: recovered ? recoveredAt! - from : null,
    states,
    notes,
  };
}

function endedNote(ended: NonNullable<CallWatch['ended']>, from: number): string {
  const signs = ended.signs.map((s) => `${s.party}: ${s.shows}`).join('; ');
  return `call over ${ended.since - from} ms after the fault (${signs})`;
}

/**
 * A SIGKILLed server's media workers exit when their channel to it closes. Waits for that; any
 * still running after 5 s is killed (and said), so that no worker outlives its server.
 */
async function reapWorkers(pids: number[]): Promise<string> {
  const alive = () => pids.filter(isRunning);
  const left = await pollUntil(
    async () => alive(),
    (running) => running.length === 0,
    5_000,
  );
  for (const pid of left) signalIfAlive(pid, 'SIGKILL');
  return left.length === 0
    ? `its ${pids.length} media workers exited with it`
    : `media workers ${left.join(', ')} outlived the server by 5 s: killed`;
}

/** Whether a process runs (an exited one nobody has reaped yet is a zombie, not running). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Sends `signal`; false when the process is gone. */
function signalIfAlive(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
