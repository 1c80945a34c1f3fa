import type { Page } from 'playwright-core';
import type { PageSample } from './mediaFigures';

/** A reading that does not come within this is skipped (a page stalled on a starved line). */
const READ_TIMEOUT_MS = 3_000;

/**
 * The page-side reading, as a string: tsx wraps named functions in a `__name` helper that pages
 * do not have. It reads what `newMachine()` recorded (every RTCPeerConnection the app opened),
 * the tracks the remote video element plays, and the app's media mode. `ALL` keeps every entry
 * of each report (for fixtures); otherwise only the types the figures read.
 */
const READ_PAGE = `(async (all) => {
  const kept = ['inbound-rtp', 'outbound-rtp', 'transport', 'candidate-pair'];
  const reports = [];
  for (const pc of window.__pcs ?? []) {
    if (pc.connectionState === 'closed') continue;
    const report = [];
    (await pc.getStats()).forEach((s) => {
      if (all || kept.includes(s.type)) report.push({ ...s });
    });
    reports.push(report);
  }
  const video = document.querySelector('[data-testid="remote-video"]');
  const stream = video && video.srcObject;
  return {
    at: Date.now(),
    reports,
    remoteTrackIds: stream && stream.getTracks ? stream.getTracks().map((t) => t.id) : [],
    mode: document.querySelector('[data-media-mode]')?.getAttribute('data-media-mode') ?? null,
  };
})`;

/**
 * Installs, once per document, a log of the app's media mode: every change of the
 * `data-media-mode` attribute (or of the element that carries it) with its `Date.now()`, so that
 * when the mode engaged is known to the millisecond, not to the polling interval.
 */
const WATCH_MODE = `(() => {
  if (window.__mediaModeLog) return;
  const log = [];
  window.__mediaModeLog = log;
  let last;
  const check = () => {
    const mode = document.querySelector('[data-media-mode]')?.getAttribute('data-media-mode') ?? null;
    if (mode !== last) {
      last = mode;
      log.push({ at: Date.now(), mode });
    }
  };
  new MutationObserver(check).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-media-mode'],
  });
  check();
})()`;

export interface ModeChange {
  at: number;
  mode: string | null;
}

/**
 * Reads a page's WebRTC stats every `intervalMs` while started, keeping every reading: the
 * figures of a window are computed from the readings taken in it. Also reads the page's media
 * mode log. Readings that time out are skipped.
 */
export class PageSampler {
  readonly samples: PageSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    readonly page: Page,
    private readonly intervalMs: number,
  ) {}

  /** One reading now, or null if the page does not answer in time. */
  async read(options: { all?: boolean } = {}): Promise<PageSample | null> {
    const reading = this.page
      .evaluate(`${READ_PAGE}(${options.all === true})`)
      .then((value) => value as PageSample)
      .catch(() => null);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([reading, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts reading every `intervalMs` until `stop()`. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.reading = this.read().then((sample) => {
        if (sample) this.samples.push(sample);
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.reading;
  }

  /** The readings taken in [from, to] (page clock, which is the machine's). */
  between(from: number, to: number): PageSample[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to);
  }

  /** Starts the media mode log in the page (again after a reload). */
  async watchMode(): Promise<void> {
    await this.page.evaluate(WATCH_MODE);
  }

  /** The mode changes logged since `watchMode()`; empty if the page cannot answer. */
  async modeLog(): Promise<ModeChange[]> {
    return this.page
      .evaluate('window.__mediaModeLog ?? []')
      .then((log) => log as ModeChange[])
      .catch(() => []);
  }
}
