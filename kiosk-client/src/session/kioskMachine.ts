import type { CallStarted, WaitingStatus } from '@visio/shared/protocol';

/**
 * The kiosk's screens as an explicit state machine. Pure: the session feeds it events and
 * renders whatever screen `screenOf` gives. The citizen's path is welcome → code (or a walk-in
 * service) → waiting → call → welcome; access, connection and service state overlay it.
 */
export type KioskScreen =
  | 'enrolling'
  | 'not-enrolled'
  | 'unauthorized'
  | 'connecting'
  | 'offline'
  | 'out-of-service'
  | 'welcome'
  | 'code'
  | 'device-check'
  | 'waiting'
  | 'call'
  | 'survey';

/** Where the citizen is in their visit. */
export type CitizenStep = 'welcome' | 'code' | 'waiting';

export interface KioskMachineState {
  readonly access: 'enrolling' | 'not-enrolled' | 'unauthorized' | 'granted';
  readonly online: boolean;
  /** Until the first connection, the kiosk shows "starting" rather than "out of service". */
  readonly everOnline: boolean;
  readonly outOfService: boolean;
  readonly step: CitizenStep;
  /** The waiting room as the server last described it. */
  readonly waiting: WaitingStatus | null;
  /** The call in progress; it survives a signalling outage (media may still flow). */
  readonly call: CallStarted | null;
  /** After check-in the citizen tries camera, microphone and speaker before the waiting room. */
  readonly deviceChecked: boolean;
  /** The call that just ended, until the citizen answers (or skips) the survey. */
  readonly survey: { readonly callId: string } | null;
}

export type KioskEvent =
  | { readonly type: 'enrolling' }
  | { readonly type: 'enrolled' }
  | { readonly type: 'notEnrolled' }
  | { readonly type: 'unauthorized' }
  | { readonly type: 'connected' }
  | { readonly type: 'disconnected' }
  | {
      readonly type: 'home';
      readonly outOfService: boolean;
      readonly waiting: WaitingStatus | null;
    }
  | { readonly type: 'openCode' }
  | { readonly type: 'back' }
  | { readonly type: 'waiting'; readonly status: WaitingStatus }
  | { readonly type: 'waitingEnded' }
  | { readonly type: 'callStarted'; readonly call: CallStarted }
  | { readonly type: 'callEnded'; readonly callId: string }
  | { readonly type: 'deviceCheckDone' }
  | { readonly type: 'surveyDone' }
  | { readonly type: 'serviceState'; readonly outOfService: boolean };

export const initialKioskMachine: KioskMachineState = {
  access: 'granted',
  online: false,
  everOnline: false,
  outOfService: false,
  step: 'welcome',
  waiting: null,
  call: null,
  deviceChecked: false,
  survey: null,
};

const backToWelcome = { step: 'welcome', waiting: null, deviceChecked: false } as const;

export function kioskTransition(state: KioskMachineState, event: KioskEvent): KioskMachineState {
  // A refused token is final until a technician enrols the kiosk again.
  if (state.access === 'unauthorized') return state;
  switch (event.type) {
    case 'enrolling':
      return { ...state, access: 'enrolling' };
    case 'enrolled':
      return { ...state, access: 'granted' };
    case 'notEnrolled':
      return { ...initialKioskMachine, access: 'not-enrolled' };
    case 'unauthorized':
      return { ...initialKioskMachine, access: 'unauthorized' };
    case 'connected':
      return { ...state, online: true, everOnline: true };
    case 'disconnected':
      return { ...state, online: false };
    case 'home':
      if (state.call) return { ...state, outOfService: event.outOfService };
      if (event.waiting)
        return {
          ...state,
          outOfService: event.outOfService,
          step: 'waiting',
          waiting: event.waiting,
        };
      // The server knows nobody waiting here (e.g. the place expired during an outage).
      return {
        ...state,
        outOfService: event.outOfService,
        ...(state.step === 'waiting' ? backToWelcome : {}),
      };
    case 'openCode':
      return state.step === 'welcome' && !state.call ? { ...state, step: 'code' } : state;
    case 'back':
      return state.step === 'code' ? { ...state, step: 'welcome' } : state;
    case 'waiting':
      // In a call the waiting room is over; after a failed call the server says so again.
      if (state.call) return state;
      return {
        ...state,
        step: 'waiting',
        waiting: event.status,
        deviceChecked: state.step === 'waiting' ? state.deviceChecked : false,
      };
    case 'deviceCheckDone':
      return state.step === 'waiting' ? { ...state, deviceChecked: true } : state;
    case 'surveyDone':
      return { ...state, survey: null };
    case 'serviceState':
      return { ...state, outOfService: event.outOfService };
    case 'waitingEnded':
      return state.call ? state : { ...state, ...backToWelcome };
    case 'callStarted':
      return { ...state, ...backToWelcome, call: event.call, survey: null };
    case 'callEnded':
      return state.call?.callId === event.callId
        ? { ...state, call: null, survey: { callId: event.callId } }
        : state;
  }
}

export function screenOf(state: KioskMachineState): KioskScreen {
  if (state.access !== 'granted') return state.access;
  if (state.call) return 'call';
  if (state.survey) return 'survey';
  if (!state.everOnline) return 'connecting';
  // A waiting citizen keeps their place for a while: the waiting room says the line is down.
  if (!state.online && state.step !== 'waiting') return 'offline';
  if (state.step === 'welcome' && state.outOfService) return 'out-of-service';
  if (state.step === 'waiting' && !state.deviceChecked) return 'device-check';
  return state.step;
}
