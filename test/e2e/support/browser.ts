import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (PLATFORM.md): never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * `executablePath` runs another launcher of the same Chromium (e.g. inside a network namespace);
 * `args` come after the usual flags.
 */
export function launchChromium(
  options: { executablePath?: string; args?: readonly string[] } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    args: [...FLAGS, ...(options.args ?? [])],
    headless: true,
  });
}

/**
 * A browser context is one machine: its own storage and permissions. Every peer connection the
 * page opens is recorded so tests can read what the browser itself reports (getStats), without
 * any hook in the app.
 */
export async function newMachine(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; hasTouch?: boolean } = {},
) {
  const context: BrowserContext = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    permissions: ['camera', 'microphone'],
    // A touchscreen: touch events (CDP Input.dispatchTouchEvent) reach the page as touch pointers.
    hasTouch: options.hasTouch ?? false,
  });
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    };
  });
  const page = await context.newPage();
  return { context, page };
}

export interface InboundMedia {
  framesDecoded: number;
  audioPacketsReceived: number;
  /** Protocols ('udp' | 'tcp') of the selected candidate pairs' local candidates. */
  protocols: string[];
}

/** What the page's live peer connections have received, from the browser's own stats. */
export function inboundMedia(page: Page): Promise<InboundMedia> {
  return page.evaluate(async () => {
    const result = { framesDecoded: 0, audioPacketsReceived: 0, protocols: [] as string[] };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video')
          result.framesDecoded += Number(s.framesDecoded ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'audio')
          result.audioPacketsReceived += Number(s.packetsReceived ?? 0);
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          const local = stats.get(String(s.localCandidateId)) as { protocol?: string } | undefined;
          if (local?.protocol) result.protocols.push(local.protocol);
        }
      });
    }
    return result;
  });
}

/**
 * What a page's peer connections are doing, and which screen it shows: for the message of a test
 * that finds media missing (per connection: its states and inbound packet counts), and the page's
 * last console warnings and errors.
 */
export async function peerConnectionReport(page: Page): Promise<string> {
  const warnings = (await page.consoleMessages().catch(() => []))
    .filter((m) => m.type() === 'warning' || m.type() === 'error')
    .slice(-10)
    .map((m) => `  ${m.type()}: ${m.text().slice(0, 300)}`);
  const connections = await page
    .evaluate(async () => {
      const lines: string[] = [];
      const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
      for (const [index, pc] of pcs.entries()) {
        const inbound: string[] = [];
        if (pc.connectionState !== 'closed')
          (await pc.getStats()).forEach((s: Record<string, unknown>) => {
            if (s.type === 'inbound-rtp')
              inbound.push(`${String(s.kind)}:${String(s.packetsReceived ?? 0)}`);
          });
        lines.push(
          `pc${index} ${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState} ` +
            `in[${inbound.join(' ')}]`,
        );
      }
      const screen = document.querySelector('[data-testid^="kiosk-screen-"], main h1');
      return `${location.pathname} screen=${screen?.getAttribute('data-testid') ?? screen?.textContent ?? '?'}; ${lines.join('; ') || 'no peer connection'}`;
    })
    .catch((error: unknown) => `unreadable (${String(error)})`);
  return [connections, ...warnings].join('\n');
}

/** Polls until `check` passes or `timeoutMs` elapses; returns the last value either way. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

/** Each inbound stream's counters (video frames decoded, audio packets received), by stream id. */
async function inboundStreams(page: Page): Promise<Map<string, number>> {
  const entries = await page.evaluate(async () => {
    const found: [string, number][] = [];
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    for (const [index, pc] of pcs.entries()) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const count = s.kind === 'video' ? s.framesDecoded : s.packetsReceived;
        found.push([`${index}/${String(s.kind)}/${String(s.id)}`, Number(count ?? 0)]);
      });
    }
    return found;
  });
  return new Map(entries);
}

/**
 * Waits until the page decodes `frames` more video frames and receives `audioPackets` more audio
 * packets than when called, on any of its streams (a stream that appears meanwhile counts from
 * zero): media flowing now, whatever flowed before. Returns the progress seen.
 */
export async function mediaFlowsFrom(
  page: Page,
  { frames = 30, audioPackets = 50, timeoutMs = 30_000 } = {},
): Promise<{ frames: number; audioPackets: number }> {
  const before = await inboundStreams(page);
  const progress = async () => {
    const now = await inboundStreams(page);
    const gained = (kind: string) =>
      Math.max(
        0,
        ...[...now]
          .filter(([key]) => key.includes(`/${kind}/`))
          .map(([key, count]) => count - (before.get(key) ?? 0)),
      );
    return { frames: gained('video'), audioPackets: gained('audio') };
  };
  return pollUntil(
    progress,
    (p) => p.frames >= frames && p.audioPackets >= audioPackets,
    timeoutMs,
  );
}
