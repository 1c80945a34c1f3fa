import type { Ack } from '@visio/shared/protocol';

/** What a node tells the others of itself, a few times a second (see ClusterNode). */
export interface NodeLoad {
  /** This node's incarnation: its NODE_ID and a suffix new at every start. */
  nodeId: string;
  /** Calls this node carries. */
  calls: number;
  /** The projected CPU share of its least-loaded media worker (0–1), null before a figure. */
  cpu: number | null;
  /** Whether a new call may be placed on it (not draining, a worker admits one). */
  admitting: boolean;
}

/**
 * What the calls and the signalling need from the nodes they share a deployment with. Absent on
 * one node (the default): every call is then this process's.
 *
 * Each call is carried by one node, which runs its media and its state (CallService); the other
 * nodes relay the requests of the call's parties that are connected to them (`request`), and the
 * call's events reach those parties through socket.io's rooms, which span nodes.
 */
export interface CallCluster {
  /** This node's incarnation id, written on the calls it carries (`live_calls.node_id`). */
  readonly nodeId: string;
  /**
   * Takes both parties for `callId` across the nodes (atomic): answers the one already in a
   * call, or null once both are taken.
   */
  reserve(callId: string, kioskId: string, advisorId: string): Promise<'kiosk' | 'advisor' | null>;
  /** The call runs on this node (started, or adopted): where it is and who is in it are told. */
  carry(callId: string, partyIds: readonly string[]): Promise<void>;
  /** The call ended (or did not start): its parties are free, its place forgotten. */
  release(callId: string, partyIds: readonly string[]): Promise<void>;
  /** The node carrying `callId`, or undefined if none is known. */
  nodeOf(callId: string): Promise<string | undefined>;
  /** The call a party is in, on whichever node, or undefined. */
  callOf(partyId: string): Promise<string | undefined>;
  /** Whether that node incarnation is alive (its heartbeat has not lapsed). */
  isAlive(nodeId: string): Promise<boolean>;
  /** The live nodes and their load, this one included. */
  nodes(): Promise<NodeLoad[]>;
  /** Asks node `nodeId` to run `kind` with `payload`; its answer, or an error ack. */
  request(nodeId: string, kind: string, payload: unknown): Promise<Ack<unknown>>;
  /** Serves `kind` for the other nodes. One handler per kind. */
  serve(kind: string, handler: (payload: unknown) => Promise<unknown>): void;
}
