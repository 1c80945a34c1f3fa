import type { Page, WebSocket } from 'playwright-core';

/**
 * Diagnostic only: when each signalling message of a page crossed its WebSocket, stamped with
 * Date.now() in Node as the browser reports the frame (a few ms late at most). Reads socket.io v4
 * text packets: `42/ns,<id>["name",…]` (event or request), `43/ns,<id>[…]` (ack of request <id>).
 * Requests are named "→name", their acks "←name", server pushes "⇐name".
 */
export class SignallingTimeline {
  private readonly names = new Map<string, string>();
  private entries: { at: number; label: string }[] = [];

  constructor(page: Page) {
    page.on('websocket', (ws) => this.watch(ws));
  }

  /** Forget what came before: a new call starts. */
  reset(): void {
    this.entries = [];
  }

  /** Every message since `t0`, in ms after it; a label seen again gets "#2", "#3"… */
  since(t0: number): Record<string, number> {
    const out: Record<string, number> = {};
    const seen = new Map<string, number>();
    for (const { at, label } of this.entries) {
      if (at < t0) continue;
      const n = (seen.get(label) ?? 0) + 1;
      seen.set(label, n);
      out[n === 1 ? label : `${label}#${n}`] = at - t0;
    }
    return out;
  }

  private watch(ws: WebSocket): void {
    const url = ws.url();
    ws.on('framesent', ({ payload }) => this.record(url, payload, 'sent'));
    ws.on('framereceived', ({ payload }) => this.record(url, payload, 'received'));
  }

  private record(url: string, payload: string | Buffer, dir: 'sent' | 'received'): void {
    const at = Date.now();
    if (typeof payload !== 'string') return;
    const m = /^4([23])(\/[^,[]*,)?(\d*)(\[.*)$/s.exec(payload);
    if (!m) return;
    const [, type, ns = '', id = '', json = ''] = m;
    const key = `${url} ${ns}${id}`;
    if (type === '2') {
      const name = eventName(json);
      if (!name) return;
      if (dir === 'sent' && id) this.names.set(key, name);
      this.entries.push({ at, label: `${dir === 'sent' ? '→' : '⇐'}${name}` });
    } else if (dir === 'received' && id) {
      const name = this.names.get(key);
      if (!name) return;
      this.names.delete(key);
      this.entries.push({ at, label: `←${name}` });
    }
  }
}

function eventName(json: string): string | null {
  const m = /^\["([^"]+)"/.exec(json);
  return m?.[1] ?? null;
}
