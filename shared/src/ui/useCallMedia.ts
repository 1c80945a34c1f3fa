import { useCallback, useSyncExternalStore } from 'react';
import type { CallSession, PartyCall } from '../client';

/** The media of a call once its devices are open (null before, after, and without a call). */
export function useCallMedia(call: PartyCall | null): CallSession | null {
  const subscribe = useCallback(
    (onChange: () => void) => call?.store.subscribe(onChange) ?? (() => undefined),
    [call],
  );
  return useSyncExternalStore(subscribe, () => call?.media ?? null);
}
