import { createContext, useContext } from 'react';
import type { StaffApp, StaffAppState } from './StaffApp';
import { useStore } from '@visio/shared/ui';

export const StaffAppContext = createContext<StaffApp | null>(null);

export function useStaffApp(): StaffApp {
  const app = useContext(StaffAppContext);
  if (!app) throw new Error('useStaffApp() outside <StaffAppContext>');
  return app;
}

export function useAppState<S>(select: (state: StaffAppState) => S): S {
  return useStore(useStaffApp().store, select);
}
