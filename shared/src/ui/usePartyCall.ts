import { useCallback, useSyncExternalStore } from 'react';
import type { PartyCall, PartyCallSnapshot } from '../client';

/**
 * Where a call stands for this party (connecting, connected, reconnecting and why, the other
 * party away): the call's own state, which outlives each CallSession a re-home or a rejoin
 * replaces. Null without a call.
 */
export function usePartyCall(call: PartyCall | null): PartyCallSnapshot | null {
  const subscribe = useCallback(
    (onChange: () => void) => call?.store.subscribe(onChange) ?? (() => undefined),
    [call],
  );
  return useSyncExternalStore(subscribe, () => call?.store.get() ?? null);
}

/** The sentences both apps have for a call's state (each in its own words). */
export type CallStateKey =
  | 'call.state.connecting'
  | 'call.state.connected'
  | 'call.state.reconnecting'
  | 'call.state.restoring'
  | 'call.state.closed';

/**
 * A call's state as the user reads it. Our own connection coming back (`reconnecting`) is told
 * apart from the service moving the call's media to a new room (`restoring`): the second is
 * nothing the user's network did.
 */
export function callStateKey(call: PartyCallSnapshot | null): CallStateKey {
  switch (call?.state ?? 'connecting') {
    case 'devices':
    case 'connecting':
      return 'call.state.connecting';
    case 'connected':
      return 'call.state.connected';
    case 'reconnecting':
      return call?.reconnecting === 'network' || call?.reconnecting === 'rejoin'
        ? 'call.state.reconnecting'
        : 'call.state.restoring';
    case 'ended':
      return 'call.state.closed';
  }
}
