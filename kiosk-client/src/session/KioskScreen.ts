import type { KioskHeartbeat } from '@visio/shared/protocol';
import type { SnapshotFrom } from 'xstate';
import type { visitMachine } from '../visit/visitMachine';

/** What the kiosk shows: its own state first (access, connection, service), then the visit. */
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

export type VisitSnapshot = SnapshotFrom<typeof visitMachine>;

export function screenOf(snapshot: VisitSnapshot): KioskScreen {
  const { kiosk } = snapshot.context;
  if (kiosk.access !== 'granted') return kiosk.access;
  if (snapshot.matches({ step: 'call' })) return 'call';
  if (snapshot.matches({ step: 'survey' })) return 'survey';
  if (!kiosk.everOnline) return 'connecting';
  const waiting = snapshot.matches({ step: 'waiting' });
  // A waiting citizen keeps their place for a while: the waiting room says the line is down.
  if (!kiosk.online && !waiting) return 'offline';
  if (snapshot.matches({ step: 'welcome' }))
    return kiosk.outOfService ? 'out-of-service' : 'welcome';
  if (snapshot.matches({ step: 'code' })) return 'code';
  return snapshot.matches({ step: { waiting: { screen: 'deviceCheck' } } })
    ? 'device-check'
    : 'waiting';
}

/** The screen as the technician console knows it. */
export const HEARTBEAT_SCREEN: Record<KioskScreen, KioskHeartbeat['screen']> = {
  enrolling: 'welcome',
  'not-enrolled': 'welcome',
  unauthorized: 'welcome',
  connecting: 'welcome',
  offline: 'welcome',
  'out-of-service': 'out_of_service',
  welcome: 'welcome',
  code: 'code',
  'device-check': 'device_check',
  waiting: 'waiting',
  call: 'call',
  survey: 'survey',
};
