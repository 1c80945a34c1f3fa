/**
 * The server's "now" in integration tests: the real time plus an offset a test moves forward,
 * so that a lockout lifts or a window closes at once instead of after a sleep. Timers still run
 * on real time; only what the server reads as "now" moves.
 */
export class TestClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
