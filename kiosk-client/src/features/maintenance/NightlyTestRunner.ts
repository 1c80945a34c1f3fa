import { NightlyTester, Store, type SignallingClient } from '@visio/shared/client';
import {
  kioskNightlyTestEvents,
  kioskNightlyTestRequests,
  type LinkPath,
} from '@visio/shared/protocol';

/** A touch or a key this recently means someone may be at the kiosk: the test waits. */
const RECENT_INTERACTION_MS = 120_000;

export interface NightlyTestState {
  readonly running: boolean;
  /** The path being tested now. */
  readonly path: LinkPath | null;
  /** The test pattern coming back through the server (shown small, muted). */
  readonly looped: MediaStream | null;
}

export interface NightlyTestHost {
  /** Nobody is using the kiosk: it shows its welcome screen, in service and online. */
  idle(): boolean;
  /** The screen shown changed (the technician console hears it at once). */
  changed(): void;
}

/**
 * Runs the nightly test call when the server asks and the kiosk is idle (welcome screen, nobody
 * touched it for a while), else declines. While it runs, the kiosk shows a maintenance screen
 * from which anyone may take the kiosk back at once (the test stops).
 */
export class NightlyTestRunner {
  readonly store = new Store<NightlyTestState>({ running: false, path: null, looped: null });
  private tester: NightlyTester | null = null;
  private lastInteractionAt = -Infinity;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly host: NightlyTestHost) {
    const touched = () => {
      this.lastInteractionAt = performance.now();
    };
    for (const type of ['pointerdown', 'keydown'] as const) {
      window.addEventListener(type, touched, { capture: true, passive: true });
      this.cleanups.push(() => window.removeEventListener(type, touched, { capture: true }));
    }
  }

  get running(): boolean {
    return this.store.get().running;
  }

  listen(signalling: SignallingClient): void {
    this.cleanups.push(
      signalling.on(kioskNightlyTestEvents.asked, () => void this.onAsked(signalling)),
    );
  }

  /** Someone wants to use the kiosk: the test stops at once. */
  stop(): void {
    this.tester?.abort();
  }

  close(): void {
    this.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private async onAsked(signalling: SignallingClient): Promise<void> {
    if (this.running) return;
    const reason = !this.host.idle()
      ? 'busy'
      : performance.now() - this.lastInteractionAt < RECENT_INTERACTION_MS
        ? 'recent_interaction'
        : typeof HTMLCanvasElement.prototype.captureStream !== 'function' ||
            typeof AudioContext !== 'function'
          ? 'unsupported'
          : null;
    if (reason) {
      await signalling.request(kioskNightlyTestRequests.decline, { reason }).catch(() => undefined);
      return;
    }
    const tester = new NightlyTester(signalling, {
      path: (path) => this.store.set({ path }),
      looped: (looped) => this.store.set({ looped }),
    });
    this.tester = tester;
    this.store.set({ running: true, path: null, looped: null });
    this.host.changed();
    try {
      await tester.run();
    } catch (error) {
      console.warn('nightly test ended early', error);
    } finally {
      this.tester = null;
      this.store.set({ running: false, path: null, looped: null });
      this.host.changed();
    }
  }
}
