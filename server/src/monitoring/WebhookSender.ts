import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

export type WebhookEvent = 'call.started' | 'call.ended' | 'kiosk.offline';

export interface WebhookOptions {
  /** Receivers; none = webhooks off. */
  urls: readonly string[];
  /** Key of the HMAC-SHA256 signature (required when urls are set; config checks it). */
  secret: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Delay before the 2nd attempt; doubled before the 3rd. */
  retryBaseMs: number;
  /** Deliveries in flight at most; beyond it new ones are dropped (and logged). */
  maxInFlight?: number;
}

const ATTEMPTS = 3;

/** The signature a receiver recomputes: `sha256=` and the hex HMAC-SHA256 of the raw body. */
export function signWebhook(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * POSTs `{ event, at, data }` (ids only in `data`) to every configured URL, signed with
 * `X-Visio-Signature: sha256=<hex HMAC of the raw body>` and dated with `X-Visio-Timestamp`
 * (Unix seconds; also in the signed body as `at`, so receivers can refuse replays). Three attempts
 * per receiver with a per-attempt timeout and doubling backoff; 4xx other than 408/429 are not
 * retried. Never awaited by the caller: a slow or dead receiver cannot delay a call.
 */
export class WebhookSender {
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.options.urls.length > 0;
  }

  /** Queues the deliveries and returns at once. The promise (for tests) settles when all are done. */
  send(event: WebhookEvent, data: Record<string, string | null>): Promise<void> {
    if (!this.enabled || this.closed) return Promise.resolve();
    const body = JSON.stringify({ event, at: new Date().toISOString(), data });
    const id = randomUUID();
    return Promise.all(this.options.urls.map((url) => this.deliver(url, event, id, body))).then(
      () => undefined,
    );
  }

  /** Abandons deliveries in progress (shutdown). */
  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
  }

  private async deliver(url: string, event: WebhookEvent, id: string, body: string): Promise<void> {
    const target = originOf(url);
    if (this.inFlight.size >= (this.options.maxInFlight ?? 100)) {
      this.logger.warn({ event, target }, 'webhook dropped: too many deliveries in flight');
      return;
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      for (let attempt = 1; attempt <= ATTEMPTS && !this.closed; attempt += 1) {
        const outcome = await this.attempt(url, id, body, controller.signal);
        if (outcome === 'delivered') return;
        const final = outcome === 'refused' || attempt === ATTEMPTS;
        this.logger.warn({ event, target, attempt, outcome, final }, 'webhook delivery failed');
        if (final) return;
        await sleep(this.options.retryBaseMs * 2 ** (attempt - 1), controller.signal);
      }
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private async attempt(
    url: string,
    id: string,
    body: string,
    shutdown: AbortSignal,
  ): Promise<'delivered' | 'refused' | 'failed'> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Visio-Public-Webhook/1',
          'X-Visio-Delivery': id,
          'X-Visio-Timestamp': String(Math.floor(Date.now() / 1000)),
          'X-Visio-Signature': signWebhook(this.options.secret, body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.any([shutdown, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await res.body?.cancel();
      if (res.ok) return 'delivered';
      return res.status >= 500 || res.status === 408 || res.status === 429 ? 'failed' : 'refused';
    } catch {
      return 'failed';
    }
  }
}

/** Logged instead of the URL, which may carry a credential in its path or query. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid-url';
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
