import pino from 'pino';
import { WorkerPool, type TransportListenOptions } from '../../server/src/media';

// A real media worker for tests of media and calls without a whole server: one worker, on
// loopback, in the server's default port range (mediasoup skips ports already taken).

export const silentLogger = pino({ level: 'silent' });

export const LOOPBACK_LISTEN: TransportListenOptions = {
  listenIp: '127.0.0.1',
  announcedIp: undefined,
  enableUdp: true,
  enableTcp: true,
  initialAvailableOutgoingBitrate: 600_000,
};

export function startWorkerPool(): Promise<WorkerPool> {
  return WorkerPool.create(
    {
      workers: 1,
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
      webRtcServerPort: undefined,
      listenIp: '127.0.0.1',
      announcedIp: undefined,
      logLevel: 'warn',
    },
    silentLogger,
  );
}
