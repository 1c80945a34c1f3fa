import type { LineCondition } from '../../test/support/LineImpairment';

// The line conditions of issue 11, item 6, and the run's windows, from the environment.

const KBPS = [2000, 1000, 500, 250, 120] as const;
const LOSS_PCT = [0, 2, 5] as const;

/**
 * Every case, in the order they run: the cap falls, and within a cap the loss rises, so each case
 * is at most as good a line as the one before and the bandwidth estimate only has to come down
 * during a settle (coming back up is what `recovery` measures, once, at the end).
 */
export const ALL_CASES: readonly LineCondition[] = KBPS.flatMap((kbps) =>
  LOSS_PCT.map((lossPct) => ({ kbps, lossPct })),
);

/** The line once it comes back, for `recovery`. */
export const GOOD_LINE: LineCondition = { kbps: 2000, lossPct: 0 };

/** `NETWORK_CASES=500/2,120/5` (kbit/s / loss %): a subset, run in the order of ALL_CASES. */
export function selectedCases(value: string | undefined): LineCondition[] {
  if (value === undefined || value.trim() === '') return [...ALL_CASES];
  const wanted = value.split(',').map((item) => item.trim());
  const name = (c: LineCondition) => `${c.kbps}/${c.lossPct}`;
  const unknown = wanted.filter((item) => !ALL_CASES.some((c) => name(c) === item));
  if (unknown.length > 0)
    throw new Error(
      `NETWORK_CASES: unknown ${unknown.join(', ')} (known: ${ALL_CASES.map(name).join(', ')})`,
    );
  return ALL_CASES.filter((c) => wanted.includes(name(c)));
}

/** A positive number of seconds from the environment, or the default. */
export function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`expected a positive number of seconds, got ${value}`);
  return n;
}
