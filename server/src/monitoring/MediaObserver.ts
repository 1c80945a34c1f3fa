import { EventEmitter } from 'node:events';
import type {
  Consumer,
  ConsumerStat,
  Producer,
  ProducerStat,
  Router,
  Transport,
  WebRtcTransport,
  Worker,
} from 'mediasoup/types';
import type { Logger } from 'pino';
import type { MediaKind } from '@visio/shared/protocol';
import type { WorkerPool } from '../media';

// Watches the media workers through mediasoup's observer events (worker → router → transport →
// producer/consumer), as STYLE.md intends: monitoring sees every media object without MediaRoom
// or CallService being wired for it. Type-only use of mediasoup; nothing here creates or changes
// media. A room is the router created with `appData.roomId` (the call id); peers are the
// `appData.peerId` MediaRoom puts on transports, producers and consumers.

export interface WorkerCounts {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

/** One producer as measured by the server: the sender's leg (browser → server). */
export interface ProducerFigures {
  kind: MediaKind;
  source: string;
  paused: boolean;
  bitrateBps: number | null;
  /** Share of packets lost in the last RTCP interval, 0–1. */
  fractionLost: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  /** Lowest stream score (0–10); null while no RTP has arrived. */
  score: number | null;
}

/** One consumer as measured by the server: the receiver's leg (server → browser). */
export interface ConsumerFigures {
  producerId: string;
  kind: MediaKind;
  bitrateBps: number | null;
  fractionLost: number | null;
  rttMs: number | null;
  score: number | null;
}

export interface PeerFigures {
  iceProtocol: 'udp' | 'tcp' | null;
  producers: Map<string, ProducerFigures>;
  consumers: ConsumerFigures[];
}

/** Server-side figures of one room, by peer id. */
export type RoomFigures = Map<string, PeerFigures>;

interface RoomEntry {
  workerPid: number;
  transports: Set<Transport>;
  producers: Set<Producer>;
  consumers: Set<Consumer>;
}

export interface MediaObserverEvents {
  /** A consumer of `peerId` now forwards live media (resumed, producer not paused). */
  consumerFlowing: [{ roomId: string; peerId: string }];
}

const peerIdOf = (appData: Record<string, unknown>): string | undefined =>
  typeof appData.peerId === 'string' ? appData.peerId : undefined;

export class MediaObserver extends EventEmitter<MediaObserverEvents> {
  private readonly workers = new Map<number, { worker: Worker; counts: WorkerCounts }>();
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly onSpawned = ({ pid }: { pid: number }) => {
    const worker = this.pool.liveWorkers.find((w) => w.pid === pid);
    if (worker) this.watchWorker(worker);
  };

  constructor(
    private readonly pool: WorkerPool,
    private readonly logger: Logger,
  ) {
    super();
    for (const worker of pool.liveWorkers) this.watchWorker(worker);
    pool.on('workerSpawned', this.onSpawned);
  }

  /** Live workers with their slot and what they host. */
  workerCounts(): { slot: number; pid: number; worker: Worker; counts: WorkerCounts }[] {
    return [...this.workers.values()]
      .filter(({ worker }) => !worker.closed)
      .map(({ worker, counts }) => ({
        slot: typeof worker.appData.slot === 'number' ? worker.appData.slot : -1,
        pid: worker.pid,
        worker,
        counts: { ...counts },
      }));
  }

  /** Whether `peerId` sends live (unpaused) media of this kind in the room. */
  isSending(roomId: string, peerId: string, kind: MediaKind): boolean {
    const room = this.rooms.get(roomId);
    if (!room) return false;
    return [...room.producers].some(
      (p) => !p.closed && !p.paused && p.kind === kind && peerIdOf(p.appData) === peerId,
    );
  }

  /**
   * Asks the worker for the stats of every consumer of the room, and of every producer whose
   * consumer does not carry them (one request each).
   * Objects closing meanwhile are skipped. Undefined when the room is unknown (closed, or not
   * observed).
   */
  async figuresOf(roomId: string): Promise<RoomFigures | undefined> {
    return this.collect(roomId, true);
  }

  /**
   * What is known without asking the worker: kinds, sources, pause states, scores (kept up to date
   * by the worker's notifications) and the ICE protocol. Bitrate, loss, jitter and RTT are null.
   */
  localFiguresOf(roomId: string): RoomFigures | undefined {
    const room = this.rooms.get(roomId);
    if (!room) return undefined;
    const { figures } = this.gather(room, false);
    return figures;
  }

  private async collect(roomId: string, withStats: boolean): Promise<RoomFigures | undefined> {
    const room = this.rooms.get(roomId);
    if (!room) return undefined;
    const { figures, tasks } = this.gather(room, withStats);
    // A closed object rejects (InvalidStateError): it simply has no figures this time.
    await Promise.allSettled(tasks);
    return figures;
  }

  private gather(
    room: RoomEntry,
    withStats: boolean,
  ): { figures: RoomFigures; tasks: Promise<void>[] } {
    const figures: RoomFigures = new Map();
    const peer = (peerId: string): PeerFigures => {
      let entry = figures.get(peerId);
      if (!entry) {
        entry = { iceProtocol: null, producers: new Map(), consumers: [] };
        figures.set(peerId, entry);
      }
      return entry;
    };
    const tasks: Promise<void>[] = [];
    for (const transport of room.transports) {
      const peerId = peerIdOf(transport.appData);
      if (!peerId) continue;
      // The selected ICE tuple is known locally (updated by the worker's notifications): no
      // request to the worker for it.
      const protocol =
        'iceSelectedTuple' in transport
          ? (transport as WebRtcTransport).iceSelectedTuple?.protocol
          : undefined;
      if (protocol) peer(peerId).iceProtocol = protocol;
    }
    // A consumer's stats also carry the receive stream of the producer it forwards: a producer
    // with one stream (no simulcast) that is consumed needs no request of its own, which halves
    // the requests of a call.
    const consumerOf = new Map<string, Consumer>();
    if (withStats) {
      for (const consumer of room.consumers)
        if (!consumer.closed && peerIdOf(consumer.appData))
          consumerOf.set(consumer.producerId, consumer);
    }
    const carried = new Map<Consumer, { producer: Producer; peerId: string }>();
    const readProducer = (producer: Producer, peerId: string) =>
      producer.getStats().then((stats) => {
        peer(peerId).producers.set(producer.id, producerFigures(producer, stats));
      });
    for (const producer of room.producers) {
      const peerId = peerIdOf(producer.appData);
      if (!peerId || producer.closed) continue;
      const carrier =
        producer.rtpParameters.encodings?.length === 1 ? consumerOf.get(producer.id) : undefined;
      if (!withStats) peer(peerId).producers.set(producer.id, producerFigures(producer, []));
      else if (carrier) carried.set(carrier, { producer, peerId });
      else tasks.push(readProducer(producer, peerId));
    }
    for (const consumer of room.consumers) {
      const peerId = peerIdOf(consumer.appData);
      if (!peerId || consumer.closed) continue;
      if (!withStats) {
        peer(peerId).consumers.push(consumerFigures(consumer, []));
        continue;
      }
      const source = carried.get(consumer);
      const task = consumer.getStats().then((stats) => {
        peer(peerId).consumers.push(consumerFigures(consumer, stats));
        if (source) {
          const received = stats.filter((s): s is ProducerStat => s.type === 'inbound-rtp');
          peer(source.peerId).producers.set(
            source.producer.id,
            producerFigures(source.producer, received),
          );
        }
      });
      // The consumer closing meanwhile does not cost its producer its figures.
      tasks.push(source ? task.catch(() => readProducer(source.producer, source.peerId)) : task);
    }
    return { figures, tasks };
  }

  close(): void {
    this.pool.off('workerSpawned', this.onSpawned);
  }

  private watchWorker(worker: Worker): void {
    if (this.workers.has(worker.pid)) return;
    const counts: WorkerCounts = { routers: 0, transports: 0, producers: 0, consumers: 0 };
    this.workers.set(worker.pid, { worker, counts });
    worker.observer.once('close', () => this.workers.delete(worker.pid));
    worker.observer.on('newrouter', (router) => this.watchRouter(worker.pid, router, counts));
  }

  private watchRouter(workerPid: number, router: Router, counts: WorkerCounts): void {
    counts.routers += 1;
    const roomId = typeof router.appData.roomId === 'string' ? router.appData.roomId : undefined;
    const room: RoomEntry = {
      workerPid,
      transports: new Set(),
      producers: new Set(),
      consumers: new Set(),
    };
    if (roomId) this.rooms.set(roomId, room);
    router.observer.once('close', () => {
      counts.routers -= 1;
      if (roomId && this.rooms.get(roomId) === room) this.rooms.delete(roomId);
    });
    router.observer.on('newtransport', (transport) => {
      counts.transports += 1;
      room.transports.add(transport);
      transport.observer.once('close', () => {
        counts.transports -= 1;
        room.transports.delete(transport);
      });
      transport.observer.on('newproducer', (producer) => {
        counts.producers += 1;
        room.producers.add(producer);
        producer.observer.once('close', () => {
          counts.producers -= 1;
          room.producers.delete(producer);
        });
      });
      transport.observer.on('newconsumer', (consumer) => {
        counts.consumers += 1;
        room.consumers.add(consumer);
        consumer.observer.once('close', () => {
          counts.consumers -= 1;
          room.consumers.delete(consumer);
        });
        const flowing = () => {
          const peerId = peerIdOf(consumer.appData);
          if (roomId && peerId && !consumer.paused && !consumer.producerPaused)
            this.emit('consumerFlowing', { roomId, peerId });
        };
        consumer.observer.on('resume', flowing);
        flowing();
      });
    });
    this.logger.debug({ roomId, workerPid }, 'observing media room');
  }
}

function producerFigures(producer: Producer, stats: ProducerStat[]): ProducerFigures {
  const rtp = stats.filter((s) => s.type === 'inbound-rtp');
  // Loss, jitter and RTT of a stream that carried no packet mean nothing (they read 0).
  const live = rtp.filter((s) => s.packetCount > 0);
  const scores = producer.score.map((s) => s.score);
  return {
    kind: producer.kind,
    source: typeof producer.appData.source === 'string' ? producer.appData.source : 'unknown',
    paused: producer.paused,
    bitrateBps: sumOf(rtp.map((s) => s.bitrate)),
    fractionLost: maxOf(live.map((s) => s.fractionLost / 256)),
    // mediasoup reports jitter in RTP timestamp units (RFC 3550): convert with the clock rate.
    jitterMs: maxOf(live.map((s) => (s.jitter * 1000) / clockRateOf(producer))),
    rttMs: maxOf(live.map((s) => s.roundTripTime)),
    score: scores.length > 0 ? Math.min(...scores) : null,
  };
}

function clockRateOf(producer: Producer): number {
  return (
    producer.rtpParameters.codecs[0]?.clockRate ?? (producer.kind === 'audio' ? 48_000 : 90_000)
  );
}

function consumerFigures(
  consumer: Consumer,
  stats: (ConsumerStat | ProducerStat)[],
): ConsumerFigures {
  const rtp = stats.filter((s) => s.type === 'outbound-rtp');
  const live = rtp.filter((s) => s.packetCount > 0);
  return {
    producerId: consumer.producerId,
    kind: consumer.kind,
    bitrateBps: sumOf(rtp.map((s) => s.bitrate)),
    fractionLost: maxOf(live.map((s) => s.fractionLost / 256)),
    rttMs: maxOf(live.map((s) => s.roundTripTime)),
    score: consumer.score.score,
  };
}

const known = (values: (number | undefined)[]) =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

function sumOf(values: (number | undefined)[]): number | null {
  const k = known(values);
  return k.length > 0 ? k.reduce((a, b) => a + b, 0) : null;
}

function maxOf(values: (number | undefined)[]): number | null {
  const k = known(values);
  return k.length > 0 ? Math.max(...k) : null;
}
