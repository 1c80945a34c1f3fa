// Messages between run.ts and its server children (server.ts), over IPC.

export const VIDEO_PT = 101;
export const AUDIO_PT = 100;

/** Where ffmpeg sends one side of one call (comedia transports: they learn ffmpeg's address). */
export interface SideFeed {
  videoPort: number;
  videoRtcpPort: number;
  videoSsrc: number;
  audioPort: number;
  audioRtcpPort: number;
  audioSsrc: number;
}

export interface ChildReady {
  type: 'ready';
  workerPid: number;
  feeds: SideFeed[];
}

export interface ChildStats {
  type: 'stats';
  /** RTP packets received by the producers and sent by the consumers, summed. */
  packetsIn: number;
  packetsOut: number;
  /** Bytes received and sent by every PlainTransport (transport.getStats()). */
  transportBytesIn: number;
  transportBytesOut: number;
  /** Calls with at least one quality sample, and the server-side figures of one of them. */
  sampledCalls: number;
  exampleSample: unknown;
  /** Requests the server sent its worker so far (outside the benchmark's own), by method. */
  workerRequests: Record<string, number>;
  /** What the HealthMonitor counted in the worker (null when monitoring is off). */
  healthWorker: unknown;
}

export type ParentRequest = { cmd: 'stats' } | { cmd: 'stop' };
