import { createContext, useContext, useMemo } from 'react';
import { useSelector } from '@xstate/react';
import { useStore } from '@visio/shared/ui';
import type { CitizenDevicesState } from '../visit/CitizenDevices';
import type { VisitEvent } from '../visit/visitMachine';
import type { KioskConnectionState } from './KioskConnection';
import { screenOf, type KioskScreen, type VisitSnapshot } from './KioskScreen';
import type { KioskSession } from './KioskSession';

export const KioskSessionContext = createContext<KioskSession | null>(null);

export function useKioskSession(): KioskSession {
  const session = useContext(KioskSessionContext);
  if (!session) throw new Error('useKioskSession() outside <KioskSessionContext>');
  return session;
}

/** A value of the visit's state; the selector must return existing values, not new objects. */
export function useVisit<S>(select: (snapshot: VisitSnapshot) => S): S {
  return useSelector(useKioskSession().visit.actor, select);
}

/** Tells the visit what the citizen did. */
export function useVisitSend(): (event: VisitEvent) => void {
  const visit = useKioskSession().visit;
  return useMemo(() => (event: VisitEvent) => visit.send(event), [visit]);
}

export function useScreen(): KioskScreen {
  return useVisit(screenOf);
}

export function useConnection<S>(select: (state: KioskConnectionState) => S): S {
  return useStore(useKioskSession().connection.store, select);
}

export function useDevices<S>(select: (state: CitizenDevicesState) => S): S {
  return useStore(useKioskSession().devices.store, select);
}
