import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { AppError, type DtlsParametersSchema, type LinkPath } from '@visio/shared/protocol';
import type { z } from 'zod';
import type { TransportListenOptions } from './MediaRoom';
import type { WorkerPool } from './WorkerPool';
import { createPathTransport } from './pathTransport';

type Direction = 'send' | 'recv';
type Kind = 'audio' | 'video';

/** One of a loop's transports as the kiosk needs it to connect. */
export interface LoopTransportParameters {
  transportId: string;
  iceParameters: Record<string, unknown>;
  iceCandidates: Record<string, unknown>[];
  dtlsParameters: Record<string, unknown>;
}

export interface LoopPathParameters {
  path: LinkPath;
  send: LoopTransportParameters;
  recv: LoopTransportParameters;
}

interface LoopPath {
  send: types.WebRtcTransport;
  recv: types.WebRtcTransport;
  connected: Record<Direction, boolean>;
  producers: Map<Kind, types.Producer>;
  consumers: Map<Kind, types.Consumer>;
}

export interface MediaLoopEvents {
  /** The loop closed (by its owner, or its worker went). */
  closed: [];
}

/**
 * A kiosk's media looped back to it through the SFU, on a router of its own: per path (UDP only,
 * TCP only, or both for the TURN path, which the kiosk forces through its relay) a transport the
 * kiosk sends on and one it receives on; each producer is consumed back on the same path's
 * receive transport. What goes back is exactly what came in (no amplification), and the send side
 * is capped at `maxIncomingKbps`. Closing the loop closes its router, and with it everything.
 */
export class MediaLoop extends EventEmitter<MediaLoopEvents> {
  private readonly paths = new Map<LinkPath, LoopPath>();
  private _closed = false;

  private constructor(private readonly router: types.Router) {
    super();
    router.observer.once('close', () => this.close());
  }

  static async create(
    pool: WorkerPool,
    listen: TransportListenOptions,
    paths: readonly LinkPath[],
    maxIncomingKbps: number,
  ): Promise<MediaLoop> {
    const { router, webRtcServer } = await pool.createRouter({ mediaLoop: true });
    const loop = new MediaLoop(router);
    try {
      for (const path of paths) {
        const create = () =>
          createPathTransport(router, webRtcServer, listen, path, {
            initialAvailableOutgoingBitrate: listen.initialAvailableOutgoingBitrate,
            appData: { mediaLoopPath: path },
          });
        const entry: LoopPath = {
          send: await create(),
          recv: await create(),
          connected: { send: false, recv: false },
          producers: new Map(),
          consumers: new Map(),
        };
        await entry.send.setMaxIncomingBitrate(maxIncomingKbps * 1000);
        for (const direction of ['send', 'recv'] as const)
          entry[direction].on('dtlsstatechange', (state) => {
            if (state === 'connected') entry.connected[direction] = true;
          });
        loop.paths.set(path, entry);
      }
      return loop;
    } catch (error) {
      loop.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this._closed;
  }

  get rtpCapabilities(): Record<string, unknown> {
    return this.router.rtpCapabilities;
  }

  parameters(): LoopPathParameters[] {
    const info = (t: types.WebRtcTransport): LoopTransportParameters => ({
      transportId: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
    });
    return [...this.paths].map(([path, e]) => ({ path, send: info(e.send), recv: info(e.recv) }));
  }

  async connect(
    path: LinkPath,
    direction: Direction,
    dtlsParameters: z.infer<typeof DtlsParametersSchema>,
  ): Promise<void> {
    const transport = this.path(path)[direction];
    try {
      await transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
    } catch (error) {
      throw refusal(error);
    }
  }

  async produce(
    path: LinkPath,
    kind: Kind,
    rtpParameters: Record<string, unknown>,
  ): Promise<{ producerId: string }> {
    const entry = this.path(path);
    if (entry.producers.has(kind))
      throw new AppError('CONFLICT', `This path already sends its ${kind}`);
    try {
      const producer = await entry.send.produce({
        kind,
        rtpParameters: rtpParameters as unknown as types.RtpParameters,
      });
      entry.producers.set(kind, producer);
      return { producerId: producer.id };
    } catch (error) {
      throw refusal(error);
    }
  }

  /** The path's producer of `kind`, back to the kiosk on the same path (flowing at once). */
  async consume(
    path: LinkPath,
    kind: Kind,
    rtpCapabilities: Record<string, unknown>,
  ): Promise<{
    consumerId: string;
    producerId: string;
    kind: Kind;
    rtpParameters: Record<string, unknown>;
  }> {
    const entry = this.path(path);
    const producer = entry.producers.get(kind);
    if (!producer) throw new AppError('NOT_FOUND', `Nothing ${kind} to loop back on ${path} yet`);
    if (entry.consumers.has(kind))
      throw new AppError('CONFLICT', `This path already loops its ${kind} back`);
    const caps = rtpCapabilities as unknown as types.RtpCapabilities;
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps }))
      throw new AppError('INVALID_INPUT', 'These capabilities cannot receive the looped media');
    try {
      const consumer = await entry.recv.consume({ producerId: producer.id, rtpCapabilities: caps });
      entry.consumers.set(kind, consumer);
      return {
        consumerId: consumer.id,
        producerId: producer.id,
        kind,
        rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      };
    } catch (error) {
      throw refusal(error);
    }
  }

  /** Both of the path's transports completed DTLS: media could flow both ways (the server's view). */
  connected(path: LinkPath): boolean {
    const entry = this.paths.get(path);
    return entry !== undefined && entry.connected.send && entry.connected.recv;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    if (!this.router.closed) this.router.close();
    this.emit('closed');
  }

  private path(path: LinkPath): LoopPath {
    if (this._closed) throw new AppError('NOT_FOUND', 'This nightly test is closed');
    const entry = this.paths.get(path);
    if (!entry) throw new AppError('NOT_FOUND', `No ${path} path in this test`);
    return entry;
  }
}

/** mediasoup refuses bad parameters (TypeError…): the kiosk's fault; a closed object: ours. */
function refusal(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error && error.name === 'InvalidStateError')
    return new AppError('NOT_FOUND', 'This nightly test is closed');
  return new AppError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
}
