import type { EndpointSpec } from './Loadgen';

/** The endpoints of one 1:1 call: each party's send and receive transport. */
export interface CallEndpoints {
  /** Four endpoints: party A send, A receive, B send, B receive. */
  endpoints: Omit<EndpointSpec, 'id'>[];
  /** The SSRCs the worker sends to the receive transports (what is counted as forwarded). */
  consumerSsrcs: number[];
}

/** A way to set up calls on one mediasoup worker: bare mediasoup, or through the application. */
export interface CapacityPath {
  readonly name: 'bare' | 'app';
  /** The worker's pid, to pin it and read its CPU time. */
  readonly workerPid: number;
  /** Sets up call number `index` on the server side, ready for the generator's endpoints. */
  addCall(index: number, fingerprint: string): Promise<CallEndpoints>;
  close(): Promise<void>;
}
