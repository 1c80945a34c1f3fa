import type {
  CallMediaState,
  CallRole,
  LiveCallMedia,
  MediaRestartReason,
  MediaSource,
  PauseReason,
} from '@visio/shared/protocol';

type DeviceSource = 'camera' | 'microphone';
type DeviceTrouble = 'recovering' | 'missing';

/**
 * Where one live call's media stands for the technician console (see LiveCallMediaSchema): pure
 * bookkeeping of what the call's lifecycle tells (media flowing per party, a room lost and
 * replaced, a party away and back, a device lost), with the clock given by the caller. Every
 * change answers whether the console's view of it changed, so that only real changes are pushed.
 */
export class CallMediaRecord {
  /** Parties whose consumers carry media in the current room. */
  private readonly flowing = new Set<CallRole>();
  private everFlowed = false;
  /** While the call moves to a new room: why its room was lost. */
  private rehoming: MediaRestartReason | null = null;
  private readonly away = new Map<CallRole, { since: number; graceEndsAt: number }>();
  private readonly devices = new Map<
    `${CallRole}.${DeviceSource}`,
    { role: CallRole; source: DeviceSource; state: DeviceTrouble; since: number }
  >();
  private current: CallMediaState = 'connecting';
  private stateSince: number;
  private epoch: number;

  constructor(startedAt: number, epoch: number) {
    this.stateSince = startedAt;
    this.epoch = epoch;
  }

  get state(): CallMediaState {
    return this.current;
  }

  /** A party's media flows in the current room (one of its consumers carries live media). */
  flowingTo(role: CallRole, now: number): boolean {
    if (this.flowing.has(role)) return false;
    this.flowing.add(role);
    if (this.flowing.size === 2) {
      this.everFlowed = true;
      this.rehoming = null;
    }
    return this.settle(now);
  }

  /** A party's media in the current room ended: it joins again (reload, rejoin). */
  stoppedFlowingTo(role: CallRole, now: number): boolean {
    if (!this.flowing.delete(role)) return false;
    return this.settle(now);
  }

  /** The call's room was lost: nothing flows until both parties are in the new one. */
  roomLost(cause: MediaRestartReason, now: number): boolean {
    this.flowing.clear();
    this.rehoming = cause;
    this.settle(now);
    return true;
  }

  /** The call's media is in a new room (its epoch); the move lasts until media flows there. */
  movedTo(epoch: number, now: number): boolean {
    if (epoch === this.epoch) return false;
    this.epoch = epoch;
    this.flowing.clear();
    this.settle(now);
    return true;
  }

  partyAway(role: CallRole, since: number, graceEndsAt: number, now: number): boolean {
    this.away.set(role, { since, graceEndsAt });
    this.settle(now);
    return true;
  }

  partyBack(role: CallRole, now: number): boolean {
    if (!this.away.delete(role)) return false;
    this.settle(now);
    return true;
  }

  /**
   * A party's own camera or microphone paused for `reason`, or resumed (null). A pause by the
   * person is their choice, not a fault: only device losses show.
   */
  sourcePaused(
    role: CallRole,
    source: MediaSource,
    reason: PauseReason | null,
    now: number,
  ): boolean {
    if (source === 'screen') return false;
    const key = `${role}.${source}` as const;
    const before = this.devices.get(key);
    const state: DeviceTrouble | null =
      reason === 'device_lost' ? 'recovering' : reason === 'device_missing' ? 'missing' : null;
    if (state === null) return this.devices.delete(key);
    if (before?.state === state) return false;
    this.devices.set(key, { role, source, state, since: before?.since ?? now });
    return true;
  }

  view(incidents: number): LiveCallMedia {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      state: this.current,
      since: iso(this.stateSince),
      cause: this.current === 'rehoming' ? this.rehoming : null,
      epoch: this.epoch,
      away: [...this.away].map(([role, a]) => ({
        role,
        since: iso(a.since),
        graceEndsAt: iso(a.graceEndsAt),
      })),
      devices: [...this.devices.values()].map((d) => ({ ...d, since: iso(d.since) })),
      incidents,
    };
  }

  /** Derives the state from the facts; true when it changed. */
  private settle(now: number): boolean {
    const next: CallMediaState =
      this.rehoming !== null
        ? 'rehoming'
        : this.away.size > 0
          ? 'reconnecting'
          : this.flowing.size === 2
            ? 'flowing'
            : this.everFlowed
              ? 'reconnecting'
              : 'connecting';
    if (next === this.current) return false;
    this.current = next;
    this.stateSince = now;
    return true;
  }
}
