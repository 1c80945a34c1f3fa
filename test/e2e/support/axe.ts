import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
let axeSource: string | null = null;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.x A/AA rules, best practices, label in name) on the page as it is now. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  // The kiosk's CSP (script-src 'self') refuses an injected <script> tag (addScriptTag); a
  // DevTools evaluation is not subject to it.
  if (!(await page.evaluate(() => 'axe' in window))) {
    axeSource ??= fs.readFileSync(AXE_PATH, 'utf8');
    await page.evaluate(axeSource);
  }
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      resultTypes: ['violations'],
      // Experimental in axe, so off by default: a control whose visible words are not in its
      // name (WCAG 2.5.3) is what an independent audit found on the staff "Kiosks" page.
      rules: { 'label-content-name-mismatch': { enabled: true } },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Only what blocks people: serious and critical. */
export function blocking(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n'),
    )
    .join('\n');
}

/** axe-core on the page as it is: no serious or critical violation (`what` names it on failure). */
export async function expectNoBlockingViolations(page: Page, what: string): Promise<void> {
  const found = blocking(await runAxe(page));
  expect(found, `${what}:\n${describeViolations(found)}`).toEqual([]);
}
