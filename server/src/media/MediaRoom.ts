import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  AppError,
  type DtlsParametersSchema,
  type MediaKind,
  type mediaRequests,
  type MediaSource,
  type PauseReason,
  type ProducerInfo,
  type ResponseOf,
  type RtpCapabilitiesSchema,
  type RtpParametersSchema,
} from '@visio/shared/protocol';
import {
  peerIdOf,
  type MediaCounts,
  type MediaRoomObserver,
  type MediaRoomObserverEvents,
  type PeerAppData,
} from './MediaRoomObserver';
import { measuredTraffic, type RoomTraffic } from './PeerTraffic';
import { localFigures, measuredFigures, type RoomFigures } from './RoomFigures';
import type { WorkerLoss, WorkerPool } from './WorkerPool';

/**
 * Why a room closed: 'closed' when its owner closed it; otherwise it was lost — its worker died
 * or was killed as hung, or its router was closed by someone else.
 */
export type MediaRoomCloseReason = 'closed' | WorkerLoss | 'router_closed';

export interface TransportListenOptions {
  listenIp: string;
  announcedIp: string | undefined;
  enableUdp: boolean;
  enableTcp: boolean;
  initialAvailableOutgoingBitrate: number;
}

type Direction = 'send' | 'recv';

// What browsers send, in the shapes signalling validated against the shared schemas; mediasoup
// checks their meaning (and rejects what it cannot use: INVALID_INPUT).
type RtpCapabilities = z.output<typeof RtpCapabilitiesSchema>;
type RtpParameters = z.output<typeof RtpParametersSchema>;
type DtlsParameters = z.output<typeof DtlsParametersSchema>;

interface SentProducer {
  readonly producer: types.Producer;
  readonly source: MediaSource;
  /** Why it is paused (null while it is not): told to the far side with each change. */
  pauseReason: PauseReason | null;
}

/** A consumer made for a peer before it asked, on its receive transport `transportId`. */
export type ConsumerOffer = ResponseOf<typeof mediaRequests.consume> & { transportId: string };

export interface PreparedTransports {
  send: ResponseOf<typeof mediaRequests.createTransport>;
  recv: ResponseOf<typeof mediaRequests.createTransport>;
  /** The receive transport's warm-up, made with it (`warmUp`). */
  warmUp: ResponseOf<typeof mediaRequests.warmUp>;
}

interface MediaPeer {
  readonly id: string;
  rtpCapabilities: types.RtpCapabilities | undefined;
  readonly transports: Map<
    string,
    {
      transport: types.WebRtcTransport;
      direction: Direction;
      connected: boolean;
      /** A receive transport's warm-up data consumer was made (`warmUp`). */
      warmed?: boolean;
    }
  >;
  readonly producers: Map<string, SentProducer>;
  readonly consumers: Map<
    string,
    {
      consumer: types.Consumer;
      source: MediaSource;
      transport: types.WebRtcTransport;
      /** Made by the server with the producer (`offer`) and not resumed yet. */
      offered: boolean;
      /** The peer whose producer this consumes. */
      from: string;
    }
  >;
}

export interface MediaRoomEvents {
  /**
   * Peer `peerId` started sending; peer `to` should consume it. `consumer` is the consumer made
   * for `to` already (paused), when `to` had joined with a receive transport.
   */
  newProducer: [
    { peerId: string; to: string; producer: ProducerInfo; consumer: ConsumerOffer | undefined },
  ];
  /** A producer `peerId` consumes paused or resumed (with why it is paused). */
  producerPaused: [
    { peerId: string; producerId: string; paused: boolean; reason: PauseReason | null },
  ];
  /** A peer's own camera or microphone paused (`reason`) or resumed (null). */
  sourcePaused: [{ peerId: string; source: MediaSource; reason: PauseReason | null }];
  /** A consumer of `peerId` closed because its producer went away. */
  consumerClosed: [{ peerId: string; consumerId: string; producerId: string }];
  /**
   * What the server estimates it can send to `peerId` (its receive transport's congestion
   * control, from transport-wide feedback), kbit/s, audio included: about once a second, and at
   * once when it falls by a quarter.
   */
  downlinkEstimate: [{ peerId: string; kbps: number }];
  /** The room closed: asked to ('closed'), or lost under its call (see MediaRoomCloseReason). */
  closed: [{ reason: MediaRoomCloseReason }];
}

/** Upper bounds per peer: one send and one receive transport, microphone + camera + screen. */
const MAX_TRANSPORTS_PER_DIRECTION = 1;
const MAX_PRODUCERS = 3;

/**
 * The media of one call: a router of its own, and per peer its transports, producers and
 * consumers. Ownership follows mediasoup's tree: closing the room closes the router, which
 * closes everything below. Knows nothing of appointments or sockets: peers are opaque ids.
 *
 * The rest of the server sees plain data only: its events, `observer` (typed events for
 * monitoring, after mediasoup's own observers) and `figures()`.
 */
export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  /** The data producer receive transports consume to connect early (`warmUp`), made once. */
  private idleData: Promise<types.DataProducer> | undefined;
  private readonly peers = new Map<string, MediaPeer>();
  /** The peers between whom camera pictures are held (`holdCameras`); empty: none. */
  private cameraHold: ReadonlySet<string> = new Set();
  private _closed = false;

  private constructor(
    readonly id: string,
    private readonly router: types.Router,
    private readonly objects: MediaRoomObserver,
    readonly workerPid: number,
    private readonly webRtcServer: types.WebRtcServer | undefined,
    private readonly listen: TransportListenOptions,
    private readonly logger: Logger,
    lossCause: () => WorkerLoss,
  ) {
    super();
    router.on('workerclose', () => this.closeInternal(lossCause()));
    // Fires after `workerclose` on a worker's death (then the room is closed already) and after
    // our own close; anything else closed the router under the room.
    router.observer.once('close', () => this.closeInternal('router_closed'));
  }

  static async create(
    id: string,
    peerIds: readonly string[],
    pool: WorkerPool,
    listen: TransportListenOptions,
    logger: Logger,
    { newCall = false }: { newCall?: boolean } = {},
  ): Promise<MediaRoom> {
    const { router, observer, workerPid, webRtcServer, lossCause } = await pool.createRouter(
      { roomId: id },
      { newCall },
    );
    const room = new MediaRoom(
      id,
      router,
      observer,
      workerPid,
      webRtcServer,
      listen,
      logger.child({ roomId: id, workerPid }),
      lossCause,
    );
    for (const peerId of peerIds) room.addPeer(peerId);
    room.logger.debug('media room opened');
    return room;
  }

  /**
   * A peer joins the room after it opened (an interpreter joining the call, a colleague taking it
   * over): it may then join and make transports as the first ones did. A peer already in the room
   * is left as it is.
   */
  addPeer(peerId: string): void {
    this.assertOpen();
    if (this.peers.has(peerId)) return;
    this.peers.set(peerId, {
      id: peerId,
      rtpCapabilities: undefined,
      transports: new Map(),
      producers: new Map(),
      consumers: new Map(),
    });
  }

  /**
   * A peer leaves the room while the others go on (an interpreter leaving, an advisor who handed
   * their seat to a colleague): its transports close, and with them its producers (each other
   * peer's consumer of them closes: `consumerClosed`) and its consumers. Its requests are refused
   * from then on (FORBIDDEN).
   */
  removePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer || this._closed) return;
    this.peers.delete(peerId);
    for (const { transport } of peer.transports.values()) transport.close();
    peer.transports.clear();
    peer.producers.clear();
    peer.consumers.clear();
    if (peer.rtpCapabilities) this.objects.emit('peerLeft', { peerId });
  }

  get closed(): boolean {
    return this._closed;
  }

  get routerId(): string {
    return this.router.id;
  }

  get rtpCapabilities(): RtpCapabilities {
    // A router's capabilities always list codecs; mediasoup's type leaves them optional.
    return this.router.rtpCapabilities as RtpCapabilities;
  }

  /**
   * Typed events for monitoring, as plain data: peers joining and leaving, producers and
   * consumers added and closed, scores, ICE paths, consumers starting to flow. It follows the
   * router itself, so it also sees objects made on it by others than this room.
   */
  get observer(): EventEmitter<MediaRoomObserverEvents> {
    return this.objects;
  }

  /**
   * The server's figures of every peer, from the worker's stats: one request per consumer, and
   * per producer whose consumer does not carry its receive stream. Undefined once closed.
   */
  async figures(): Promise<RoomFigures | undefined> {
    return this._closed ? undefined : measuredFigures(this.objects);
  }

  /**
   * The packets each peer's browser sent to the server and the server sent to it, with its
   * transports' states: whether media actually crosses the network. One request per producer
   * and consumer. Undefined once closed.
   */
  async traffic(): Promise<RoomTraffic | undefined> {
    return this._closed ? undefined : measuredTraffic(this.objects);
  }

  /** The figures known without asking the worker (scores, ICE, pause states); no request. */
  localFigures(): RoomFigures | undefined {
    return this._closed ? undefined : localFigures(this.objects);
  }

  /** Whether `peerId` sends live (unpaused) media of this kind. */
  isSending(peerId: string, kind: MediaKind): boolean {
    return [...this.objects.producers].some(
      (p) => !p.closed && !p.paused && p.kind === kind && peerIdOf(p.appData) === peerId,
    );
  }

  /**
   * A peer declares what it can receive. A peer that joins again (page reload, new engine) starts
   * over: its previous transports close, and with them its producers and consumers.
   * Answers the other peers' live producers.
   */
  /**
   * (Re)joins the room, starting this peer over: its transports are closed, but for those named
   * in `keep` that were prepared for it and never connected (`prepare`).
   */
  join(
    peerId: string,
    rtpCapabilities: RtpCapabilities,
    keep: readonly string[] = [],
  ): ProducerInfo[] {
    const peer = this.peer(peerId);
    for (const [id, { transport, connected }] of peer.transports) {
      if (connected || !keep.includes(id)) {
        transport.close();
        peer.transports.delete(id);
      }
    }
    peer.producers.clear();
    peer.consumers.clear();
    if (peer.rtpCapabilities) this.objects.emit('peerLeft', { peerId });
    peer.rtpCapabilities = rtpCapabilities as types.RtpCapabilities;
    this.objects.emit('peerJoined', { peerId });
    return [...this.peers.values()]
      .filter((p) => p.id !== peerId)
      .flatMap((p) => [...p.producers.values()].map((sent) => producerInfo(sent, p.id)));
  }

  /**
   * A send and a receive transport for a peer, made before it asks (when the call starts), so that
   * its client builds them as soon as it hears of the call; its join keeps them. The receive one
   * comes warmed up: its client has it connect at once, a round trip sooner than by asking.
   */
  async prepare(peerId: string): Promise<PreparedTransports> {
    const [send, { recv, warmUp }] = await Promise.all([
      this.createTransport(peerId, 'send'),
      this.createTransport(peerId, 'recv').then(async (recv) => ({
        recv,
        warmUp: await this.warmUp(peerId, recv.transportId),
      })),
    ]);
    return { send, recv, warmUp };
  }

  async createTransport(
    peerId: string,
    direction: Direction,
  ): Promise<ResponseOf<typeof mediaRequests.createTransport>> {
    const peer = this.peer(peerId);
    const existing = [...peer.transports.values()].filter((t) => t.direction === direction);
    if (existing.length >= MAX_TRANSPORTS_PER_DIRECTION) {
      throw new AppError('CONFLICT', `A ${direction} transport already exists for this call`);
    }
    const { enableUdp, enableTcp, initialAvailableOutgoingBitrate } = this.listen;
    const appData: PeerAppData = { peerId, direction };
    // UDP first when enabled: the worker ranks ICE candidates in the order of listenInfos.
    const listenInfos = (['udp', 'tcp'] as const)
      .filter((protocol) => (protocol === 'udp' ? enableUdp : enableTcp))
      .map((protocol) => ({
        protocol,
        ip: this.listen.listenIp,
        announcedAddress: this.listen.announcedIp,
      }));
    const common = {
      enableUdp,
      enableTcp,
      preferUdp: enableUdp,
      initialAvailableOutgoingBitrate,
      appData,
      // A receive transport carries an SCTP association too, for its warm-up (`warmUp`).
      enableSctp: direction === 'recv',
    };
    const transport = this.webRtcServer
      ? await this.router.createWebRtcTransport({ ...common, webRtcServer: this.webRtcServer })
      : await this.router.createWebRtcTransport({ ...common, listenInfos });
    this.assertOpen();
    peer.transports.set(transport.id, { transport, direction, connected: false });
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed')
        this.logger.warn({ peerId, transportId: transport.id, state }, 'DTLS state');
    });
    if (direction === 'recv') await this.followDownlink(peerId, transport);
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
    };
  }

  /**
   * A browser connects a receive transport (ICE, then DTLS) only when it consumes something on
   * it, which would wait for the far side's first producer. A data consumer of a data producer
   * nobody sends on, made at once, has it connect while the far side is still setting up: its
   * first picture then flows on a transport already connected. One per receive transport.
   */
  async warmUp(
    peerId: string,
    transportId: string,
  ): Promise<ResponseOf<typeof mediaRequests.warmUp>> {
    const entry = this.transport(peerId, transportId);
    if (entry.direction !== 'recv' || entry.warmed)
      throw new AppError('BAD_STATE', 'Only a receive transport is warmed up, once');
    entry.warmed = true;
    this.idleData ??= this.router
      .createDirectTransport()
      .then((direct) => direct.produceData({ label: 'warm-up' }));
    const dataProducer = await this.idleData;
    this.assertOpen();
    const consumer = await entry.transport.consumeData({ dataProducerId: dataProducer.id });
    return {
      dataConsumerId: consumer.id,
      dataProducerId: dataProducer.id,
      sctpStreamParameters: consumer.sctpStreamParameters ?? {},
      label: consumer.label,
      protocol: consumer.protocol,
    };
  }

  /**
   * The browser's own estimate covers only what it sends; what it can receive is known here, where
   * its media leaves: mediasoup's send-side estimate of the receive transport (it exists once a
   * video consumer is on it). Told to the room's owner so the far side's sender can fit its video
   * to it.
   */
  private async followDownlink(peerId: string, transport: types.WebRtcTransport): Promise<void> {
    transport.on('trace', (trace) => {
      if (trace.type !== 'bwe' || trace.direction !== 'out') return;
      const bitrate = (trace.info as { availableBitrate?: unknown }).availableBitrate;
      if (typeof bitrate === 'number' && Number.isFinite(bitrate) && bitrate > 0)
        this.emit('downlinkEstimate', { peerId, kbps: Math.round(bitrate / 1000) });
    });
    await transport.enableTraceEvent(['bwe']);
  }

  async connectTransport(
    peerId: string,
    transportId: string,
    dtlsParameters: DtlsParameters,
  ): Promise<void> {
    const entry = this.transport(peerId, transportId);
    if (entry.connected) throw new AppError('BAD_STATE', 'This transport is already connected');
    entry.connected = true;
    try {
      await invalidOnTypeError(() =>
        entry.transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters }),
      );
    } catch (error) {
      entry.connected = false;
      throw error;
    }
  }

  async produce(
    peerId: string,
    transportId: string,
    kind: MediaKind,
    rtpParameters: RtpParameters,
    source: MediaSource,
    paused = false,
  ): Promise<{ producerId: string }> {
    const peer = this.peer(peerId);
    const { transport, direction } = this.transport(peerId, transportId);
    if (direction !== 'send') throw new AppError('BAD_STATE', 'Produce on the send transport');
    if (peer.producers.size >= MAX_PRODUCERS)
      throw new AppError('CONFLICT', 'Too many tracks for this call');
    if ([...peer.producers.values()].some((p) => p.source === source)) {
      throw new AppError('CONFLICT', `A ${source} track is already being sent`);
    }
    if ((source === 'microphone') !== (kind === 'audio')) {
      throw new AppError('INVALID_INPUT', `A ${source} track cannot be of kind ${kind}`);
    }
    // mediasoup takes a "video" producer whose codecs are audio ones (and the reverse): the far
    // side would be handed a track that is not what it says.
    const foreign = rtpParameters.codecs.find(
      (c) => !c.mimeType.toLowerCase().startsWith(`${kind}/`),
    );
    if (foreign) {
      throw new AppError('INVALID_INPUT', `A ${kind} track cannot carry ${foreign.mimeType}`);
    }
    const appData: PeerAppData = { peerId, source };
    const producer = await invalidOnTypeError(() =>
      transport.produce({
        kind,
        rtpParameters: rtpParameters as types.RtpParameters,
        paused,
        appData,
      }),
    );
    this.assertOpen();
    const sent: SentProducer = { producer, source, pauseReason: paused ? 'user' : null };
    peer.producers.set(producer.id, sent);
    producer.observer.once('close', () => peer.producers.delete(producer.id));
    for (const other of this.peers.values()) {
      if (other.id !== peerId) void this.announce(sent, peerId, other);
    }
    return { producerId: producer.id };
  }

  /**
   * Tells `to` of a new producer, with a consumer made for it already when it can receive (it
   * joined and has a receive transport): its client builds it and resumes it, saving the
   * media:consume round trip on the way to the first picture. Not awaited by the producer's
   * answer.
   */
  private async announce(sent: SentProducer, peerId: string, to: MediaPeer): Promise<void> {
    let consumer: ConsumerOffer | undefined;
    try {
      consumer = await this.offer(to, sent);
    } catch (error) {
      // The peer asks with media:consume instead, and gets the reason then.
      this.logger.debug({ err: error, peerId: to.id }, 'no consumer offered');
    }
    if (this._closed || sent.producer.closed) return;
    this.emit('newProducer', { peerId, to: to.id, producer: producerInfo(sent, peerId), consumer });
  }

  private async offer(peer: MediaPeer, sent: SentProducer): Promise<ConsumerOffer | undefined> {
    const recv = [...peer.transports.values()].find((t) => t.direction === 'recv');
    const { rtpCapabilities } = peer;
    const producerId = sent.producer.id;
    if (!recv || !rtpCapabilities || this.consumerOf(peer, producerId)) return undefined;
    if (!this.router.canConsume({ producerId, rtpCapabilities })) return undefined;
    const params = await this.createConsumer(peer, recv.transport, sent, true);
    const mine = peer.consumers.get(params.consumerId);
    if (mine && this.consumerOf(peer, producerId) !== mine) {
      // The peer asked for it meanwhile (media:consume, after a join that listed it): one is enough.
      mine.consumer.close();
      return undefined;
    }
    return { ...params, transportId: recv.transport.id };
  }

  private consumerOf(peer: MediaPeer, producerId: string) {
    return [...peer.consumers.values()].find(({ consumer }) => consumer.producerId === producerId);
  }

  async consume(
    peerId: string,
    producerId: string,
  ): Promise<ResponseOf<typeof mediaRequests.consume>> {
    const peer = this.peer(peerId);
    if (!peer.rtpCapabilities)
      throw new AppError('BAD_STATE', 'Join the call media before consuming');
    const recv = [...peer.transports.values()].find((t) => t.direction === 'recv');
    if (!recv) throw new AppError('BAD_STATE', 'Create a receive transport before consuming');
    const owner = [...this.peers.values()].find((p) => p.producers.has(producerId));
    if (!owner || owner.id === peerId)
      throw new AppError('NOT_FOUND', 'No such producer in this call');
    const existing = this.consumerOf(peer, producerId);
    if (existing && !existing.offered) {
      throw new AppError('CONFLICT', 'This producer is already consumed');
    }
    if (!this.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new AppError('BAD_STATE', 'The device cannot receive this track (codec mismatch)');
    }
    // The client did not take the consumer offered with media:newProducer (it missed the event,
    // or its receive transport was not the one): this one replaces it.
    existing?.consumer.close();
    return this.createConsumer(peer, recv.transport, owner.producers.get(producerId)!, false);
  }

  private async createConsumer(
    peer: MediaPeer,
    transport: types.WebRtcTransport,
    { producer, source }: SentProducer,
    offered: boolean,
  ): Promise<ResponseOf<typeof mediaRequests.consume>> {
    const peerId = peer.id;
    const producerId = producer.id;
    // Paused until the client has set up its side and acks with resumeConsumer: no media is lost
    // before the browser can render it, and the first video frame is a fresh keyframe.
    const appData: PeerAppData = { peerId, source };
    const consumer = await transport.consume({
      producerId,
      rtpCapabilities: peer.rtpCapabilities!,
      paused: true,
      appData,
    });
    this.assertOpen();
    const from = peerIdOf(producer.appData) ?? '';
    peer.consumers.set(consumer.id, { consumer, source, transport, offered, from });
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      consumer.close();
      this.emit('consumerClosed', { peerId, consumerId: consumer.id, producerId });
    });
    return {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind,
      source,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const entry = this.peer(peerId).consumers.get(consumerId);
    if (!entry) throw new AppError('NOT_FOUND', 'No such consumer in this call');
    const { consumer, transport } = entry;
    entry.offered = false;
    // Held (`holdCameras`): it resumes when the hold ends.
    if (this.isHeld(peerId, entry)) return;
    await consumer.resume();
    if (consumer.kind === 'video') this.askKeyFrameWhenDeliverable(consumer, transport);
  }

  /**
   * While either party's line is in audio + real-time text, no camera picture passes between
   * `between` (the kiosk and the advisor), whatever each browser believes of the other's mode:
   * their consumers of each other's camera are paused here, and those their clients had resumed
   * resume when the hold ends (mediasoup then asks for a keyframe). The clients hold their
   * cameras too, but each hears of the other's mode over the very line that is weak, seconds late
   * at worst, and meanwhile may send; the server hears of a mode first. Other peers (an
   * interpreter) are not held.
   */
  async holdCameras(held: boolean, between: readonly string[]): Promise<void> {
    this.cameraHold = held ? new Set(between) : new Set();
    const work: Promise<void>[] = [];
    for (const peer of this.peers.values())
      for (const entry of peer.consumers.values()) {
        // Not resumed by its client yet: resumeConsumer decides.
        if (entry.offered || entry.consumer.closed) continue;
        const { consumer } = entry;
        if (this.isHeld(peer.id, entry)) {
          if (!consumer.paused) work.push(consumer.pause());
        } else if (entry.source === 'camera' && consumer.paused) work.push(consumer.resume());
      }
    await Promise.all(work.map((w) => w.catch(() => undefined)));
  }

  /** Whether the server forwards this consumer of the peer now (resumed, and not held). */
  isForwarding(peerId: string, consumerId: string): boolean {
    const consumer = this.peers.get(peerId)?.consumers.get(consumerId)?.consumer;
    return !!consumer && !consumer.closed && !consumer.paused;
  }

  private isHeld(peerId: string, entry: { source: MediaSource; from: string }): boolean {
    return (
      entry.source === 'camera' && this.cameraHold.has(peerId) && this.cameraHold.has(entry.from)
    );
  }

  /**
   * mediasoup asks the sender for a keyframe when a consumer resumes, but a keyframe that reaches
   * the receiving transport before its DTLS handshake is over is lost, and the browser then waits
   * up to 3 s before asking again (measured in bench/call-setup). So ask again once the receiving
   * transport is connected, and once more shortly after, until the first picture is on screen.
   */
  private askKeyFrameWhenDeliverable(
    consumer: types.Consumer,
    transport: types.WebRtcTransport,
  ): void {
    const ask = () => {
      if (!consumer.closed && !consumer.paused) consumer.requestKeyFrame().catch(() => undefined);
    };
    const askSoon = () => {
      ask();
      setTimeout(ask, 300).unref();
    };
    if (transport.dtlsState === 'connected') return askSoon();
    const onState = (state: string) => {
      if (state !== 'connected' && state !== 'failed' && state !== 'closed') return;
      transport.off('dtlsstatechange', onState);
      if (state === 'connected') askSoon();
    };
    transport.on('dtlsstatechange', onState);
  }

  /**
   * Pauses or resumes one of the peer's producers, and tells each peer consuming it why. A paused
   * producer paused again with another reason (a device being re-opened that gave up) is told
   * again: mediasoup itself says nothing then, so the room tells, not the consumers' events.
   */
  async setProducerPaused(
    peerId: string,
    producerId: string,
    paused: boolean,
    reason: PauseReason = 'user',
  ): Promise<void> {
    const entry = this.peer(peerId).producers.get(producerId);
    if (!entry) throw new AppError('NOT_FOUND', 'No such producer in this call');
    const pauseReason = paused ? reason : null;
    if (paused) await entry.producer.pause();
    else await entry.producer.resume();
    if (entry.pauseReason === pauseReason || entry.producer.closed) return;
    entry.pauseReason = pauseReason;
    this.emit('sourcePaused', { peerId, source: entry.source, reason: pauseReason });
    for (const other of this.peers.values()) {
      if ([...other.consumers.values()].some(({ consumer }) => consumer.producerId === producerId))
        this.emit('producerPaused', { peerId: other.id, producerId, paused, reason: pauseReason });
    }
  }

  closeProducer(peerId: string, producerId: string): void {
    const entry = this.peer(peerId).producers.get(producerId);
    if (!entry) throw new AppError('NOT_FOUND', 'No such producer in this call');
    entry.producer.close();
  }

  async restartIce(
    peerId: string,
    transportId: string,
  ): Promise<Omit<ResponseOf<typeof mediaRequests.restartIce>, 'iceServers'>> {
    const { transport } = this.transport(peerId, transportId);
    return { iceParameters: await transport.restartIce() };
  }

  counts(): MediaCounts {
    let transports = 0;
    let producers = 0;
    let consumers = 0;
    for (const p of this.peers.values()) {
      transports += p.transports.size;
      producers += p.producers.size;
      consumers += p.consumers.size;
    }
    return { transports, producers, consumers };
  }

  close(): void {
    this.closeInternal('closed');
  }

  private closeInternal(reason: MediaRoomCloseReason): void {
    if (this._closed) return;
    this._closed = true;
    if (!this.router.closed) this.router.close();
    for (const p of this.peers.values()) {
      p.transports.clear();
      p.producers.clear();
      p.consumers.clear();
      if (p.rtpCapabilities) this.objects.emit('peerLeft', { peerId: p.id });
    }
    this.logger.debug({ reason }, 'media room closed');
    this.objects.emit('close', { reason });
    this.emit('closed', { reason });
  }

  private assertOpen(): void {
    // The call may go on in another room (call:mediaRestart) or be over (call:ended).
    if (this._closed)
      throw AppError.withReason('BAD_STATE', 'media_room_closed', 'This media room is closed');
  }

  private peer(peerId: string): MediaPeer {
    this.assertOpen();
    const peer = this.peers.get(peerId);
    if (!peer) throw new AppError('FORBIDDEN', 'Not a participant of this call');
    return peer;
  }

  private transport(peerId: string, transportId: string) {
    const entry = this.peer(peerId).transports.get(transportId);
    if (!entry) throw new AppError('NOT_FOUND', 'No such transport in this call');
    return entry;
  }
}

function producerInfo(
  { producer, source, pauseReason }: SentProducer,
  peerId: string,
): ProducerInfo {
  return {
    peerId,
    producerId: producer.id,
    kind: producer.kind,
    source,
    paused: producer.paused,
    pauseReason: producer.paused ? (pauseReason ?? 'user') : null,
  };
}

/**
 * mediasoup rejects invalid or unsupported parameters (TypeError, UnsupportedError) and the
 * worker rejects inconsistent ones (e.g. a duplicate SSRC): those are the client's fault. A closed
 * object (InvalidStateError) means the call moved on.
 */
async function invalidOnTypeError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    if (error.name === 'InvalidStateError')
      throw new AppError('BAD_STATE', 'The call media is closed');
    throw new AppError('INVALID_INPUT', error.message);
  }
}
