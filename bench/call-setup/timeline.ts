import type { BrowserContext, Page } from 'playwright-core';

type Frame = [at: number, url: string, dir: 'sent' | 'received', payload: string];
type TimelineWindow = Window & { __benchWsFrames?: Frame[] };

/**
 * Diagnostic only: when each signalling message of a page crossed its WebSocket, stamped with
 * Date.now() in the page when the page sends it and when its `message` event is dispatched (an init
 * script wraps the browser's WebSocket; nothing in the app). DevTools' own frame events are not
 * used: Chromium reports them when the page's task that handled the frame ends, so a long handler
 * (the advisor's render of the call view) made a push, and every request sent from that task, look
 * late by the handler's length. Reads socket.io v4 text packets: `42/ns,<id>["name",…]` (event or
 * request), `43/ns,<id>[…]` (ack of request <id>). Requests are named "→name", their acks
 * "←name", server pushes "⇐name".
 */
export class SignallingTimeline {
  private constructor(private readonly page: Page) {}

  /** Must be attached before the page opens the app. */
  static async attach(context: BrowserContext, page: Page): Promise<SignallingTimeline> {
    await context.addInitScript(() => {
      const w = window as TimelineWindow;
      const frames: Frame[] = [];
      w.__benchWsFrames = frames;
      const Native = window.WebSocket;
      // Enough of a packet for its namespace, id and event name.
      const head = (data: unknown) => (typeof data === 'string' ? data.slice(0, 120) : null);
      const nativeSend = Native.prototype.send;
      Native.prototype.send = function (this: WebSocket, data) {
        const payload = head(data);
        if (payload) frames.push([Date.now(), this.url, 'sent', payload]);
        nativeSend.call(this, data);
      };
      class Recorded extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          // Added before the app's own handler, so it runs first.
          this.addEventListener('message', (event) => {
            const payload = head(event.data);
            if (payload) frames.push([Date.now(), this.url, 'received', payload]);
          });
        }
      }
      window.WebSocket = Recorded;
    });
    return new SignallingTimeline(page);
  }

  /** Forget what came before: a new call starts. */
  async reset(): Promise<void> {
    await this.page.evaluate(() => {
      (window as TimelineWindow).__benchWsFrames?.splice(0);
    });
  }

  /** Every message since `t0`, in ms after it; a label seen again gets "#2", "#3"… */
  async since(t0: number): Promise<Record<string, number>> {
    const frames = await this.page.evaluate(() => (window as TimelineWindow).__benchWsFrames ?? []);
    const names = new Map<string, string>();
    const out: Record<string, number> = {};
    const seen = new Map<string, number>();
    for (const [at, url, dir, payload] of frames) {
      const label = labelOf(names, url, dir, payload);
      if (!label || at < t0) continue;
      const n = (seen.get(label) ?? 0) + 1;
      seen.set(label, n);
      out[n === 1 ? label : `${label}#${n}`] = at - t0;
    }
    return out;
  }
}

function labelOf(
  names: Map<string, string>,
  url: string,
  dir: 'sent' | 'received',
  payload: string,
): string | null {
  const m = /^4([23])(\/[^,[]*,)?(\d*)(\[.*)$/s.exec(payload);
  if (!m) return null;
  const [, type, ns = '', id = '', json = ''] = m;
  const key = `${url} ${ns}${id}`;
  if (type === '2') {
    const name = eventName(json);
    if (!name) return null;
    if (dir === 'sent' && id) names.set(key, name);
    return `${dir === 'sent' ? '→' : '⇐'}${name}`;
  }
  if (dir !== 'received' || !id) return null;
  const name = names.get(key);
  if (!name) return null;
  names.delete(key);
  return `←${name}`;
}

function eventName(json: string): string | null {
  const m = /^\["([^"]+)"/.exec(json);
  return m?.[1] ?? null;
}
