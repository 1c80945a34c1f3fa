import type { types as ms } from 'mediasoup-client';
import type { MediaKind, MediaSource, PauseReason, ProducerInfo } from '../protocol';

/** Whether the far side has paused (muted) its microphone / turned its camera off, and why. */
export interface RemoteMuted {
  readonly audio: boolean;
  readonly video: boolean;
  /** Why each is paused (null while it is not): a device lost is not the person's choice. */
  readonly audioReason: PauseReason | null;
  readonly videoReason: PauseReason | null;
}

interface RemoteProducer {
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly source: MediaSource;
  paused: boolean;
  pauseReason: PauseReason | null;
  consumer: ms.Consumer | null;
  /** Its consumer was closed by the server (the producer went away): never consume it again. */
  gone: boolean;
}

/**
 * The far side's producers as this client knows them, and the consumers receiving them.
 * Each producer is admitted once, however many times it is announced (join answer and
 * media:newProducer may race), so it is consumed once.
 */
export class RemoteMedia {
  private readonly producers = new Map<string, RemoteProducer>();
  private stream = new MediaStream();
  private muted: RemoteMuted = { audio: false, video: false, audioReason: null, videoReason: null };
  private screen: MediaStream | null = null;

  /** True the first time a producer is seen: the caller should consume it. */
  admit(info: ProducerInfo): boolean {
    if (this.producers.has(info.producerId)) return false;
    this.producers.set(info.producerId, {
      producerId: info.producerId,
      kind: info.kind,
      source: info.source,
      paused: info.paused,
      pauseReason: info.paused ? (info.pauseReason ?? 'user') : null,
      consumer: null,
      gone: false,
    });
    return true;
  }

  /** Forget a producer whose consumption failed, so a later announcement may retry it. */
  forget(producerId: string): void {
    const producer = this.producers.get(producerId);
    if (producer && !producer.consumer) this.producers.delete(producerId);
  }

  /** Attach the local consumer; false if the producer went away meanwhile (close the consumer). */
  attach(producerId: string, consumer: ms.Consumer, producerPaused: boolean): boolean {
    const producer = this.producers.get(producerId);
    if (!producer || producer.gone) return false;
    producer.consumer = consumer;
    // The reason told last still holds if it is paused; a pause not told yet is taken as a choice.
    if (producerPaused !== producer.paused) producer.pauseReason = producerPaused ? 'user' : null;
    producer.paused = producerPaused;
    return true;
  }

  setPaused(producerId: string, paused: boolean, reason: PauseReason | null = null): void {
    const producer = this.producers.get(producerId);
    if (!producer) return;
    producer.paused = paused;
    producer.pauseReason = paused ? (reason ?? 'user') : null;
  }

  /** The server closed the consumer of this producer: drop its track. */
  remove(producerId: string): void {
    const producer = this.producers.get(producerId);
    if (!producer) return;
    producer.gone = true;
    producer.consumer?.close();
    producer.consumer = null;
  }

  consumers(): ms.Consumer[] {
    return [...this.producers.values()].flatMap((p) => (p.consumer ? [p.consumer] : []));
  }

  /** The consumer receiving the far side's current camera or microphone, if any. */
  consumerOf(source: 'camera' | 'microphone'): ms.Consumer | null {
    const consumer = this.latest(source)?.consumer;
    return consumer && !consumer.closed ? consumer : null;
  }

  closeAll(): void {
    for (const producer of this.producers.values()) {
      producer.consumer?.close();
      producer.consumer = null;
    }
    this.producers.clear();
    this.screen = null;
  }

  /**
   * The stream to play: the far side's current microphone and camera tracks. A new MediaStream
   * object whenever the set of tracks changes, so a view can simply re-bind `srcObject`.
   */
  currentStream(): { stream: MediaStream; changed: boolean } {
    const tracks = this.callTracks();
    const before = this.stream.getTracks();
    const same = before.length === tracks.length && tracks.every((t) => before.includes(t));
    if (!same) this.stream = new MediaStream(tracks);
    return { stream: this.stream, changed: !same };
  }

  currentMuted(): { muted: RemoteMuted; changed: boolean } {
    const next: RemoteMuted = {
      audio: this.isPaused('microphone'),
      video: this.isPaused('camera'),
      audioReason: this.pauseReasonOf('microphone'),
      videoReason: this.pauseReasonOf('camera'),
    };
    const changed =
      next.audio !== this.muted.audio ||
      next.video !== this.muted.video ||
      next.audioReason !== this.muted.audioReason ||
      next.videoReason !== this.muted.videoReason;
    if (changed) this.muted = next;
    return { muted: this.muted, changed };
  }

  /**
   * The far side's shared screen, apart from the call stream so a view can show it beside the
   * face; null while they share nothing. A new object when the shared track changes.
   */
  currentScreen(): { stream: MediaStream | null; changed: boolean } {
    const consumer = this.latest('screen')?.consumer;
    const track = consumer && !consumer.closed ? consumer.track : null;
    const before = this.screen?.getVideoTracks()[0] ?? null;
    if (track === before) return { stream: this.screen, changed: false };
    this.screen = track ? new MediaStream([track]) : null;
    return { stream: this.screen, changed: true };
  }

  private callTracks(): MediaStreamTrack[] {
    const tracks: MediaStreamTrack[] = [];
    for (const source of ['microphone', 'camera'] as const) {
      const consumer = this.latest(source)?.consumer;
      if (consumer && !consumer.closed) tracks.push(consumer.track);
    }
    return tracks;
  }

  private isPaused(source: MediaSource): boolean {
    return this.latest(source)?.paused ?? false;
  }

  private pauseReasonOf(source: MediaSource): PauseReason | null {
    const producer = this.latest(source);
    return producer?.paused ? producer.pauseReason : null;
  }

  /** The newest live producer of a source (a re-published camera replaces the old one). */
  private latest(source: MediaSource): RemoteProducer | undefined {
    let found: RemoteProducer | undefined;
    for (const producer of this.producers.values()) {
      if (producer.source === source && !producer.gone) found = producer;
    }
    return found;
  }
}
