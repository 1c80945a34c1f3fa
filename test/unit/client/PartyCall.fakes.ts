import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import {
  CallStats,
  NO_CALL_STREAMS,
  PartyCall,
  SignallingClient,
  TypedEmitter,
  type CallSession,
  type CallSessionEvents,
  type CallSessionOptions,
  type CallSessionState,
  type CallAnnouncement,
  type CallStatsSummary,
  type DeviceSource,
  type LocalMuted,
  type PartyCallEnd,
  type PartyCallOptions,
  type PartyCallProblem,
} from '@visio/shared/client';
import { AppError, type CallStarted, type ErrorCode, type MediaMode } from '@visio/shared/protocol';

type Listener = (...args: unknown[]) => void;
type Answer =
  { ok: true; data: unknown } | { ok: false; error: { code: ErrorCode; message: string } };

/**
 * The server end of a socket.io socket, in memory: the edge PartyCall's unit tests stand in for
 * (the real SignallingClient runs over it, schemas and acknowledgements included). Requests are
 * answered by `answer`, recorded in `requests`; events are pushed with `emit`.
 */
export class FakeServer {
  readonly requests: { name: string; data: Record<string, unknown> }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly answers = new Map<string, (data: Record<string, unknown>) => Answer>();
  readonly socket: Socket;
  readonly signalling: SignallingClient;

  constructor() {
    const listeners = this.listeners;
    const fake = {
      connected: true,
      on(event: string, listener: Listener) {
        let set = listeners.get(event);
        if (!set) listeners.set(event, (set = new Set()));
        set.add(listener);
        return fake;
      },
      off(event: string, listener: Listener) {
        listeners.get(event)?.delete(listener);
        return fake;
      },
      timeout: () => ({
        emitWithAck: async (name: string, data: Record<string, unknown>) => {
          this.requests.push({ name, data });
          const answer = this.answers.get(name);
          return answer ? answer(data) : { ok: true, data: {} };
        },
      }),
    };
    this.socket = fake as unknown as Socket;
    this.signalling = new SignallingClient(this.socket);
  }

  /** How the server answers requests of this name from now on (default: `{ ok: true, data: {} }`). */
  answer(name: string, reply: (data: Record<string, unknown>) => Answer): void {
    this.answers.set(name, reply);
  }

  refuse(name: string, code: ErrorCode, reason?: string): void {
    this.answer(name, () => ({
      ok: false,
      error: { code, message: code, ...(reason ? { reason } : {}) },
    }));
  }

  /** An event from the server (or socket.io's own `connect`). */
  emit(event: string, payload?: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload);
  }

  /** Listeners on the socket, all events together: what a closed call must leave as it found. */
  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }

  sent(name: string): Record<string, unknown>[] {
    return this.requests.filter((r) => r.name === name).map((r) => r.data);
  }
}

/** The media engine stand-in: WebRTC does not exist outside a browser. */
export class FakeMedia extends TypedEmitter<CallSessionEvents> {
  readonly options: CallSessionOptions;
  closed = false;
  started = false;
  muted: LocalMuted;
  failToggles = false;
  statsRead = 0;
  failure: AppError | null = null;
  /** What replaceTrack() was given, in order. */
  readonly replaced: { source: DeviceSource; track: MediaStreamTrack | null }[] = [];
  /** The screen being shared, as startScreenShare() left it. */
  screen: MediaStreamTrack | null = null;
  /** What setPeerAudioText() was told, in order. */
  readonly peerAudioText: boolean[] = [];

  constructor(options: CallSessionOptions) {
    super();
    this.options = options;
    this.muted = {
      microphone: options.initialMuted?.microphone ?? false,
      camera: options.initialMuted?.camera ?? false,
    };
  }

  get callId(): string {
    return this.options.callId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get epoch(): number {
    return this.options.mediaEpoch;
  }

  get localMuted(): LocalMuted {
    return this.muted;
  }

  get failedWith(): AppError | null {
    return this.failure;
  }

  get sharedScreenTrack(): MediaStreamTrack | null {
    return this.closed ? null : this.screen;
  }

  async startScreenShare(track: MediaStreamTrack): Promise<void> {
    this.screen = track;
  }

  async replaceTrack(source: DeviceSource, track: MediaStreamTrack | null): Promise<void> {
    this.replaced.push({ source, track });
  }

  /** What the real session does when it cannot go on: says why, then 'failed'. */
  fail(code: ErrorCode, reason?: string): void {
    this.failure = reason ? AppError.withReason(code, reason, code) : new AppError(code, code);
    this.emit('state', 'failed');
  }

  async start(): Promise<void> {
    this.started = true;
  }

  /** The fake's join is answered at once, unless the test holds it (`holdJoin`). */
  private joined: Promise<void> = Promise.resolve();
  holdJoin(): () => void {
    let answer!: () => void;
    this.joined = new Promise((resolve) => (answer = resolve));
    return answer;
  }
  whenJoined(): Promise<void> {
    return this.joined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('state', 'closed');
    this.removeAllListeners();
  }

  async getStats(): Promise<CallStatsSummary> {
    this.statsRead += 1;
    return new CallStats().summarise(null, null, NO_CALL_STREAMS);
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    if (this.failToggles) throw new Error('toggle refused');
    this.muted = { ...this.muted, microphone: muted };
  }

  async setCameraOff(off: boolean): Promise<void> {
    if (this.failToggles) throw new Error('toggle refused');
    this.muted = { ...this.muted, camera: off };
  }

  async setPeerAudioText(on: boolean): Promise<void> {
    this.peerAudioText.push(on);
  }

  /** What the real session emits when its degradation policy switches its line's mode. */
  switchesTo(mode: MediaMode): void {
    this.emit('mediaMode', mode);
  }

  /** What the real session emits as its transports come and go. */
  becomes(state: CallSessionState): void {
    this.emit('state', state);
  }
}

/** A factory that keeps every media it made, for the test to drive. */
export function fakeMediaFactory() {
  const made: FakeMedia[] = [];
  const create = (options: CallSessionOptions) => {
    const media = new FakeMedia(options);
    made.push(media);
    return media as unknown as CallSession;
  };
  return { made, create };
}

export function callStarted(peerName = 'Camille Martin'): CallStarted {
  return {
    callId: randomUUID(),
    kioskId: randomUUID(),
    advisorId: randomUUID(),
    peerName,
    appointmentId: null,
    // Valid as the schema wants it: the same message may come again from the server in a test.
    rtpCapabilities: {
      codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }],
      headerExtensions: [],
    },
    mediaEpoch: 0,
  };
}

/** A camera and microphone as far as PartyCall cares: an object handed to the media. */
export const LOCAL_STREAM = { id: 'local' } as unknown as MediaStream;

/** A call as an app makes it (not started), with everything it tells the app recorded. */
export function recordedPartyCall(
  server: FakeServer,
  media: ReturnType<typeof fakeMediaFactory>,
  options: Partial<PartyCallOptions> = {},
) {
  const call = new PartyCall({
    signalling: server.signalling,
    call: callStarted(),
    party: 'kiosk',
    token: 'device-token',
    localMedia: () => LOCAL_STREAM,
    createMedia: media.create,
    ...options,
  });
  const announced: CallAnnouncement[] = [];
  const ended: PartyCallEnd[] = [];
  const problems: PartyCallProblem[] = [];
  call.on('announce', (a) => announced.push(a));
  call.on('ended', (e) => ended.push(e));
  call.on('problem', (p) => problems.push(p));
  return { call, announced, ended, problems, keys: () => announced.map((a) => a.key) };
}
