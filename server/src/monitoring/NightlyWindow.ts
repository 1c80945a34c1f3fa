import { localParts, parseClock } from '@visio/shared/time';

/**
 * The nightly test window, in each site's local time ("02:00-05:00"; it may run over midnight,
 * "23:00-04:00"). One window is one night: a night is named by the local date on which its window
 * opened, so that a kiosk is tested once per night whatever the time zones and clock changes.
 */
export class NightlyWindow {
  private constructor(
    readonly fromMinutes: number,
    readonly toMinutes: number,
  ) {}

  /** "HH:MM-HH:MM", start and end different; anything else is refused. */
  static parse(text: string): NightlyWindow {
    const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(text.trim());
    const from = m ? parseClock(m[1]!) : Number.NaN;
    const to = m ? parseClock(m[2]!) : Number.NaN;
    if (Number.isNaN(from) || Number.isNaN(to) || from === to || from === 24 * 60)
      throw new Error(`"${text}" is not a window such as 02:00-05:00`);
    return new NightlyWindow(from, to);
  }

  /** The night (YYYY-MM-DD of the window's opening, local) the instant falls in; null outside. */
  nightOf(instant: Date, timeZone: string): string | null {
    const p = localParts(instant, timeZone);
    const wraps = this.fromMinutes > this.toMinutes;
    if (!wraps) return p.minutes >= this.fromMinutes && p.minutes < this.toMinutes ? day(p) : null;
    if (p.minutes >= this.fromMinutes) return day(p);
    if (p.minutes >= this.toMinutes) return null;
    // After midnight: the night opened on the previous local day (two hours before midnight
    // is the previous day whatever a clock change did to the night).
    return day(localParts(new Date(instant.getTime() - (p.minutes + 120) * 60_000), timeZone));
  }
}

function day(p: { year: number; month: number; day: number }): string {
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
