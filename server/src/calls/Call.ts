import type { CallEndReason } from '@visio/shared/protocol';
import type { MediaRoom } from '../media';

export type CallParty = 'kiosk' | 'advisor';

/**
 * One call between a kiosk and an advisor. Its media room is its child: when the call ends, the
 * room closes, and with it every transport, producer and consumer of the call.
 */
export class Call {
  readonly startedAt = new Date();
  endedAt: Date | undefined;
  endReason: CallEndReason | undefined;
  endedBy: CallParty | 'system' | undefined;
  /** Which media room of the call `room` is: 0 at the start (see call:mediaRestart). */
  mediaEpoch = 0;

  constructor(
    readonly id: string,
    readonly kioskId: string,
    readonly advisorId: string,
    /** Display names of the kiosk and the advisor (staff and device names, never a citizen's). */
    readonly names: { kiosk: string; advisor: string },
    readonly room: MediaRoom,
    /** The appointment (or walk-in entry) this call serves, when it came from the waiting room. */
    readonly appointmentId?: string,
    readonly serviceId?: string,
  ) {}

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** The call's party for a principal id, or undefined if that principal is not in this call. */
  partyOf(principalId: string): CallParty | undefined {
    if (principalId === this.kioskId) return 'kiosk';
    if (principalId === this.advisorId) return 'advisor';
    return undefined;
  }

  /** The name the given party sees for the other side. */
  peerNameFor(principalId: string): string {
    return principalId === this.kioskId ? this.names.advisor : this.names.kiosk;
  }

  otherPeer(principalId: string): string {
    return principalId === this.kioskId ? this.advisorId : this.kioskId;
  }
}
