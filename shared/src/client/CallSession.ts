import type { types as ms } from 'mediasoup-client';
import { loadDevice, loadedDevice } from './MediasoupDevices';
import {
  AppError,
  mediaEvents,
  mediaRequests,
  type AnyRequestDef,
  type CallStarted,
  type IceServers,
  type Id,
  type MediaMode,
  type MediaSource,
  type PauseReason,
  type PayloadOf,
  type ProducerInfo,
  type RequestOf,
  type ResponseOf,
  type WarmUp,
} from '../protocol';
import { CallStats, type CallStatsSummary, type CallStreams } from './CallStats';
import { DegradationController } from './DegradationController';
import {
  LIP_READING_FLOOR_RUNG,
  VIDEO_LADDER,
  rungDegradationPreference,
  rungEncoding,
  type DegradationPolicyOptions,
  type VideoTarget,
} from './DegradationPolicy';
import { DEFAULT_ICE_RESTART_POLICY, IceRestarter, type IceRestartPolicy } from './IceRestarter';
import { RemoteMedia, type RemoteMuted } from './RemoteMedia';
import { isErrorCode, type SignallingClient } from './SignallingClient';
import { TypedEmitter } from './TypedEmitter';

export type CallSessionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** What this side sends, as the user set it. */
export interface LocalMuted {
  readonly microphone: boolean;
  readonly camera: boolean;
}

export interface CallSessionEvents extends Record<string, unknown> {
  state: CallSessionState;
  remoteStream: MediaStream;
  /**
   * A three-way call: the microphone and camera of each party other than the far side (the
   * interpreter; for the interpreter, the advisor), by peer id. A new map when one changes.
   */
  peerStreams: ReadonlyMap<string, MediaStream>;
  /** The far side's shared screen; null when they stop sharing. */
  remoteScreen: MediaStream | null;
  /** Whether this side is sharing its screen (false again when the share ends, for any reason). */
  screenSharing: boolean;
  remoteMuted: RemoteMuted;
  localMuted: LocalMuted;
  /** Something went wrong that the user may need to hear about; the session carries on. */
  error: AppError;
  /** This side's line switched to audio + real-time text (its camera paused), or back to video. */
  mediaMode: MediaMode;
}

export interface CallSessionOptions {
  readonly signalling: SignallingClient;
  readonly callId: Id;
  /** Owned by the caller: the session sends clones of its tracks and never stops the originals. */
  readonly localStream: MediaStream;
  /** Start with the microphone muted / the camera off. */
  readonly initialMuted?: Partial<LocalMuted>;
  readonly iceRestartPolicy?: IceRestartPolicy;
  /**
   * The router's RTP capabilities as `call:started` carries them: saves the
   * `media:routerCapabilities` round trip, and lets a Device loaded for an earlier call be reused.
   */
  readonly routerRtpCapabilities?: unknown;
  /** The media room this session joins (call:started / call:mediaRestart `mediaEpoch`). */
  readonly mediaEpoch: number;
  /**
   * Transports the server made for this participant when the call started (`call:started`
   * `media`): built at once, and kept by the join, instead of asked for after it.
   */
  readonly prepared?: CallStarted['media'];
  /**
   * The camera keeps 20 fps at QVGA or gives way to audio + text (the citizen's camera, and any
   * camera in a call flagged for lip-reading or sign language); otherwise its frame rate may fall
   * further first. Default true.
   */
  readonly keepLipReadable?: boolean;
  /**
   * Whether a peer is the far side (`remoteStream` is theirs), asked when its producer is
   * announced: producers of any other peer (an interpreter's) go to `peerStreams`. A predicate,
   * not an id: the kiosk's far side changes when the call is handed to a colleague. Absent: every
   * producer is the far side's.
   */
  readonly isMainPeer?: (peerId: string) => boolean;
  /** The other party's line is in audio + text already: the camera starts held. */
  readonly peerAudioText?: boolean;
  /** Overrides of the degradation policy's thresholds and hold times (tests, benchmarks). */
  readonly degradation?: Partial<DegradationPolicyOptions>;
}

/** What the user can mute, and what a device can take away (unplugged, driver reset). */
export type DeviceSource = 'microphone' | 'camera';
type MutableSource = DeviceSource;
type SendSource = MediaSource;

/**
 * One video layer is plenty for a face on a 1:1 call: the degradation policy moves it down the
 * ladder (resolution first, then frame rate) by `setParameters`, which a single layer makes cheap;
 * the SFU has nothing to choose between (docs/degradation.md: why not simulcast).
 */
const CAMERA_CODEC_OPTIONS: ms.ProducerCodecOptions = { videoGoogleStartBitrate: 600 };
/**
 * Audio first: the browser gives a 'high' priority stream its bitrate before video's, and marks
 * its packets for expedited forwarding where the network honours DSCP.
 */
const MICROPHONE_ENCODINGS: ms.RtpEncodingParameters[] = [
  { priority: 'high', networkPriority: 'high' },
];
/** Text and documents: sharpness before motion, a few frames per second are enough. */
const SCREEN_ENCODINGS: ms.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000, maxFramerate: 15 }];
/**
 * Opus for speech on a poor line: in-band FEC (a lost packet is rebuilt from the next one), DTX
 * (silence costs almost nothing), 20 ms packets, at most 32 kbit/s (wideband speech needs no more;
 * the degradation policy keeps room for it, headers included, before video gets any).
 */
const MICROPHONE_CODEC_OPTIONS: ms.ProducerCodecOptions = {
  opusStereo: false,
  opusFec: true,
  opusDtx: true,
  opusPtime: 20,
  opusMaxAverageBitrate: 32_000,
};

/**
 * The media side of one call, and the only code that touches mediasoup-client: loads the
 * Device, creates one send and one receive transport, sends camera and microphone, receives
 * each far-side producer exactly once, restarts ICE with backoff when the network drops, and
 * reports what the UI needs as typed events.
 *
 * Lifetime: `start()` once, `close()` when the call ends (idempotent). Closing releases every
 * transport, producer and consumer; it does not tell the server (hanging up is `call:hangup`).
 */
export class CallSession extends TypedEmitter<CallSessionEvents> {
  readonly callId: Id;
  private readonly signalling: SignallingClient;
  private readonly localStream: MediaStream;
  private readonly policy: IceRestartPolicy;
  private readonly remote = new RemoteMedia();
  /** The producers of peers other than the far side (a three-way call), by peer id. */
  private readonly others = new Map<string, RemoteMedia>();
  /** Whose RemoteMedia each producer is in. */
  private readonly owners = new Map<string, RemoteMedia>();
  private readonly isMainPeer: ((peerId: string) => boolean) | undefined;
  private publishedPeers: ReadonlyMap<string, MediaStream> = new Map();
  private readonly stats = new CallStats();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly restarters: IceRestarter[] = [];
  private readonly producers = new Map<SendSource, ms.Producer>();
  private readonly routerRtpCapabilities: unknown;
  private readonly mediaEpoch: number;
  private readonly prepared: CallStarted['media'];
  /** The screen track being shared (owned by the caller), while a share is wanted. */
  private screenTrack: MediaStreamTrack | null = null;
  /** Clones of the caller's tracks that the producers send; ours to stop. */
  private readonly sentTracks: MediaStreamTrack[] = [];
  /** Producers announced before the receive transport existed. */
  private readonly pendingProducers: ProducerInfo[] = [];
  /** Consumers the server made already, announced with their producer (media:newProducer). */
  private readonly offeredConsumers = new Map<string, ConsumerOffer>();

  private device: ms.Device | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private startPromise: Promise<void> | null = null;
  private signalJoined: () => void = () => undefined;
  private readonly joinedPromise = new Promise<void>((resolve) => {
    this.signalJoined = resolve;
  });
  private setupDone = false;
  private everConnected = false;
  private failed = false;
  private closed = false;
  private currentState: CallSessionState = 'connecting';
  private muted: LocalMuted;
  /** Sources whose device is gone: nothing is sent and the far side sees them paused. */
  private readonly missing = new Set<DeviceSource>();
  private failure: AppError | null = null;
  private publishedStream: MediaStream;
  private publishedMuted: RemoteMuted;
  private publishedScreen: MediaStream | null = null;
  private readonly degradation: DegradationController;
  /** Whether the far side was last told the camera is held for the line. */
  private producerHeld = false;
  /** The other party's line is in audio + text: the camera is held (its line must not get video). */
  private peerAudioText: boolean;

  constructor(options: CallSessionOptions) {
    super();
    this.signalling = options.signalling;
    this.callId = options.callId;
    this.localStream = options.localStream;
    this.policy = options.iceRestartPolicy ?? DEFAULT_ICE_RESTART_POLICY;
    this.routerRtpCapabilities = options.routerRtpCapabilities;
    this.mediaEpoch = options.mediaEpoch;
    this.prepared = options.prepared;
    this.isMainPeer = options.isMainPeer;
    this.muted = {
      microphone: options.initialMuted?.microphone ?? false,
      camera: options.initialMuted?.camera ?? false,
    };
    this.publishedStream = this.remote.currentStream().stream;
    this.publishedMuted = this.remote.currentMuted().muted;
    this.peerAudioText = options.peerAudioText ?? false;
    const floorRung =
      options.keepLipReadable === false ? VIDEO_LADDER.length - 1 : LIP_READING_FLOOR_RUNG;
    this.degradation = new DegradationController(
      {
        readSendStats: () => this.readSendStats(),
        apply: (target) => this.applyCameraTarget(target),
        sendsOtherwise: () => this.cameraSendsOtherwise(),
      },
      (mode) => {
        if (!this.closed) this.emit('mediaMode', mode);
      },
      { ...options.degradation, floorRung },
    );
  }

  get state(): CallSessionState {
    return this.currentState;
  }

  /** The far side's current microphone and camera tracks; a new object when they change. */
  get remoteStream(): MediaStream {
    return this.publishedStream;
  }

  /** The other peers' microphone and camera (a three-way call), by peer id. */
  get peerStreams(): ReadonlyMap<string, MediaStream> {
    return this.publishedPeers;
  }

  /** The far side's shared screen, or null when they are not sharing. */
  get remoteScreenStream(): MediaStream | null {
    return this.publishedScreen;
  }

  get isScreenSharing(): boolean {
    return this.screenTrack !== null;
  }

  get remoteMuted(): RemoteMuted {
    return this.publishedMuted;
  }

  get localMuted(): LocalMuted {
    return this.muted;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The media room this session joined. */
  get epoch(): number {
    return this.mediaEpoch;
  }

  /** Why the session failed (its state is then 'failed'); null while it has not. */
  get failedWith(): AppError | null {
    return this.failure;
  }

  /** What this side's line carries now, as its degradation policy decided. */
  get mediaMode(): MediaMode {
    return this.degradation.mode;
  }

  /**
   * The other party's line switched to audio + text (true) or back to video: this camera is held
   * meanwhile (the far side is told it is paused) so the weak line receives no video either.
   */
  async setPeerAudioText(on: boolean): Promise<void> {
    if (this.closed || this.peerAudioText === on) return;
    this.peerAudioText = on;
    await this.applyCameraTarget(this.degradation.target);
  }

  /** The screen track being shared (owned by the caller), so a rebuilt session can share it again. */
  get sharedScreenTrack(): MediaStreamTrack | null {
    return this.screenTrack;
  }

  /**
   * Sets up media. Resolves once the transports exist, the local tracks are sent and the
   * producers already live on the far side are received; rejects with an AppError (and the
   * state becomes 'failed') if the call cannot be set up. Resolves quietly if closed meanwhile.
   */
  start(): Promise<void> {
    this.startPromise ??= this.setup()
      .catch((error: unknown) => {
        if (this.closed) return;
        const appError = toAppError(error);
        this.fail(appError);
        throw appError;
      })
      .finally(() => this.signalJoined());
    return this.startPromise;
  }

  /**
   * Settles once this side's media:join is answered, or its setup ended without one (never
   * rejects): what else an app asks for at call start can wait for it, since the server answers a
   * socket's requests in turn and the far side's first picture waits on the join.
   */
  whenJoined(): Promise<void> {
    return this.joinedPromise;
  }

  /** Mute or unmute the microphone: stops sending at once, then tells the server. */
  setMicrophoneMuted(muted: boolean): Promise<void> {
    return this.setSourcePaused('microphone', muted);
  }

  /** Turn the camera off or on: stops sending at once, then tells the server. */
  setCameraOff(off: boolean): Promise<void> {
    return this.setSourcePaused('camera', off);
  }

  /**
   * The device behind a source changed: a re-acquired camera or microphone (`track`, owned by the
   * caller like the local stream: a clone is sent), or none that works (`null`: nothing is sent
   * and the far side is told the source is paused, so it shows the camera as off rather than a
   * frozen picture). The user's own mute or camera-off wish is kept either way.
   */
  /**
   * The device behind a source stopped (its track ended) and is being opened again: nothing is
   * sent meanwhile, and the far side is told why (`device_lost`), so that it says "unavailable"
   * rather than "off". `replaceTrack` follows with the device back, or with none.
   */
  async deviceLost(source: DeviceSource): Promise<void> {
    if (this.closed) return;
    const producer = this.producers.get(source);
    if (!producer || producer.closed || this.missing.has(source)) return;
    this.missing.add(source);
    producer.pause();
    if (!this.muted[source]) await this.tellServerPaused(producer, true, 'device_lost');
  }

  async replaceTrack(source: DeviceSource, track: MediaStreamTrack | null): Promise<void> {
    if (this.closed) throw new AppError('BAD_STATE', 'The call session is closed');
    const producer = this.producers.get(source);
    if (!producer || producer.closed) {
      // Never sent (no such device when the call started): send it now, once set up.
      if (track) {
        this.missing.delete(source);
        if (this.setupDone) await this.produce(source, track);
      } else this.missing.add(source);
      return;
    }
    const wasMissing = this.missing.has(source);
    const previous = producer.track;
    const clone = track ? track.clone() : null;
    try {
      await producer.replaceTrack({ track: clone });
    } catch (error) {
      clone?.stop();
      throw toAppError(error);
    }
    if (previous) this.forgetSentTrack(previous);
    if (clone) this.sentTracks.push(clone);
    if (this.closed) return;
    if (!clone) {
      this.missing.add(source);
      producer.pause();
      if (!this.muted[source]) await this.tellServerPaused(producer, true, 'device_missing');
      return;
    }
    this.missing.delete(source);
    if (wasMissing && !this.muted[source]) {
      producer.resume();
      if (!this.linkHolds(source)) await this.tellServerPaused(producer, false);
    }
  }

  /**
   * Share a screen (a `getDisplayMedia()` video track, owned by the caller: the session never
   * stops it). Replaces a share in progress. Resolves once the far side can receive it.
   */
  async startScreenShare(track: MediaStreamTrack): Promise<void> {
    if (this.closed) throw new AppError('BAD_STATE', 'The call session is closed');
    if (this.screenTrack === track) return;
    if (this.screenTrack) await this.stopScreenShare();
    this.screenTrack = track;
    this.emit('screenSharing', true);
    if (!this.setupDone) await this.start();
    // Stopped (or replaced) while the call was still being set up.
    if (this.screenTrack !== track || this.closed) return;
    await this.produce('screen', track);
    if (!this.producers.has('screen') && this.screenTrack === track) {
      this.screenTrack = null;
      if (!this.closed) this.emit('screenSharing', false);
    }
  }

  /** Stop sharing the screen; the far side's screen view closes. Idempotent. */
  async stopScreenShare(): Promise<void> {
    if (!this.screenTrack) return;
    this.screenTrack = null;
    const producer = this.producers.get('screen');
    this.producers.delete('screen');
    if (!this.closed) this.emit('screenSharing', false);
    if (!producer) return;
    producer.close();
    if (this.closed) return;
    try {
      await this.request(mediaRequests.closeProducer, {
        callId: this.callId,
        producerId: producer.id,
      });
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code !== 'NOT_FOUND') this.emit('error', appError);
    }
  }

  /** A compact summary per direction and kind; bitrates are measured since the previous call. */
  async getStats(): Promise<CallStatsSummary> {
    const read = (transport: ms.Transport | null) =>
      transport && !transport.closed
        ? transport.getStats().catch(() => null)
        : Promise.resolve(null);
    const [send, recv] = await Promise.all([read(this.sendTransport), read(this.recvTransport)]);
    return this.stats.summarise(send, recv, this.callStreams());
  }

  /** The camera and microphone streams, sent and received: the ones the figures are about. */
  private callStreams(): CallStreams {
    const sent = (source: DeviceSource) => {
      const producer = this.producers.get(source);
      return producer && !producer.closed ? { mid: producer.localId } : null;
    };
    const received = (source: DeviceSource) => {
      const consumer = this.remote.consumerOf(source);
      return consumer ? { mid: consumer.localId, trackId: consumer.track.id } : null;
    };
    return {
      outbound: { audio: sent('microphone'), video: sent('camera') },
      inbound: { audio: received('microphone'), video: received('camera') },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signalJoined();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const restarter of this.restarters.splice(0)) restarter.close();
    this.degradation.close();
    for (const producer of this.producers.values()) producer.close();
    this.producers.clear();
    this.screenTrack = null;
    this.remote.closeAll();
    for (const other of this.others.values()) other.closeAll();
    this.others.clear();
    this.owners.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    for (const track of this.sentTracks.splice(0)) track.stop();
    this.setState('closed');
    this.removeAllListeners();
  }

  // ---- setup ---------------------------------------------------------------------------

  private async setup(): Promise<void> {
    // Listen before joining: a producer may be announced while the join is in flight.
    this.listen();
    const callId = this.callId;

    const routerRtpCapabilities =
      this.routerRtpCapabilities ??
      (await this.request(mediaRequests.routerCapabilities, { callId })).rtpCapabilities;
    // Without waiting when it is loaded already (every call but a page's first): this side's
    // join, transports and first offers then start in the task that heard of the call, before
    // the app's render of the call screen, which runs in a microtask after that task.
    const device = loadedDevice(routerRtpCapabilities) ?? (await loadDevice(routerRtpCapabilities));
    if (this.closed) return;
    this.device = device;

    const prepared = this.prepared;
    const joined = this.request(mediaRequests.join, {
      callId,
      mediaEpoch: this.mediaEpoch,
      rtpCapabilities: device.recvRtpCapabilities as RequestOf<
        typeof mediaRequests.join
      >['rtpCapabilities'],
      ...(prepared ? { keep: [prepared.send.transportId, prepared.recv.transportId] } : {}),
    });
    joined.then(this.signalJoined, this.signalJoined);
    if (prepared) {
      // The transports came with call:started: both are built now and the receiving one starts
      // connecting (its requests leave after the join, which the server handles first, keeping
      // them); sending starts at once; consuming once the join answers which producers the far
      // side has.
      this.openReceiving(
        device,
        transportOptions(prepared.recv, prepared.iceServers),
        prepared.warmUp,
      );
      await Promise.all([
        this.startSending(device, transportOptions(prepared.send, prepared.iceServers)),
        joined.then(({ producers }) => this.consumeAll(producers)),
      ]);
      if (this.closed) return;
      this.setupDone = true;
      this.updateState();
      return;
    }
    // One round trip for all three: the server handles a socket's requests in order, so the
    // join (which starts this peer over) runs before the transports are created. Each direction
    // is set up as soon as its own answer arrives: the far side's first picture waits on our
    // video producer, which needs only the send transport (answered before the receive one).
    const sendAnswer = this.request(mediaRequests.createTransport, { callId, direction: 'send' });
    const recvAnswer = this.request(mediaRequests.createTransport, { callId, direction: 'recv' });
    // The join answers first (requests are handled in order), so waiting for its relay costs
    // the send direction nothing.
    await Promise.all([
      Promise.all([joined, sendAnswer]).then(([{ iceServers }, sendInfo]) =>
        this.startSending(device, transportOptions(sendInfo, iceServers)),
      ),
      Promise.all([joined, recvAnswer]).then(([{ producers, iceServers }, recvInfo]) =>
        this.startReceiving(device, producers, transportOptions(recvInfo, iceServers)),
      ),
    ]);
    if (this.closed) return;
    this.setupDone = true;
    this.updateState();
  }

  private async startSending(device: ms.Device, options: ms.TransportOptions): Promise<void> {
    if (this.closed) return;
    const callId = this.callId;
    this.sendTransport = this.wireTransport(device.createSendTransport(options));
    this.sendTransport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.request(mediaRequests.produce, {
        callId,
        transportId: options.id,
        kind,
        rtpParameters: rtpParameters as RequestOf<typeof mediaRequests.produce>['rtpParameters'],
        source: appData.source as SendSource,
        paused: appData.paused === true,
      }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
    // mediasoup-client negotiates one producer at a time: video first, so the far side's first
    // frame does not wait for the audio negotiation.
    const audio = this.localStream.getAudioTracks()[0];
    const video = this.localStream.getVideoTracks()[0];
    const work: Promise<void>[] = [];
    if (video && device.canProduce('video')) work.push(this.produce('camera', video));
    if (audio && device.canProduce('audio')) work.push(this.produce('microphone', audio));
    await Promise.all(work);
  }

  private async startReceiving(
    device: ms.Device,
    producers: ProducerInfo[],
    options: ms.TransportOptions,
  ): Promise<void> {
    if (this.closed) return;
    this.openReceiving(device, options);
    await this.consumeAll(producers);
  }

  /**
   * Builds the receive transport and has it connect now, before anything is consumed on it: with
   * the warm-up the server made with it (`prepared`), or one asked for.
   */
  private openReceiving(device: ms.Device, options: ms.TransportOptions, prepared?: WarmUp): void {
    if (this.closed) return;
    const transport = this.wireTransport(device.createRecvTransport(options));
    this.recvTransport = transport;
    if (!options.sctpParameters) return;
    // Best effort: without it, the transport connects at the first media consumer, as before.
    const warm = ({
      dataConsumerId,
      dataProducerId,
      sctpStreamParameters,
      label,
      protocol,
    }: WarmUp): Promise<unknown> | undefined =>
      transport.closed
        ? undefined
        : transport.consumeData({
            id: dataConsumerId,
            dataProducerId,
            sctpStreamParameters: sctpStreamParameters as ms.SctpStreamParameters,
            label,
            protocol,
          });
    // Made with the transport: consumed now, in this task (see setup).
    if (prepared) void Promise.resolve(warm(prepared)).catch(() => undefined);
    else
      this.request(mediaRequests.warmUp, { callId: this.callId, transportId: transport.id })
        .then(warm)
        .catch(() => undefined);
  }

  /** Consumes what the far side sends (video before audio: its picture is what the user waits for). */
  private async consumeAll(producers: ProducerInfo[]): Promise<void> {
    if (this.closed) return;
    for (const info of producers) this.announce(info);
    const pending = this.pendingProducers.splice(0);
    pending.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'video' ? -1 : 1));
    await Promise.all(pending.map((info) => this.consume(info.producerId)));
  }

  private listen(): void {
    const mine = (payload: { callId: string }) => payload.callId === this.callId && !this.closed;
    const onReconnect = () => {
      for (const restarter of this.restarters) restarter.retryNow();
    };
    this.signalling.socket.on('connect', onReconnect);
    this.unsubscribers.push(
      () => this.signalling.socket.off('connect', onReconnect),
      this.signalling.on(mediaEvents.newProducer, ({ consumer, ...info }) => {
        if (mine(info)) this.announce(info, consumer);
      }),
      this.signalling.on(mediaEvents.producerPaused, (payload) => {
        if (!mine(payload)) return;
        this.remoteOf(payload.producerId).setPaused(
          payload.producerId,
          payload.paused,
          payload.reason,
        );
        this.publishRemote();
      }),
      this.signalling.on(mediaEvents.consumerClosed, (payload) => {
        if (!mine(payload)) return;
        this.remoteOf(payload.producerId).remove(payload.producerId);
        this.publishRemote();
      }),
      this.signalling.on(mediaEvents.peerDownlink, (payload) => {
        if (mine(payload)) this.degradation.setPeerDownlink(payload.kbps);
      }),
    );
  }

  private wireTransport(transport: ms.Transport): ms.Transport {
    transport.on('connect', ({ dtlsParameters }, callback) => {
      // Go on at once: the server handles this socket's requests in order, and mediasoup takes a
      // producer or consumer on a transport not yet connected, so the first media:produce need
      // not wait a round trip for this answer. A refusal fails nothing by itself: the transport
      // then never connects, which the ICE restarter handles; it is reported.
      callback();
      this.request(mediaRequests.connectTransport, {
        callId: this.callId,
        transportId: transport.id,
        dtlsParameters,
      }).catch((error: unknown) => {
        if (!this.closed) this.emit('error', toAppError(error));
      });
    });
    const restarter = new IceRestarter({
      policy: this.policy,
      isConnected: () => transport.connectionState === 'connected',
      restart: async () => {
        // Offline, socket.io would buffer the request and replay it late, after newer ICE
        // parameters were applied; skip this attempt instead (retryNow() runs on reconnect).
        if (!this.signalling.socket.connected) throw new AppError('UNAVAILABLE', 'offline');
        let iceParameters: unknown;
        let iceServers: IceServers;
        try {
          ({ iceParameters, iceServers } = await this.request(mediaRequests.restartIce, {
            callId: this.callId,
            transportId: transport.id,
          }));
        } catch (error) {
          // The server no longer knows this transport (or call): retrying cannot help.
          if (error instanceof AppError && error.code === 'NOT_FOUND') this.fail(error);
          throw error;
        }
        if (!transport.closed) {
          // Relay candidates gathered by the restart authenticate with the credential minted now.
          await transport.updateIceServers({ iceServers });
          await transport.restartIce({ iceParameters: iceParameters as ms.IceParameters });
        }
      },
      onRecoveringChange: () => this.updateState(),
      onGiveUp: () =>
        this.fail(
          AppError.withReason(
            'UNAVAILABLE',
            'ice_failed',
            `The ${transport.direction} connection was lost`,
          ),
        ),
    });
    this.restarters.push(restarter);
    transport.on('connectionstatechange', (state) => {
      if (this.closed) return;
      restarter.onConnectionStateChange(state);
      this.updateState();
    });
    return transport;
  }

  // ---- sending -------------------------------------------------------------------------

  private async produce(source: SendSource, original: MediaStreamTrack): Promise<void> {
    const transport = this.sendTransport;
    const device = this.device;
    if (!transport || !device) return;
    const isScreen = source === 'screen';
    // Camera and microphone: clones, ours to stop. The screen track stays the caller's.
    const track = isScreen ? original : original.clone();
    if (!isScreen) this.sentTracks.push(track);
    const pausedAtStart = isScreen ? false : this.muted[source];
    const isVideo = source !== 'microphone';
    const codec = device.sendRtpCapabilities.codecs?.find(
      (c) => c.mimeType.toLowerCase() === (isVideo ? 'video/vp8' : 'audio/opus'),
    );
    // A face that talks or signs: the encoder keeps motion (frame rate) over detail.
    if (source === 'camera') track.contentHint = 'motion';
    const encodings =
      source === 'camera'
        ? [this.cameraEncoding(this.degradation.target)]
        : isScreen
          ? SCREEN_ENCODINGS
          : MICROPHONE_ENCODINGS;
    try {
      const producer = await transport.produce({
        track,
        ...(codec ? { codec } : {}),
        encodings,
        codecOptions: isVideo ? CAMERA_CODEC_OPTIONS : MICROPHONE_CODEC_OPTIONS,
        stopTracks: false,
        disableTrackOnPause: true,
        appData: { source, paused: pausedAtStart },
      });
      if (this.closed) {
        producer.close();
        return;
      }
      if (isScreen) {
        // Stopped or replaced while it was being negotiated.
        if (this.screenTrack !== original) {
          producer.close();
          await this.request(mediaRequests.closeProducer, {
            callId: this.callId,
            producerId: producer.id,
          }).catch(() => undefined);
          return;
        }
        this.producers.set(source, producer);
        // The browser's own "stop sharing" bar ends the track.
        producer.on('trackended', () => {
          if (this.screenTrack === original) void this.stopScreenShare();
        });
        return;
      }
      this.producers.set(source, producer);
      if (source === 'camera') await this.startDegradation(producer);
      // The user may have toggled while the producer was being created.
      const wanted = this.muted[source];
      if (wanted) producer.pause();
      const held = this.linkHolds(source);
      if (source === 'camera') this.producerHeld = held;
      if (wanted !== pausedAtStart || (held && !pausedAtStart))
        await this.tellServerPaused(producer, wanted || held);
    } catch (error) {
      if (!this.closed) this.emit('error', toAppError(error));
    }
  }

  private async setSourcePaused(source: MutableSource, paused: boolean): Promise<void> {
    if (this.closed || this.muted[source] === paused) return;
    this.muted = { ...this.muted, [source]: paused };
    this.emit('localMuted', this.muted);
    const producer = this.producers.get(source);
    // Not produced yet: produce() applies the wish when the producer exists. A missing device
    // stays paused whatever the wish; replaceTrack() applies it when the device is back.
    if (!producer || producer.closed || this.missing.has(source)) return;
    if (paused) producer.pause();
    else producer.resume();
    // Held for the line: the far side already sees it paused, and keeps seeing it so.
    if (this.linkHolds(source)) return;
    await this.tellServerPaused(producer, paused);
  }

  // ---- degradation ---------------------------------------------------------------------

  /** Whether the line holds this source (the camera, while either line is in audio + text). */
  private linkHolds(source: SendSource): boolean {
    return (
      source === 'camera' && (this.degradation.target.mode === 'audio_text' || this.peerAudioText)
    );
  }

  /** The camera sends apart from the policy: on, present, and not held for the other line. */
  private cameraSendsOtherwise(): boolean {
    const producer = this.producers.get('camera');
    return (
      !!producer &&
      !producer.closed &&
      !this.muted.camera &&
      !this.missing.has('camera') &&
      (!this.peerAudioText || this.ownLineAudioText())
    );
  }

  /**
   * This side's own line is in audio + text: its probes must go on whatever the far side's line
   * does. Held for the far side as well, a side that stopped probing its own line would wait for
   * the other to come back first, and the other for it: both lines in audio + text, neither
   * probing, video lost until the call ends (seen in CI: 84 s after the cap was lifted, the
   * kiosk's estimate back at 450 kbit/s, no probe). A probe sends to the server only: the far
   * side's consumer stays paused while either line is in audio + text.
   */
  private ownLineAudioText(): boolean {
    return this.degradation.target.mode === 'audio_text';
  }

  private cameraEncoding(target: VideoTarget): ms.RtpEncodingParameters {
    return {
      ...rungEncoding(target.rung, target.capKbps),
      active: target.send && (!this.peerAudioText || target.mode === 'audio_text'),
    };
  }

  private async startDegradation(producer: ms.Producer): Promise<void> {
    const sender = producer.rtpSender;
    try {
      if (sender) {
        const parameters = sender.getParameters();
        // Lip-reading and sign language need motion more than detail (EN 301 549 6.5), and
        // never less than QVGA: see rungDegradationPreference.
        parameters.degradationPreference = rungDegradationPreference(this.degradation.target.rung);
        await sender.setParameters(parameters);
      }
    } catch (error) {
      // A browser that refuses it still has contentHint 'motion'; the policy runs regardless.
      console.warn('degradationPreference not applied', error);
    }
    this.degradation.start();
  }

  private async readSendStats(): Promise<RTCStatsReport | null> {
    const transport = this.sendTransport;
    if (!transport || transport.closed) return null;
    return transport.getStats();
  }

  /**
   * Puts a target on the camera: its encoding (sent or not) on the sender, and whether the far
   * side sees it paused. The far side's view is paused whenever either line is in audio + text;
   * a probe sends to the server only (the server keeps the far side's consumer paused).
   */
  private async applyCameraTarget(target: VideoTarget): Promise<void> {
    const producer = this.producers.get('camera');
    if (!producer || producer.closed || this.closed) return;
    const sender = producer.rtpSender;
    try {
      if (sender) {
        const parameters = sender.getParameters();
        const [first, ...rest] = parameters.encodings;
        parameters.encodings = [{ ...first, ...this.cameraEncoding(target) }, ...rest];
        parameters.degradationPreference = rungDegradationPreference(target.rung);
        await sender.setParameters(parameters);
      }
    } catch (error) {
      // The encoder keeps its previous settings; the far side must still hear of a held camera.
      console.warn('camera encoding not applied', error);
    }
    const held = this.linkHolds('camera');
    if (this.producerHeld === held) return;
    this.producerHeld = held;
    // Muted or missing: the far side sees it paused already, and the user's wish decides the rest.
    if (this.muted.camera || this.missing.has('camera')) return;
    await this.tellServerPaused(producer, held);
  }

  private async tellServerPaused(
    producer: ms.Producer,
    paused: boolean,
    reason?: PauseReason,
  ): Promise<void> {
    await this.request(mediaRequests.setProducerPaused, {
      callId: this.callId,
      producerId: producer.id,
      paused,
      ...(reason ? { reason } : {}),
    });
  }

  // ---- receiving -----------------------------------------------------------------------

  /** The RemoteMedia a producer of `peerId` belongs in: the far side's, or another peer's. */
  private remoteFor(peerId: string | undefined): RemoteMedia {
    if (peerId === undefined || !this.isMainPeer || this.isMainPeer(peerId)) return this.remote;
    let other = this.others.get(peerId);
    if (!other) this.others.set(peerId, (other = new RemoteMedia()));
    return other;
  }

  private remoteOf(producerId: string): RemoteMedia {
    return this.owners.get(producerId) ?? this.remote;
  }

  private announce(info: ProducerInfo, offered?: ConsumerOffer): void {
    const remote = this.remoteFor(info.peerId);
    if (!remote.admit(info)) return;
    this.owners.set(info.producerId, remote);
    if (offered) this.offeredConsumers.set(info.producerId, offered);
    this.publishRemote();
    if (this.recvTransport) void this.consume(info.producerId);
    else this.pendingProducers.push(info);
  }

  private async consume(producerId: string): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || this.closed) return;
    const offered = this.offeredConsumers.get(producerId);
    this.offeredConsumers.delete(producerId);
    try {
      // The consumer the server made with the announcement, when it is on this very transport
      // (a reload or a media restart since would have replaced it); else ask for one.
      const answer =
        offered?.transportId === transport.id
          ? offered
          : await this.request(mediaRequests.consume, { callId: this.callId, producerId });
      if (this.closed) return;
      const consumer = await transport.consume({
        id: answer.consumerId,
        producerId: answer.producerId,
        kind: answer.kind,
        rtpParameters: answer.rtpParameters as ms.RtpParameters,
        // One stream id for audio and video lets the browser keep them in lip sync.
        streamId: `call-${this.callId}`,
      });
      const remote = this.remoteOf(producerId);
      if (this.closed || !remote.attach(producerId, consumer, answer.producerPaused)) {
        consumer.close();
        return;
      }
      // Resume at once: the server holds the flow until this ack, then sends a fresh keyframe.
      const resumed = this.request(mediaRequests.resumeConsumer, {
        callId: this.callId,
        consumerId: answer.consumerId,
      });
      this.publishRemote();
      await resumed;
    } catch (error) {
      if (this.closed) return;
      const appError = toAppError(error);
      // NOT_FOUND: the producer went away before we asked for it; nothing to receive.
      if (appError.code !== 'NOT_FOUND') {
        this.remoteOf(producerId).forget(producerId);
        this.emit('error', appError);
      }
      this.publishRemote();
    }
  }

  private publishRemote(): void {
    if (this.closed) return;
    const stream = this.remote.currentStream();
    if (stream.changed) {
      this.publishedStream = stream.stream;
      this.emit('remoteStream', stream.stream);
    }
    const muted = this.remote.currentMuted();
    if (muted.changed) {
      this.publishedMuted = muted.muted;
      this.emit('remoteMuted', muted.muted);
    }
    const screen = this.remote.currentScreen();
    if (screen.changed) {
      this.publishedScreen = screen.stream;
      this.emit('remoteScreen', screen.stream);
    }
    let peersChanged = false;
    const peers = new Map<string, MediaStream>();
    for (const [peerId, other] of this.others) {
      const current = other.currentStream();
      peersChanged ||= current.changed || !this.publishedPeers.has(peerId);
      peers.set(peerId, current.stream);
    }
    if (peersChanged) {
      this.publishedPeers = peers;
      this.emit('peerStreams', peers);
    }
  }

  // ---- state ---------------------------------------------------------------------------

  private updateState(): void {
    if (this.closed || this.failed) return;
    const states = [this.sendTransport, this.recvTransport].map((t) => t?.connectionState ?? 'new');
    const lost = states.some((s) => s === 'disconnected' || s === 'failed');
    if (lost || this.restarters.some((r) => r.isRecovering)) {
      this.setState('reconnecting');
      return;
    }
    if (!this.setupDone) return;
    // A transport still 'new' has nothing to carry yet (e.g. the far side sends nothing).
    const used = states.filter((s) => s !== 'new');
    const allConnected = used.length > 0 && used.every((s) => s === 'connected');
    if (allConnected) this.everConnected = true;
    // Once media flowed, a late first connection of the other transport is not a regression.
    this.setState(allConnected || this.everConnected ? 'connected' : 'connecting');
  }

  private forgetSentTrack(track: MediaStreamTrack): void {
    const index = this.sentTracks.indexOf(track);
    if (index < 0) return;
    this.sentTracks.splice(index, 1);
    track.stop();
  }

  private fail(error: AppError): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    this.failure = error;
    for (const restarter of this.restarters) restarter.close();
    this.emit('error', error);
    this.setState('failed');
  }

  private setState(next: CallSessionState): void {
    if (next === this.currentState) return;
    this.currentState = next;
    this.emit('state', next);
  }

  private async request<D extends AnyRequestDef>(
    def: D,
    data: RequestOf<D>,
  ): Promise<ResponseOf<D>> {
    if (this.closed) throw new AppError('BAD_STATE', 'The call session is closed');
    return this.signalling.request(def, data);
  }
}

interface TransportInfo {
  transportId: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  sctpParameters?: unknown;
}

/**
 * The SFU's own candidates, plus the TURN relay if the server has one. Policy "all" keeps relay a
 * fallback: ICE ranks relay candidates below host ones (RFC 8445 type preference), so an open
 * network or one that lets ICE-TCP through never selects the relay.
 */
function transportOptions(info: TransportInfo, iceServers: IceServers): ms.TransportOptions {
  return {
    id: info.transportId,
    iceParameters: info.iceParameters as ms.IceParameters,
    iceCandidates: info.iceCandidates as ms.IceCandidate[],
    dtlsParameters: info.dtlsParameters as ms.DtlsParameters,
    ...(info.sctpParameters ? { sctpParameters: info.sctpParameters as ms.SctpParameters } : {}),
    iceServers,
    iceTransportPolicy: 'all',
  };
}

type ConsumerOffer = NonNullable<PayloadOf<typeof mediaEvents.newProducer>['consumer']>;

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error && 'code' in error && isErrorCode(error.code)) {
    return new AppError(error.code, error.message);
  }
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  // mediasoup-client: UnsupportedError (browser), InvalidStateError (closed transport), …
  if (name === 'UnsupportedError')
    return AppError.withReason('UNAVAILABLE', 'unsupported', message);
  return new AppError('INTERNAL', message);
}
