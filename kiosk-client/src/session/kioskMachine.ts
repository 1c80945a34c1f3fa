import type { CallStarted } from '@visio/shared/protocol';

/**
 * The kiosk's screens as an explicit state machine. Pure: the session feeds it events and
 * renders whatever screen it lands on. Later issues insert check-in, device check, waiting
 * room and survey between welcome and call.
 */
export type KioskScreen = 'connecting' | 'welcome' | 'call' | 'offline' | 'unauthorized';

export interface KioskMachineState {
  readonly screen: KioskScreen;
  /** The call in progress; it survives a signalling outage (media may still flow). */
  readonly call: CallStarted | null;
  readonly online: boolean;
}

export type KioskEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'disconnected' }
  | { readonly type: 'unauthorized' }
  | { readonly type: 'callStarted'; readonly call: CallStarted }
  | { readonly type: 'callEnded'; readonly callId: string };

export const initialKioskMachine: KioskMachineState = {
  screen: 'connecting',
  call: null,
  online: false,
};

export function kioskTransition(state: KioskMachineState, event: KioskEvent): KioskMachineState {
  // A refused token is final until a technician installs a new one.
  if (state.screen === 'unauthorized') return state;
  switch (event.type) {
    case 'connected':
      return { ...state, online: true, screen: state.call ? 'call' : 'welcome' };
    case 'disconnected':
      // In a call, stay on the call screen: media goes through the SFU, not the socket.
      return { ...state, online: false, screen: state.call ? 'call' : 'offline' };
    case 'unauthorized':
      return { screen: 'unauthorized', call: null, online: false };
    case 'callStarted':
      return { ...state, call: event.call, screen: 'call' };
    case 'callEnded':
      if (state.call?.callId !== event.callId) return state;
      return { ...state, call: null, screen: state.online ? 'welcome' : 'offline' };
  }
}
