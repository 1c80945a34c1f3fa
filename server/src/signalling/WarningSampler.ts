import type { Logger } from 'pino';

/** How long one kind of warning stays quiet after it was logged, per socket. */
const DEFAULT_WINDOW_MS = 60_000;

/**
 * The warnings one socket causes (unknown messages, missing acknowledgements, refusals), logged
 * by sample: the first of each kind in a window is logged, the rest are only counted, and the
 * count is logged when the next window opens or the socket goes. A client flooding bad messages
 * then adds a few lines to the log, not one per message.
 */
export class WarningSampler {
  private readonly kinds = new Map<string, { since: number; suppressed: number }>();

  constructor(
    private readonly log: () => Logger,
    private readonly windowMs = DEFAULT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  warn(message: string, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    const kind = this.kinds.get(message);
    if (kind && now - kind.since < this.windowMs) {
      kind.suppressed += 1;
      return;
    }
    if (kind) this.report(message, kind.suppressed);
    this.kinds.set(message, { since: now, suppressed: 0 });
    this.log().warn(fields, message);
  }

  /** Logs what was counted and not logged yet (the socket is going). */
  flush(): void {
    for (const [message, kind] of this.kinds) this.report(message, kind.suppressed);
    this.kinds.clear();
  }

  private report(message: string, suppressed: number): void {
    if (suppressed > 0)
      this.log().warn({ suppressed, windowMs: this.windowMs }, `${message} (repeats not logged)`);
  }
}
