import {
  acquireLocalMedia,
  DEFAULT_MEDIA_CONSTRAINTS,
  LocalMediaError,
  stopLocalMedia,
  TypedEmitter,
  type DeviceSource,
  type LocalMediaErrorReason,
} from '@visio/shared/client';
import { Store } from '@visio/shared/ui';

/** A device of the open pair: working, gone and being opened again, or gone for good. */
export type DeviceHealth = 'ok' | 'recovering' | 'lost';

export interface CitizenDevicesState {
  /** Camera + microphone: opened for the device check and the waiting room, used by the call. */
  readonly stream: MediaStream | null;
  readonly problem: LocalMediaErrorReason | null;
  readonly camera: DeviceHealth;
  readonly microphone: DeviceHealth;
}

export interface CitizenDevicesEvents extends Record<string, unknown> {
  /** A device stopped (its track ended): it is being opened again. */
  trackLost: { readonly source: DeviceSource };
  /** A device came back (its new track, now in `stream`) or is gone for good (null). */
  trackChanged: { readonly source: DeviceSource; readonly track: MediaStreamTrack | null };
}

/**
 * When a device's track ends (unplugged, driver reset), it is opened again at once, then after
 * these waits: about 7 s in all, long enough for a cable put back, short enough that the call
 * goes on without it (audio only, or text only) rather than hanging.
 */
export const DEVICE_RECOVERY_DELAYS_MS: readonly number[] = [0, 500, 1_000, 2_000, 4_000];

const SOURCE_OF_KIND: Record<string, DeviceSource> = { video: 'camera', audio: 'microphone' };

/**
 * The camera and microphone of the citizen being served. Open from the check-in to the end of the
 * call, never between two citizens. A device that fails meanwhile is opened again by itself (see
 * DEVICE_RECOVERY_DELAYS_MS), and whoever sends its track is told (`trackChanged`).
 */
export class CitizenDevices extends TypedEmitter<CitizenDevicesEvents> {
  readonly store = new Store<CitizenDevicesState>({
    stream: null,
    problem: null,
    camera: 'ok',
    microphone: 'ok',
  });
  private request: Promise<MediaStream | null> | null = null;
  /** Whether the devices should be open now; a late getUserMedia answer is dropped otherwise. */
  private wanted = false;
  /** Bumped by release(): a recovery started for an earlier citizen stops. */
  private generation = 0;

  /** The devices if they are open and running. */
  live(): MediaStream | null {
    const { stream } = this.store.get();
    return stream?.getTracks().some((t) => t.readyState === 'live') ? stream : null;
  }

  /** Opens camera + microphone (once); a later call retries if they were missing. */
  want(): Promise<MediaStream | null> {
    this.wanted = true;
    const live = this.live();
    if (live) return Promise.resolve(live);
    this.request ??= acquireLocalMedia()
      .then((stream) => {
        if (!this.wanted) {
          // The citizen left while the camera was opening.
          stopLocalMedia(stream);
          return null;
        }
        for (const track of stream.getTracks()) this.watch(track);
        this.store.set({ stream, problem: null, camera: 'ok', microphone: 'ok' });
        return stream;
      })
      .catch((error: unknown) => {
        const reason = error instanceof LocalMediaError ? error.reason : 'UNKNOWN';
        this.store.set({ problem: reason });
        return null;
      })
      .finally(() => {
        this.request = null;
      });
    return this.request;
  }

  /** Between citizens the camera and microphone are off. */
  release(): void {
    this.wanted = false;
    this.generation += 1;
    stopLocalMedia(this.store.get().stream);
    this.store.set({ stream: null, problem: null, camera: 'ok', microphone: 'ok' });
  }

  private watch(track: MediaStreamTrack): void {
    track.addEventListener('ended', () => void this.recover(track));
  }

  /** Opens the ended track's device again, within the recovery delays, or lets it go. */
  private async recover(ended: MediaStreamTrack): Promise<void> {
    const source = SOURCE_OF_KIND[ended.kind];
    const generation = this.generation;
    const stillOurs = () =>
      this.wanted &&
      generation === this.generation &&
      (this.store.get().stream?.getTracks().includes(ended) ?? false);
    if (!source || !stillOurs() || this.store.get()[source] === 'recovering') return;
    this.store.set({ [source]: 'recovering' });
    this.emit('trackLost', { source });
    const constraints: MediaStreamConstraints =
      source === 'camera'
        ? { video: DEFAULT_MEDIA_CONSTRAINTS.video ?? true }
        : { audio: DEFAULT_MEDIA_CONSTRAINTS.audio ?? true };
    for (const delay of DEVICE_RECOVERY_DELAYS_MS) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (!stillOurs()) return;
      let fresh: MediaStream;
      try {
        fresh = await acquireLocalMedia(constraints);
      } catch {
        continue; // still unplugged, or held by the driver being reset
      }
      const track = fresh.getTracks()[0];
      if (!track || !stillOurs()) {
        stopLocalMedia(fresh);
        if (track) return;
        continue;
      }
      this.swap(source, ended, track);
      return;
    }
    if (stillOurs()) this.swap(source, ended, null);
  }

  /** The stream without the ended track, with its replacement if any: a new stream object. */
  private swap(
    source: DeviceSource,
    ended: MediaStreamTrack,
    track: MediaStreamTrack | null,
  ): void {
    const others = (this.store.get().stream?.getTracks() ?? []).filter((t) => t !== ended);
    ended.stop();
    if (track) this.watch(track);
    const stream = new MediaStream(track ? [...others, track] : others);
    this.store.set({
      stream,
      [source]: track ? 'ok' : 'lost',
      ...(track ? {} : { problem: 'NOT_FOUND' as const }),
    });
    this.emit('trackChanged', { source, track });
  }
}
