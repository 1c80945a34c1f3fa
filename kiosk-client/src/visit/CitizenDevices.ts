import {
  acquireLocalMedia,
  LocalMediaError,
  stopLocalMedia,
  type LocalMediaErrorReason,
} from '@visio/shared/client';
import { Store } from '@visio/shared/ui';

export interface CitizenDevicesState {
  /** Camera + microphone: opened for the device check and the waiting room, used by the call. */
  readonly stream: MediaStream | null;
  readonly problem: LocalMediaErrorReason | null;
}

/**
 * The camera and microphone of the citizen being served. Open from the check-in to the end of the
 * call, never between two citizens.
 */
export class CitizenDevices {
  readonly store = new Store<CitizenDevicesState>({ stream: null, problem: null });
  private request: Promise<MediaStream | null> | null = null;
  /** Whether the devices should be open now; a late getUserMedia answer is dropped otherwise. */
  private wanted = false;

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
        for (const track of stream.getTracks()) {
          track.addEventListener('ended', () => this.store.set({ problem: 'NOT_FOUND' }));
        }
        this.store.set({ stream, problem: null });
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
    stopLocalMedia(this.store.get().stream);
    this.store.set({ stream: null, problem: null });
  }
}
