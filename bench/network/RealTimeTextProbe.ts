import type { Page } from 'playwright-core';
import type { KioskPage } from '../../test/e2e/pages/KioskPage';

/** A keystroke whose text has not reached the advisor within this is counted as not delivered. */
const DELIVERY_TIMEOUT_MS = 10_000;
/**
 * Keystrokes are this far apart at least, as a citizen types on a touchscreen: the app sends a
 * draft at most every 100 ms (InCallDesk), and the probe measures the line, not that throttle.
 */
const KEYSTROKE_SPACING_MS = 1_000;
/** The letters typed, one a keystroke (keys of both layouts, no shift). */
const LETTERS = 'bonjourmadame';

/**
 * In the kiosk page: the `Date.now()` of every tap on an on-screen key, taken in the capture
 * phase, before the app's own handler. A string: see PageSampler's READ_PAGE.
 */
const WATCH_KEYS = `(() => {
  if (window.__keyTaps) return;
  window.__keyTaps = [];
  document.addEventListener('click', (event) => {
    const key = event.target.closest && event.target.closest('[data-testid^="kiosk-key-"]');
    if (key) window.__keyTaps.push({ at: Date.now(), key: key.getAttribute('data-testid') });
  }, true);
})()`;

/** In the advisor page: every text the citizen's live draft shows, with its `Date.now()`. */
const WATCH_DRAFT = `(() => {
  if (window.__draftLog) return;
  window.__draftLog = [];
  let last;
  const check = () => {
    const text = document.querySelector('[data-testid="chat-peer-draft"]')?.textContent ?? null;
    if (text !== last) {
      last = text;
      window.__draftLog.push({ at: Date.now(), text });
    }
  };
  new MutationObserver(check).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  check();
})()`;

interface Stamp {
  at: number;
}

export interface TextDelivery {
  /** Keystroke (tap on the kiosk's key) to the text shown on the advisor's page, per keystroke. */
  latenciesMs: number[];
  /** Keystrokes whose text did not show within the timeout. */
  undelivered: number;
}

/**
 * Real-time text latency as a citizen meets it: a tap on the kiosk's on-screen keyboard (the
 * app's real-time text, `chat:typing`) until the advisor's page shows the draft with that letter.
 * Both pages read the same machine clock. Between runs the draft is erased again.
 */
export class RealTimeTextProbe {
  private typed = '';

  constructor(
    private readonly kiosk: KioskPage,
    private readonly advisor: Page,
  ) {}

  async install(): Promise<void> {
    await this.kiosk.page.evaluate(WATCH_KEYS);
    await this.advisor.evaluate(WATCH_DRAFT);
  }

  /** Types one letter at a time until `until` (epoch ms) or `count` letters, whichever first. */
  async measure(count: number, until: number): Promise<TextDelivery> {
    const result: TextDelivery = { latenciesMs: [], undelivered: 0 };
    for (let i = 0; i < count && Date.now() < until; i++) {
      const started = Date.now();
      const letter = LETTERS[this.typed.length % LETTERS.length]!;
      const expected = this.typed + letter;
      const tapped = await this.tap(`kiosk-key-${letter}`);
      this.typed = expected;
      const shown = await this.shownAt(expected, tapped, DELIVERY_TIMEOUT_MS);
      if (shown === null) result.undelivered += 1;
      else result.latenciesMs.push(shown - tapped);
      const rest = started + KEYSTROKE_SPACING_MS - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
    return result;
  }

  /** Erases what was typed, and waits (bounded) until the advisor's page shows no draft. */
  async erase(): Promise<boolean> {
    if (this.typed.length === 0) return true;
    // The advisor's page showed an empty draft before anything was typed: only a later one counts.
    const from = Date.now();
    for (; this.typed.length > 0; this.typed = this.typed.slice(0, -1))
      await this.kiosk.byId('kiosk-key-erase').click();
    const cleared = await this.shownAt('', from, DELIVERY_TIMEOUT_MS);
    return cleared !== null;
  }

  /** Taps a key; returns when the page saw the tap. */
  private async tap(testId: string): Promise<number> {
    const before = await this.kioskTaps();
    await this.kiosk.byId(testId).click();
    const taps = await this.kioskTaps();
    const tap = taps.slice(before.length).at(-1);
    if (!tap) throw new Error(`the kiosk page saw no tap on ${testId}`);
    return tap.at;
  }

  private kioskTaps(): Promise<Stamp[]> {
    return this.kiosk.page.evaluate('window.__keyTaps ?? []') as Promise<Stamp[]>;
  }

  /** When the advisor's page first showed `text` at or after `since`; null if not within `timeoutMs`. */
  private async shownAt(text: string, since: number, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = (await this.advisor
        .evaluate('window.__draftLog ?? []')
        .catch(() => [])) as (Stamp & { text: string | null })[];
      const hit = log.find((entry) => entry.at >= since && (entry.text ?? '') === text);
      if (hit) return hit.at;
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
