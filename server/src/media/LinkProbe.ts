import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import {
  AppError,
  LINK_PROBE_PHASE,
  type DtlsParametersSchema,
  type LinkPath,
} from '@visio/shared/protocol';
import type { z } from 'zod';
import type { TransportListenOptions } from './MediaRoom';
import type { WorkerPool } from './WorkerPool';
import { createPathTransport } from './pathTransport';

/** What one path's probe channel brought in, as the server counted it. */
export interface PathTally {
  /** The transport's DTLS handshake completed: the path carries traffic both ways. */
  connected: boolean;
  loss: { received: number; maxSeq: number };
  throughput: { bytes: number; firstAt: number | null; lastAt: number | null };
  /** Messages that fit no phase (malformed): counted, never trusted. */
  junk: number;
  /** The path sent more than its byte budget and was closed. */
  overBudget: boolean;
}

/** One path's probe transport as the kiosk needs it to connect (ICE, DTLS and SCTP parameters). */
export interface ProbeTransportParameters {
  path: LinkPath;
  transportId: string;
  iceParameters: Record<string, unknown>;
  iceCandidates: Record<string, unknown>[];
  dtlsParameters: Record<string, unknown>;
  sctpParameters: Record<string, unknown>;
}

/** The SCTP stream of a probe channel, as signalling validated it (mediasoup checks it again). */
export interface ProbeStreamParameters {
  streamId: number;
  ordered: boolean;
  maxRetransmits: number;
}

export interface LinkProbeEvents {
  /** The probe closed (by its owner, or its worker went). */
  closed: [];
}

interface ProbePath {
  transport: types.WebRtcTransport;
  dataConsumer: types.DataConsumer | undefined;
  tally: PathTally;
}

/** Probe messages are small; SCTP refuses larger ones, so nothing big is ever buffered for us. */
const MAX_MESSAGE_BYTES = 2048;

/**
 * A short-lived probe of a kiosk's link, on a router of its own: per path a WebRTC transport
 * limited to that path's protocol (UDP only, TCP only; both for the TURN path, which the kiosk
 * forces through its relay), and a direct transport that brings the kiosk's probe messages into
 * Node, where they are counted. Nothing is ever sent towards the kiosk but ICE, DTLS and SCTP's
 * own acknowledgements. A path that sends past `maxBytesPerPath` is closed at once. Closing the
 * probe closes its router, and with it everything above.
 */
export class LinkProbe extends EventEmitter<LinkProbeEvents> {
  private readonly paths = new Map<LinkPath, ProbePath>();
  private _closed = false;

  private constructor(
    private readonly router: types.Router,
    private readonly direct: types.DirectTransport,
    private readonly maxBytesPerPath: number,
    private readonly logger: Logger,
  ) {
    super();
    router.observer.once('close', () => this.close());
  }

  static async create(
    pool: WorkerPool,
    listen: TransportListenOptions,
    paths: readonly LinkPath[],
    maxBytesPerPath: number,
    logger: Logger,
  ): Promise<LinkProbe> {
    const { router, webRtcServer } = await pool.createRouter({ linkProbe: true });
    let probe: LinkProbe | undefined;
    try {
      const direct = await router.createDirectTransport({ maxSendMessageSize: MAX_MESSAGE_BYTES });
      probe = new LinkProbe(router, direct, maxBytesPerPath, logger);
      for (const path of paths) {
        const transport = await createPathTransport(router, webRtcServer, listen, path, {
          enableSctp: true,
          numSctpStreams: { OS: 16, MIS: 16 },
          maxSctpMessageSize: MAX_MESSAGE_BYTES,
          appData: { linkProbePath: path },
        });
        const entry: ProbePath = {
          transport,
          dataConsumer: undefined,
          tally: {
            connected: false,
            loss: { received: 0, maxSeq: -1 },
            throughput: { bytes: 0, firstAt: null, lastAt: null },
            junk: 0,
            overBudget: false,
          },
        };
        transport.on('dtlsstatechange', (state) => {
          if (state === 'connected') entry.tally.connected = true;
        });
        probe.paths.set(path, entry);
      }
      return probe;
    } catch (error) {
      if (probe) probe.close();
      else router.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this._closed;
  }

  get rtpCapabilities(): Record<string, unknown> {
    return this.router.rtpCapabilities;
  }

  parameters(): ProbeTransportParameters[] {
    return [...this.paths].map(([path, { transport }]) => ({
      path,
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      sctpParameters: transport.sctpParameters ?? {},
    }));
  }

  async connect(
    path: LinkPath,
    dtlsParameters: z.infer<typeof DtlsParametersSchema>,
  ): Promise<void> {
    const { transport } = this.path(path);
    try {
      await transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
    } catch (error) {
      throw this.refusal(error);
    }
  }

  /** The kiosk's probe channel on `path`: its messages are counted from now on. */
  async produceData(
    path: LinkPath,
    sctpStreamParameters: ProbeStreamParameters,
  ): Promise<{ dataProducerId: string }> {
    const entry = this.path(path);
    if (entry.dataConsumer)
      throw new AppError('CONFLICT', 'This path already has its probe channel');
    try {
      const producer = await entry.transport.produceData({
        sctpStreamParameters: sctpStreamParameters as types.SctpStreamParameters,
        label: 'probe',
      });
      const consumer = await this.direct.consumeData({ dataProducerId: producer.id });
      entry.dataConsumer = consumer;
      consumer.on('message', (message) => this.count(path, entry, message));
      return { dataProducerId: producer.id };
    } catch (error) {
      throw this.refusal(error);
    }
  }

  tally(path: LinkPath): PathTally | undefined {
    return this.paths.get(path)?.tally;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    if (!this.router.closed) this.router.close();
    this.emit('closed');
  }

  private count(path: LinkPath, entry: ProbePath, message: Buffer): void {
    const { tally } = entry;
    if (tally.overBudget) return;
    const phase = message.length >= 5 ? message[0] : undefined;
    if (phase === LINK_PROBE_PHASE.loss) {
      tally.loss.received += 1;
      tally.loss.maxSeq = Math.max(tally.loss.maxSeq, message.readUInt32BE(1));
    } else if (phase === LINK_PROBE_PHASE.throughput) {
      const now = performance.now();
      tally.throughput.bytes += message.length;
      tally.throughput.firstAt ??= now;
      tally.throughput.lastAt = now;
    } else {
      tally.junk += 1;
    }
    // Loss messages are a few hundred bytes in all; the throughput phase is what the budget bounds.
    if (tally.throughput.bytes > this.maxBytesPerPath) {
      tally.overBudget = true;
      this.logger.warn({ path }, 'link probe path over its byte budget: closed');
      entry.transport.close();
    }
  }

  private path(path: LinkPath): ProbePath {
    if (this._closed) throw new AppError('NOT_FOUND', 'This link test is closed');
    const entry = this.paths.get(path);
    if (!entry) throw new AppError('NOT_FOUND', `No ${path} path in this link test`);
    if (entry.transport.closed) throw new AppError('BAD_STATE', `The ${path} path is closed`);
    return entry;
  }

  /** mediasoup refuses bad parameters (TypeError…): the kiosk's fault; a closed object: ours. */
  private refusal(error: unknown): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof Error && error.name === 'InvalidStateError')
      return new AppError('NOT_FOUND', 'This link test is closed');
    return new AppError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
  }
}
