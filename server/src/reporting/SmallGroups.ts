/** A total and the groups it adds up (a site's total and its months × services, …). */
export interface Margin {
  total: string;
  members: readonly string[];
}

/**
 * Which groups to hide so that no count under `minSize` can be read or worked out:
 * - primary: every group under `minSize` (zero included);
 * - secondary: where a shown total has exactly one hidden member, the total minus the shown
 *   members would give it away, so the smallest shown member is hidden too; repeated until no
 *   total gives one away (each round only hides more, so it ends).
 * `counts` maps each group's key to its count; margins name keys of `counts`.
 */
export function hiddenGroups(
  counts: ReadonlyMap<string, number>,
  margins: readonly Margin[],
  minSize: number,
): Set<string> {
  const hidden = new Set([...counts].filter(([, n]) => n < minSize).map(([key]) => key));
  for (let changed = true; changed;) {
    changed = false;
    for (const { total, members } of margins) {
      if (hidden.has(total)) continue;
      if (members.filter((m) => hidden.has(m)).length !== 1) continue;
      const next = members
        .filter((m) => !hidden.has(m))
        .sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0) || a.localeCompare(b))[0];
      // A total with one member hidden and none shown is that member: hide the total.
      hidden.add(next ?? total);
      changed = true;
    }
  }
  return hidden;
}
