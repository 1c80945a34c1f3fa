import { createContext, useContext } from 'react';
import type { StaffSession, StaffState } from './StaffSession';
import { useStore } from '@visio/shared/ui';

export const StaffSessionContext = createContext<StaffSession | null>(null);

export function useStaffSession(): StaffSession {
  const session = useContext(StaffSessionContext);
  if (!session) throw new Error('useStaffSession() outside <StaffSessionContext>');
  return session;
}

export function useStaffState<S>(select: (state: StaffState) => S): S {
  return useStore(useStaffSession().store, select);
}
