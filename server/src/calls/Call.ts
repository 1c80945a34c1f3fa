import type {
  CallEndReason,
  Interpretation,
  MediaMode,
  MediaRestartReason,
  MediaStartFailure,
} from '@visio/shared/protocol';
import type { MediaRoom, PreparedTransports } from '../media';

export type CallParty = 'kiosk' | 'advisor';
/** A principal's part in a call: one of its two parties, or the interpreter who joined them. */
export type CallRole = CallParty | 'interpreter';

/** A call's interpreter: a principal id and the interpretation, never a name. */
export interface CallInterpreterParty extends Interpretation {
  id: string;
}

/** What interrupted a running call: its media room was lost, or a party's connection was. */
export type CallIncidentCause = MediaRestartReason | 'kiosk_away' | 'advisor_away';

/** One interruption of a call; `durationMs` is set once it is over. No personal data. */
export interface CallIncident {
  cause: CallIncidentCause;
  startedAt: Date;
  durationMs: number | undefined;
}

/** Who takes part in a call and what it serves: what a call is, apart from its media. */
export interface CallParties {
  id: string;
  kioskId: string;
  advisorId: string;
  /** Display names of the kiosk and the advisor (staff and device names, never a citizen's). */
  names: { kiosk: string; advisor: string };
  /** The appointment (or walk-in entry) this call serves, when it came from the waiting room. */
  appointmentId?: string | undefined;
  serviceId?: string | undefined;
  /** When the call began (a call restored after a restart keeps its first start). */
  startedAt?: Date;
}

/** Who holds the advisor's seat of a call, and for which appointment and service. */
export interface AdvisorSeat {
  advisorId: string;
  name: string;
  appointmentId: string | undefined;
  serviceId: string | undefined;
}

/**
 * One call between a kiosk and an advisor. Its media room carries it but is not it: when the room
 * is lost (worker death or hang, a router closed under us, a server restart) the call moves to a
 * new room and goes on with the same id, parties and history; `mediaEpoch` counts the moves.
 * When the call ends, its current room closes, and with it every transport, producer and consumer.
 */
export class Call {
  readonly id: string;
  readonly kioskId: string;
  /** The advisor in the call now: a warm transfer hands the seat to a colleague (`handOver`). */
  advisorId: string;
  readonly names: { kiosk: string; advisor: string };
  appointmentId: string | undefined;
  serviceId: string | undefined;
  /** When the advisor now in the call took it over from a colleague; undefined: from the start. */
  advisorSince: Date | undefined;
  readonly startedAt: Date;
  endedAt: Date | undefined;
  endReason: CallEndReason | undefined;
  endedBy: CallParty | 'system' | undefined;
  /** Set when the call ended media_unreachable: which paths failed, and how they stood. */
  mediaFailure: MediaStartFailure | undefined;
  /** Which media room of the call `room` is: 0 at the start (see call:mediaRestart). */
  mediaEpoch: number;
  readonly incidents: CallIncident[] = [];
  /**
   * What each party's line carries, as its degradation policy last said (call:setMediaMode). It
   * survives a move to a new room: the line is the same.
   */
  readonly mediaModes: Record<CallParty, MediaMode> = { kiosk: 'video', advisor: 'video' };
  /** The interpreter taking part now, if any (a third party on the same router). */
  interpreter: CallInterpreterParty | undefined;
  /** Whether an interpreter took part at any time (the record and the impact report count it). */
  interpreted: Interpretation | undefined;
  /**
   * Transports made for each party when the call started, handed once with its first
   * `call:started` (`takePrepared`), in the room of epoch 0 only.
   */
  private readonly prepared = new Map<string, PreparedTransports>();
  private currentRoom: MediaRoom;

  constructor(parties: CallParties, room: MediaRoom, mediaEpoch = 0) {
    this.id = parties.id;
    this.kioskId = parties.kioskId;
    this.advisorId = parties.advisorId;
    this.names = parties.names;
    this.appointmentId = parties.appointmentId;
    this.serviceId = parties.serviceId;
    this.startedAt = parties.startedAt ?? new Date();
    this.currentRoom = room;
    this.mediaEpoch = mediaEpoch;
  }

  /** Keeps transports made for a party ahead of its asking. */
  prepare(principalId: string, transports: PreparedTransports): void {
    this.prepared.set(principalId, transports);
  }

  /** The transports made for a party, once: later `call:started` go without them. */
  takePrepared(principalId: string): PreparedTransports | undefined {
    const transports = this.prepared.get(principalId);
    this.prepared.delete(principalId);
    return this.mediaEpoch === 0 ? transports : undefined;
  }

  /**
   * The advisor's seat goes to a colleague (warm transfer): the call, its room, chat and documents
   * go on; from now on the colleague is its advisor, for the appointment made for them.
   */
  handOver(to: AdvisorSeat): void {
    this.advisorId = to.advisorId;
    this.names.advisor = to.name;
    this.appointmentId = to.appointmentId;
    this.serviceId = to.serviceId;
    this.advisorSince = new Date();
  }

  /** The media room carrying the call now. */
  get room(): MediaRoom {
    return this.currentRoom;
  }

  /** The call's media moved to `room`: the next media:join must name the new epoch. */
  moveTo(room: MediaRoom): void {
    this.currentRoom = room;
    this.mediaEpoch += 1;
  }

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** The call's party for a principal id, or undefined if that principal is not in this call. */
  partyOf(principalId: string): CallParty | undefined {
    if (principalId === this.kioskId) return 'kiosk';
    if (principalId === this.advisorId) return 'advisor';
    return undefined;
  }

  /** As `partyOf`, the interpreter (while one takes part) included. */
  roleOf(principalId: string): CallRole | undefined {
    if (principalId === this.interpreter?.id) return 'interpreter';
    return this.partyOf(principalId);
  }

  /** The principal id of a party. */
  idOf(party: CallParty): string {
    return party === 'kiosk' ? this.kioskId : this.advisorId;
  }

  /** Every party's principal id: the kiosk, the advisor and, while one takes part, the interpreter. */
  get partyIds(): string[] {
    return [this.kioskId, this.advisorId, ...(this.interpreter ? [this.interpreter.id] : [])];
  }

  /**
   * The name the given party sees for the other side (the interpreter sees the kiosk's: they
   * interpret for the citizen).
   */
  peerNameFor(principalId: string): string {
    return principalId === this.kioskId ? this.names.advisor : this.names.kiosk;
  }

  otherPeer(principalId: string): string {
    return principalId === this.kioskId ? this.advisorId : this.kioskId;
  }
}
