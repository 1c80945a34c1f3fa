/**
 * One worker's CPU load, measured: the share of one core its process used over the last
 * `windowMs`, from readings of its CPU time (user + system, as the worker's resource usage gives
 * it). 1 is a full core, which is all a mediasoup worker (one thread) can use.
 */
export class CpuLoadMeter {
  /** Readings, oldest first: the first one is at or before the window's start. */
  private readonly readings: { atMs: number; cpuMs: number }[] = [];

  constructor(private readonly windowMs: number) {}

  /** A reading taken at `atMs` (a monotonic clock) of the CPU time used so far. */
  record(atMs: number, cpuMs: number): void {
    const last = this.readings.at(-1);
    // A respawned worker starts from zero: its readings start over.
    if (last && (cpuMs < last.cpuMs || atMs < last.atMs)) this.readings.length = 0;
    this.readings.push({ atMs, cpuMs });
    while (this.readings.length > 2 && this.readings[1]!.atMs <= atMs - this.windowMs)
      this.readings.shift();
  }

  /**
   * The load over the window, or null until readings span half of it (a worker just started, or
   * a pool without a health probe, has no figure: it is not judged).
   */
  get load(): number | null {
    const first = this.readings[0];
    const last = this.readings.at(-1);
    if (!first || !last || last.atMs - first.atMs < this.windowMs / 2) return null;
    return Math.max(0, (last.cpuMs - first.cpuMs) / (last.atMs - first.atMs));
  }

  reset(): void {
    this.readings.length = 0;
  }
}

/**
 * The load a worker will have once the rooms placed on it lately carry their media (a room's
 * media starts a moment after the room, and the meter looks a second back): its measured load,
 * plus as much again per recent room as the average room costs now. Recent rooms already
 * carrying media are counted twice, which errs on the side of refusing during a burst only.
 */
export function projectedLoad(measured: number, rooms: number, recentRooms: number): number {
  if (rooms <= 0 || recentRooms <= 0) return measured;
  return measured + (measured / rooms) * Math.min(recentRooms, rooms);
}
