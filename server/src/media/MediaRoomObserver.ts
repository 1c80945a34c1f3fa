import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaKind, MediaSource } from '@visio/shared/protocol';

/** The network path a transport's media takes, as plain data. */
export interface TransportTuple {
  protocol: 'udp' | 'tcp';
  localIp: string;
  localPort: number;
  remoteIp: string | undefined;
  remotePort: number | undefined;
}

export interface MediaCounts {
  transports: number;
  producers: number;
  consumers: number;
}

/**
 * What a room's observer tells, as plain data only (ids, kinds, sources, numbers): monitoring
 * watches calls through it without touching mediasoup. Peers are the opaque ids the room was
 * created with.
 */
export interface MediaRoomObserverEvents {
  /** A peer declared its device (media:join); again after a reload. */
  peerJoined: [{ peerId: string }];
  /** A joined peer's media ended: it joined anew (its previous transports closed) or the room closed. */
  peerLeft: [{ peerId: string }];
  producerAdded: [
    {
      peerId: string;
      producerId: string;
      kind: MediaKind;
      source: MediaSource | 'unknown';
      paused: boolean;
    },
  ];
  producerClosed: [{ peerId: string; producerId: string }];
  consumerAdded: [{ peerId: string; consumerId: string; producerId: string; kind: MediaKind }];
  consumerClosed: [{ peerId: string; consumerId: string; producerId: string }];
  /** A consumer of `peerId` now forwards live media (resumed, its producer not paused). */
  consumerFlowing: [{ peerId: string; consumerId: string }];
  /** mediasoup's score (0–10) of a producer (its weakest stream) or of a consumer. */
  scoreChanged: [{ peerId: string; of: 'producer' | 'consumer'; id: string; score: number }];
  /** A WebRTC transport's ICE settled on (or moved to) this path. */
  transportTuple: [{ peerId: string; transportId: string; tuple: TransportTuple }];
  /** The room closed: 'closed' when asked to, else why it was lost. */
  close: [{ reason: 'closed' | 'worker_died' | 'worker_unresponsive' | 'router_closed' }];
}

/** What MediaRoom writes in the appData of the mediasoup objects it creates, read back here. */
export interface PeerAppData extends types.AppData {
  peerId: string;
  direction?: 'send' | 'recv';
  source?: MediaSource;
}

// appData is untyped for mediasoup, and objects made on the router by others (benchmarks) may
// carry anything: read it with checks.
export const peerIdOf = (appData: types.AppData): string | undefined =>
  typeof appData.peerId === 'string' ? appData.peerId : undefined;

export const sourceOf = (appData: types.AppData): MediaSource | 'unknown' =>
  appData.source === 'microphone' || appData.source === 'camera' || appData.source === 'screen'
    ? appData.source
    : 'unknown';

/**
 * The observer of one media room. It follows the room's router through mediasoup's own observer
 * events (router → transport → producer/consumer), so it sees every object on that router,
 * whoever made it, and tells what happens as plain data. It also keeps the live objects: the room
 * reads its figures from them and the worker pool counts them. Outside media/ it is seen only as
 * a typed event emitter (`MediaRoom.observer`).
 */
export class MediaRoomObserver extends EventEmitter<MediaRoomObserverEvents> {
  readonly transports = new Set<types.Transport>();
  readonly producers = new Set<types.Producer>();
  readonly consumers = new Set<types.Consumer>();

  constructor(router: types.Router) {
    super();
    router.observer.on('newtransport', (transport) => this.follow(transport));
  }

  counts(): MediaCounts {
    return {
      transports: this.transports.size,
      producers: this.producers.size,
      consumers: this.consumers.size,
    };
  }

  private follow(transport: types.Transport): void {
    this.transports.add(transport);
    transport.observer.once('close', () => this.transports.delete(transport));
    transport.observer.on('newproducer', (producer) => this.followProducer(producer));
    transport.observer.on('newconsumer', (consumer) => this.followConsumer(consumer));
    const peerId = peerIdOf(transport.appData);
    if (!peerId || !isWebRtc(transport)) return;
    transport.observer.on('iceselectedtuplechange', (tuple) =>
      this.emit('transportTuple', { peerId, transportId: transport.id, tuple: plainTuple(tuple) }),
    );
  }

  private followProducer(producer: types.Producer): void {
    this.producers.add(producer);
    const peerId = peerIdOf(producer.appData);
    producer.observer.once('close', () => {
      this.producers.delete(producer);
      if (peerId) this.emit('producerClosed', { peerId, producerId: producer.id });
    });
    if (!peerId) return;
    producer.observer.on('score', (scores) => {
      if (scores.length === 0) return;
      const score = Math.min(...scores.map((s) => s.score));
      this.emit('scoreChanged', { peerId, of: 'producer', id: producer.id, score });
    });
    this.emit('producerAdded', {
      peerId,
      producerId: producer.id,
      kind: producer.kind,
      source: sourceOf(producer.appData),
      paused: producer.paused,
    });
  }

  private followConsumer(consumer: types.Consumer): void {
    this.consumers.add(consumer);
    const peerId = peerIdOf(consumer.appData);
    const ids = { consumerId: consumer.id, producerId: consumer.producerId };
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer);
      if (peerId) this.emit('consumerClosed', { peerId, ...ids });
    });
    if (!peerId) return;
    consumer.observer.on('score', ({ score }) =>
      this.emit('scoreChanged', { peerId, of: 'consumer', id: consumer.id, score }),
    );
    this.emit('consumerAdded', { peerId, ...ids, kind: consumer.kind });
    const flowing = () => {
      if (!consumer.paused && !consumer.producerPaused)
        this.emit('consumerFlowing', { peerId, consumerId: consumer.id });
    };
    consumer.observer.on('resume', flowing);
    flowing();
  }
}

/** WebRTC transports have an ICE path; plain and pipe transports do not. */
export function isWebRtc(transport: types.Transport): transport is types.WebRtcTransport {
  return 'iceSelectedTuple' in transport;
}

function plainTuple(tuple: types.TransportTuple): TransportTuple {
  return {
    protocol: tuple.protocol,
    localIp: tuple.localIp,
    localPort: tuple.localPort,
    remoteIp: tuple.remoteIp,
    remotePort: tuple.remotePort,
  };
}
