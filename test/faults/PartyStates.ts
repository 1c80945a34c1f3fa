import type { PageReading } from './pageProbes';

/**
 * Where a party believes the appointment is: `in_call`, `waiting` (the citizen is back in the
 * waiting room), `ended`; anything else is what the party shows (e.g. `offline`, `loading`), and
 * agrees with nothing.
 */
export type Phase = 'in_call' | 'waiting' | 'ended' | (string & {});

export interface PartyView {
  /** What the party shows, in its own words (screen name, view, status). */
  shows: string;
  phase: Phase;
}

/**
 * The kiosk's screen, the advisor's screen and the server's record of one appointment, and
 * whether all three agree. The issue asks that they do after every fault, recovered or lost.
 */
export interface PartyStates {
  kiosk: PartyView;
  advisor: PartyView;
  server: PartyView;
  agree: boolean;
}

const PHASE_OF_STATUS: Record<string, Phase> = {
  in_call: 'in_call',
  checked_in: 'waiting',
  completed: 'ended',
  failed: 'ended',
  no_show: 'ended',
  cancelled: 'ended',
};

const PHASE_OF_KIOSK_SCREEN: Record<string, Phase> = {
  call: 'in_call',
  'device-check': 'waiting',
  waiting: 'waiting',
  // The survey follows a call that ended; the welcome screen follows the survey.
  survey: 'ended',
  welcome: 'ended',
};

export function kioskView(reading: PageReading | null): PartyView {
  const screen = reading?.kioskScreen ?? 'loading';
  return { shows: `screen ${screen}`, phase: PHASE_OF_KIOSK_SCREEN[screen] ?? screen };
}

export function advisorView(reading: PageReading | null): PartyView {
  if (!reading) return { shows: 'no answer', phase: 'loading' };
  if (reading.advisorCallView)
    return { shows: `call view (${reading.callState ?? '?'})`, phase: 'in_call' };
  if (reading.rowStatus)
    return {
      shows: `agenda row ${reading.rowStatus}`,
      phase: PHASE_OF_STATUS[reading.rowStatus] ?? reading.rowStatus,
    };
  // Finished appointments are folded away under "Earlier today".
  if (reading.earlierShown) return { shows: 'agenda, row folded as over', phase: 'ended' };
  return { shows: 'no agenda', phase: 'loading' };
}

/**
 * The server's view: the appointment's status in its database, and whether a server that answers
 * lists a live call between the two parties (`null`: the server does not answer).
 */
export function serverView(status: string, liveCall: boolean | null): PartyView {
  const phase = PHASE_OF_STATUS[status] ?? status;
  const call = liveCall === null ? 'server down' : liveCall ? 'live call' : 'no live call';
  const shows = `appointment ${status}, ${call}`;
  // An appointment in a call that the running server does not hold is in no phase at all.
  if (phase === 'in_call' && liveCall === false) return { shows, phase: 'in_call_without_call' };
  return { shows, phase };
}

export function partyStates(kiosk: PartyView, advisor: PartyView, server: PartyView): PartyStates {
  return {
    kiosk,
    advisor,
    server,
    agree: kiosk.phase === advisor.phase && advisor.phase === server.phase,
  };
}

export function describeStates(states: PartyStates): string {
  const { kiosk, advisor, server } = states;
  return (
    `kiosk ${kiosk.phase} (${kiosk.shows}), advisor ${advisor.phase} (${advisor.shows}), ` +
    `server ${server.phase} (${server.shows}): ${states.agree ? 'agree' : 'DISAGREE'}`
  );
}
