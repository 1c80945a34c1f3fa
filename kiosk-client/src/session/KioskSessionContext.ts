import { createContext, useContext } from 'react';
import type { KioskSession, KioskState } from './KioskSession';
import { useStore } from '@visio/shared/ui';

export const KioskSessionContext = createContext<KioskSession | null>(null);

export function useKioskSession(): KioskSession {
  const session = useContext(KioskSessionContext);
  if (!session) throw new Error('useKioskSession() outside <KioskSessionContext>');
  return session;
}

export function useKioskState<S>(select: (state: KioskState) => S): S {
  return useStore(useKioskSession().store, select);
}
