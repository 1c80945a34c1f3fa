// A React view of a CallSession's state, shared by the kiosk and the advisor call screens.
import type { CallSession, CallSessionState, LocalMuted, RemoteMuted } from '../client';
import { useCallback, useSyncExternalStore } from 'react';

export interface CallSnapshot {
  readonly state: CallSessionState;
  readonly remoteStream: MediaStream;
  readonly remoteMuted: RemoteMuted;
  readonly localMuted: LocalMuted;
  readonly remoteScreen: MediaStream | null;
  /** The other peers' streams in a three-way call (CallSession.peerStreams). */
  readonly peerStreams: ReadonlyMap<string, MediaStream>;
}

const snapshots = new WeakMap<CallSession, CallSnapshot>();

/** The same object as long as nothing changed, as useSyncExternalStore requires. */
function readSnapshot(session: CallSession): CallSnapshot {
  const previous = snapshots.get(session);
  if (
    previous &&
    previous.state === session.state &&
    previous.remoteStream === session.remoteStream &&
    previous.remoteMuted === session.remoteMuted &&
    previous.localMuted === session.localMuted &&
    previous.remoteScreen === session.remoteScreenStream &&
    previous.peerStreams === session.peerStreams
  ) {
    return previous;
  }
  const next: CallSnapshot = {
    state: session.state,
    remoteStream: session.remoteStream,
    remoteMuted: session.remoteMuted,
    localMuted: session.localMuted,
    remoteScreen: session.remoteScreenStream,
    peerStreams: session.peerStreams,
  };
  snapshots.set(session, next);
  return next;
}

/** What the call screen shows of a CallSession, re-rendered on each of its events. */
export function useCallSnapshot(session: CallSession | null): CallSnapshot | null {
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!session) return () => undefined;
      const offs = (
        [
          'state',
          'remoteStream',
          'remoteMuted',
          'localMuted',
          'remoteScreen',
          'peerStreams',
        ] as const
      ).map((event) => session.on(event, onChange));
      return () => offs.forEach((off) => off());
    },
    [session],
  );
  return useSyncExternalStore(subscribe, () => (session ? readSnapshot(session) : null));
}
