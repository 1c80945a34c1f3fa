import { useSyncExternalStore } from 'react';
import { Store } from '../client/Store';

// The container itself is framework-free (the call engine keeps its state in one too).
export { Store };

/** Select a slice; the selector must return existing values, not build new objects. */
export function useStore<T extends object, S>(store: Store<T>, select: (state: T) => S): S {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
