import { describe, expect, it } from 'vitest';
import { hiddenGroups, type Margin } from '../../../server/src/reporting/SmallGroups';

// The small-group rule on hand-made tables: which groups are hidden, and that no total shown
// has exactly one hidden member (it would give that member away by subtraction).

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

function givesOneAway(hidden: Set<string>, margins: readonly Margin[]): Margin[] {
  return margins.filter(
    (m) => !hidden.has(m.total) && m.members.filter((x) => hidden.has(x)).length === 1,
  );
}

describe('hiddenGroups', () => {
  it('hides every group under the minimum, zero included, and nothing else when safe', () => {
    const c = counts({ a: 0, b: 4, c: 5, d: 9, total: 18 });
    const margins = [{ total: 'total', members: ['a', 'b', 'c', 'd'] }];
    expect([...hiddenGroups(c, margins, 5)].sort()).toEqual(['a', 'b']);
  });

  it('hides the smallest shown member when a total has exactly one hidden member', () => {
    // total 20 − 7 − 9 = 4 would give b away: the next smallest (c, 7) goes too.
    const c = counts({ b: 4, c: 7, d: 9, total: 20 });
    const margins = [{ total: 'total', members: ['b', 'c', 'd'] }];
    const hidden = hiddenGroups(c, margins, 5);
    expect([...hidden].sort()).toEqual(['b', 'c']);
    expect(givesOneAway(hidden, margins)).toEqual([]);
  });

  it('hides a total that is its hidden member alone', () => {
    const c = counts({ x: 6, total: 6, grand: 30, y: 24 });
    const margins = [
      { total: 'total', members: ['x'] },
      { total: 'grand', members: ['total', 'y'] },
      { total: 'grand', members: ['x', 'y'] },
    ];
    // x is shown (6 ≥ 5): nothing to hide.
    expect(hiddenGroups(c, margins, 5).size).toBe(0);
    // With x at 3, x is hidden, then its one-member total, then y (grand − total would give it).
    const small = counts({ x: 3, total: 3, grand: 27, y: 24 });
    const hidden = hiddenGroups(small, margins, 5);
    expect([...hidden].sort()).toEqual(['total', 'x', 'y']);
    expect(givesOneAway(hidden, margins)).toEqual([]);
  });

  it('settles across crossing totals (rows and columns of a table)', () => {
    // A 3 × 3 table, its row totals, column totals and the grand total.
    const cells: Record<string, number> = {
      r1c1: 12,
      r1c2: 3,
      r1c3: 20,
      r2c1: 8,
      r2c2: 15,
      r2c3: 6,
      r3c1: 9,
      r3c2: 11,
      r3c3: 2,
    };
    const rows = ['r1', 'r2', 'r3'];
    const cols = ['c1', 'c2', 'c3'];
    const all = { ...cells } as Record<string, number>;
    for (const r of rows) all[r] = cols.reduce((s, c) => s + cells[`${r}${c}`]!, 0);
    for (const c of cols) all[c] = rows.reduce((s, r) => s + cells[`${r}${c}`]!, 0);
    all.total = Object.values(cells).reduce((s, n) => s + n, 0);
    const margins: Margin[] = [
      ...rows.map((r) => ({ total: r, members: cols.map((c) => `${r}${c}`) })),
      ...cols.map((c) => ({ total: c, members: rows.map((r) => `${r}${c}`) })),
      { total: 'total', members: rows },
      { total: 'total', members: cols },
    ];
    const hidden = hiddenGroups(counts(all), margins, 5);
    expect(hidden.has('r1c2')).toBe(true);
    expect(hidden.has('r3c3')).toBe(true);
    expect(givesOneAway(hidden, margins)).toEqual([]);
  });
});
