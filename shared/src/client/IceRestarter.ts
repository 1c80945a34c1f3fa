/** How hard to try to bring a lost transport back before declaring the media failed. */
export interface IceRestartPolicy {
  /** Wait before the first restart: a short 'disconnected' often heals by itself. */
  readonly firstDelayMs: number;
  /** Each further wait doubles, up to this cap. */
  readonly maxDelayMs: number;
  /** Restarts tried before giving up. */
  readonly maxAttempts: number;
}

export const DEFAULT_ICE_RESTART_POLICY: IceRestartPolicy = {
  firstDelayMs: 1_000,
  maxDelayMs: 10_000,
  maxAttempts: 6,
};

/** The wait before restart number `attempt` (0-based), and before the final verdict. */
export function iceRestartDelayMs(policy: IceRestartPolicy, attempt: number): number {
  return Math.min(policy.firstDelayMs * 2 ** attempt, policy.maxDelayMs);
}

export interface IceRestarterOptions {
  readonly policy: IceRestartPolicy;
  /** Whether the transport is connected right now. */
  readonly isConnected: () => boolean;
  /** Asks the server for new ICE parameters and applies them to the transport. */
  readonly restart: () => Promise<void>;
  /** Called when recovery starts or stops (connected again, or given up). */
  readonly onRecoveringChange: (recovering: boolean) => void;
  readonly onGiveUp: () => void;
}

/**
 * Brings one transport back after its connection drops: waits, restarts ICE, waits longer,
 * restarts again… with exponential backoff, until the transport is connected again or the
 * attempts run out. A transient disconnect never ends the call by itself.
 */
export class IceRestarter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private recovering = false;
  private gaveUp = false;
  private closed = false;

  constructor(private readonly options: IceRestarterOptions) {}

  get isRecovering(): boolean {
    return this.recovering;
  }

  get hasGivenUp(): boolean {
    return this.gaveUp;
  }

  /** Feed every connection state change of the transport. */
  onConnectionStateChange(state: RTCPeerConnectionState): void {
    if (this.closed || this.gaveUp) return;
    if (state === 'connected') {
      this.stop();
    } else if ((state === 'disconnected' || state === 'failed') && !this.recovering) {
      this.recovering = true;
      this.attempt = 0;
      this.options.onRecoveringChange(true);
      this.schedule();
    }
  }

  /** Try now rather than at the end of the current wait (e.g. signalling just came back). */
  retryNow(): void {
    if (this.closed || !this.recovering || this.timer === undefined) return;
    this.clearTimer();
    void this.tick();
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  private stop(): void {
    this.clearTimer();
    if (!this.recovering) return;
    this.recovering = false;
    this.attempt = 0;
    this.options.onRecoveringChange(false);
  }

  private schedule(): void {
    this.clearTimer();
    this.timer = setTimeout(
      () => void this.tick(),
      iceRestartDelayMs(this.options.policy, this.attempt),
    );
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.closed || !this.recovering) return;
    if (this.options.isConnected()) {
      this.stop();
      return;
    }
    if (this.attempt >= this.options.policy.maxAttempts) {
      this.gaveUp = true;
      this.recovering = false;
      // Give-up first, so that observers never see "not recovering" read as "healthy".
      this.options.onGiveUp();
      this.options.onRecoveringChange(false);
      return;
    }
    this.attempt += 1;
    try {
      await this.options.restart();
    } catch {
      // The signalling socket may be down too; the next attempt will try again.
    }
    if (this.closed || !this.recovering) return;
    this.schedule();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
