import { EventEmitter } from 'node:events';
import type { CallEndReason, LiveCallMedia, MediaRestartReason } from '@visio/shared/protocol';
import type { Call, CallParty } from '../calls/Call';
import type { CallService, CallServiceEvents } from '../calls/CallService';
import { CallMediaRecord } from './CallMediaRecord';

export interface CallMediaWatchEvents {
  /** The console's view of this call's media changed (see `viewOf`). */
  changed: [{ call: Call }];
}

/**
 * Follows every live call's media for the console: the call service's lifecycle (room lost and
 * replaced, party away and back, a camera or microphone paused for a lost device) and each room's
 * observer (media flowing to a party, a party joining again). Keeps a CallMediaRecord per call
 * and says when its view changed. Calls restored after a restart are picked up when first seen.
 */
export class CallMediaWatch extends EventEmitter<CallMediaWatchEvents> {
  private readonly records = new Map<string, CallMediaRecord>();
  /** Per live call: stops listening to the room it is in now. */
  private readonly unwatchRoom = new Map<string, () => void>();
  private readonly offs: (() => void)[] = [];

  constructor(private readonly calls: CallService) {
    super();
  }

  start(): void {
    this.listen('callStarted', ({ call }) => void this.recordOf(call));
    this.listen('callEnded', ({ call }: { call: Call; reason: CallEndReason }) =>
      this.forget(call),
    );
    this.listen('mediaLost', ({ call, reason }: { call: Call; reason: MediaRestartReason }) => {
      this.unwatch(call);
      this.apply(call, (r, now) => r.roomLost(reason, now));
    });
    this.listen('mediaRestarted', ({ call }) => {
      this.apply(call, (r, now) => r.movedTo(call.mediaEpoch, now));
      this.watchRoom(call);
    });
    this.listen('partyAway', ({ call, party, awaySince, graceEndsAt }) =>
      this.apply(call, (r, now) =>
        r.partyAway(party, awaySince.getTime(), graceEndsAt.getTime(), now),
      ),
    );
    this.listen('partyBack', ({ call, party }) =>
      this.apply(call, (r, now) => r.partyBack(party, now)),
    );
    // Warm transfer: the first advisor's media is gone; the colleague's flows once they joined.
    // The console's view changes either way (the advisor's name).
    this.listen('handedOver', ({ call }) => {
      if (call.ended) return;
      this.recordOf(call).stoppedFlowingTo('advisor', Date.now());
      this.emit('changed', { call });
    });
    this.listen('sourcePaused', ({ call, party, source, reason }) =>
      this.apply(call, (r, now) => r.sourcePaused(party, source, reason, now)),
    );
    for (const call of this.calls.activeCalls) this.recordOf(call);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const unwatch of this.unwatchRoom.values()) unwatch();
    this.unwatchRoom.clear();
    this.records.clear();
  }

  /** The console's view of a live call's media. */
  viewOf(call: Call): LiveCallMedia {
    return this.recordOf(call).view(call.incidents.length);
  }

  private recordOf(call: Call): CallMediaRecord {
    let record = this.records.get(call.id);
    if (record) return record;
    record = new CallMediaRecord(call.startedAt.getTime(), call.mediaEpoch);
    // A call restored after a restart (or found mid-move) is still moving until media flows.
    const moving = call.incidents.find(
      (i) => i.durationMs === undefined && !i.cause.endsWith('_away'),
    );
    if (moving) record.roomLost(moving.cause as MediaRestartReason, Date.now());
    if (call.ended) return record;
    this.records.set(call.id, record);
    this.watchRoom(call);
    return record;
  }

  private apply(call: Call, change: (record: CallMediaRecord, now: number) => boolean): void {
    if (call.ended) return;
    if (change(this.recordOf(call), Date.now())) this.emit('changed', { call });
  }

  /** Media flowing to a party, or that party joining the room anew (its media starts over). */
  private watchRoom(call: Call): void {
    if (this.unwatchRoom.has(call.id) || call.ended) return;
    const room = call.room;
    const roleOf = (peerId: string): CallParty | undefined => call.partyOf(peerId);
    const onFlowing = ({ peerId }: { peerId: string }) => {
      const role = roleOf(peerId);
      if (role && call.room === room) this.apply(call, (r, now) => r.flowingTo(role, now));
    };
    const onLeft = ({ peerId }: { peerId: string }) => {
      const role = roleOf(peerId);
      // Every peer leaves a room that closes: a lost room is told by mediaLost right after.
      if (role && call.room === room && !room.closed)
        this.apply(call, (r, now) => r.stoppedFlowingTo(role, now));
    };
    room.observer.on('consumerFlowing', onFlowing);
    room.observer.on('peerLeft', onLeft);
    this.unwatchRoom.set(call.id, () => {
      room.observer.off('consumerFlowing', onFlowing);
      room.observer.off('peerLeft', onLeft);
    });
  }

  private unwatch(call: Call): void {
    this.unwatchRoom.get(call.id)?.();
    this.unwatchRoom.delete(call.id);
  }

  private forget(call: Call): void {
    this.unwatch(call);
    this.records.delete(call.id);
  }

  private listen<K extends keyof CallServiceEvents>(
    event: K,
    handler: (...args: CallServiceEvents[K]) => void,
  ): void {
    const service = this.calls as EventEmitter<CallServiceEvents>;
    service.on(event, handler as never);
    this.offs.push(() => service.off(event, handler as never));
  }
}
