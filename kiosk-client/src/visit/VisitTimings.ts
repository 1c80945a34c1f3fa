/** How long the visit's delayed transitions wait. */
export interface VisitTimings {
  /** Without a touch on a screen where a citizen left something, the "still there?" warning. */
  readonly idleMs: number;
  /** The warning's countdown, in seconds, before everything is reset. */
  readonly warningSeconds: number;
}

export const DEFAULT_TIMINGS: VisitTimings = { idleMs: 120_000, warningSeconds: 20 };

/** `?idle=<seconds>` and `?idleWarning=<seconds>` (tools and tests) override the defaults. */
export function timingsFromQuery(search: string): VisitTimings {
  const query = new URLSearchParams(search);
  const seconds = (name: string) => {
    const value = Number(query.get(name));
    return Number.isFinite(value) && value > 0 ? value : null;
  };
  const idle = seconds('idle');
  const warning = seconds('idleWarning');
  return {
    idleMs: idle === null ? DEFAULT_TIMINGS.idleMs : idle * 1000,
    warningSeconds: warning === null ? DEFAULT_TIMINGS.warningSeconds : Math.ceil(warning),
  };
}
