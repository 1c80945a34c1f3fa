import type { Page } from 'playwright-core';

/** The kiosk's base text size: nothing a citizen can see may be smaller. */
const BASE_FONT_PX = 24;

/**
 * Every visible element that holds text of its own and is drawn below the base size, as
 * "selector (size px): text". Visually hidden text (1 px clip) is for screen readers only.
 */
export function textBelowBase(page: Page): Promise<string[]> {
  return page.evaluate((base) => {
    const found: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const text = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!text) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < base - 0.01) {
        const name = `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
        found.push(`${name} (${size} px): ${text.slice(0, 40)}`);
      }
    }
    return found;
  }, BASE_FONT_PX);
}
