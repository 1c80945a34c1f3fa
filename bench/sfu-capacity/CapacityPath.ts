import type { EndpointSpec } from './Loadgen';

/** The endpoints of one 1:1 call: each party's send and receive transport. */
export interface CallEndpoints {
  /** Four endpoints: party A send, A receive, B send, B receive. */
  endpoints: Omit<EndpointSpec, 'id'>[];
  /** The SSRCs the worker sends to the receive transports (what is counted as forwarded). */
  consumerSsrcs: number[];
}

/**
 * The ways to set up calls: bare mediasoup and the application (the benchmark's figures), and
 * variants measured beside them on request: bare mediasoup of an earlier version
 * (`bare-previous`), the application serving every transport on one port (`app-webrtcserver`),
 * the application with two workers sharing the one core (`app-2workers`).
 */
export type PathName = 'bare' | 'app' | 'bare-previous' | 'app-webrtcserver' | 'app-2workers';

/** A way to set up calls on one mediasoup worker: bare mediasoup, or through the application. */
export interface CapacityPath {
  readonly name: PathName;
  /** The workers' pids (one, but for `app-2workers`), to pin them and read their CPU time. */
  readonly workerPids: readonly number[];
  /** Sets up call number `index` on the server side, ready for the generator's endpoints. */
  addCall(index: number, fingerprint: string): Promise<CallEndpoints>;
  close(): Promise<void>;
}
