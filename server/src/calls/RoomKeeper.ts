import type { Logger } from 'pino';
import { AppError } from '@visio/shared/protocol';
import { MediaRoom, type TransportListenOptions, type WorkerPool } from '../media';

/**
 * Finds media rooms for calls: a first one when a call starts, a new one when a call's room is
 * lost. A lost room usually went with its worker; with other workers live the new room is placed
 * at once, and with none (the only worker died) it waits for the respawn, within a bound.
 */
export class RoomKeeper {
  constructor(
    private readonly pool: WorkerPool,
    private readonly listen: TransportListenOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * A room for a new call's parties now, on a worker that admits it: UNAVAILABLE when no worker
   * is live, or (reason `server_busy`) when every one is at capacity.
   */
  open(callId: string, peerIds: readonly string[]): Promise<MediaRoom> {
    return MediaRoom.create(callId, peerIds, this.pool, this.listen, this.logger, {
      newCall: true,
    });
  }

  /** The RTP capabilities every room's router has (a page loads its Device with them early). */
  routerRtpCapabilities() {
    return this.pool.routerRtpCapabilities();
  }

  /** Throws UNAVAILABLE (`server_busy`) when a new call would find no worker to take it. */
  assertRoomForNewCall(): void {
    this.pool.assertAdmitsNewCall();
  }

  /**
   * A room for the call's parties, waiting up to `withinMs` for a live worker (and trying again
   * if the worker chosen dies while placing it). Rejects with UNAVAILABLE when the time is up.
   */
  async reopen(callId: string, peerIds: readonly string[], withinMs: number): Promise<MediaRoom> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      try {
        // A running call moves whatever the load: refusing it would end it.
        return await MediaRoom.create(callId, peerIds, this.pool, this.listen, this.logger);
      } catch (error) {
        const left = deadline - Date.now();
        if (!isWorkerGone(error) || left <= 0) throw error;
        if (!(await this.pool.waitForLiveWorker(left)))
          throw new AppError('UNAVAILABLE', 'No media worker came back in time');
      }
    }
  }

  /**
   * Resolves true once every one of `peerIds` has joined `room` (media:join), false if the room
   * closes first: how long a lost call took to come back.
   */
  allJoined(room: MediaRoom, peerIds: readonly string[]): Promise<boolean> {
    const waiting = new Set(peerIds);
    return new Promise((resolve) => {
      const done = (joined: boolean) => {
        room.observer.off('peerJoined', onJoined);
        room.off('closed', onClosed);
        resolve(joined);
      };
      const onJoined = ({ peerId }: { peerId: string }) => {
        waiting.delete(peerId);
        if (waiting.size === 0) done(true);
      };
      const onClosed = () => done(false);
      room.observer.on('peerJoined', onJoined);
      room.on('closed', onClosed);
    });
  }
}

/** No live worker, or the chosen one died while the router was being made (mediasoup's closed channel). */
function isWorkerGone(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'UNAVAILABLE';
  return error instanceof Error && error.name === 'InvalidStateError';
}
