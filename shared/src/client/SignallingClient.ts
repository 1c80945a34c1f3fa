import type { Socket } from 'socket.io-client';
import {
  AppError,
  appErrorFromBody,
  ackSchema,
  ERROR_CODES,
  REQUEST_TIMEOUT_MS,
  type AnyEventDef,
  type AnyRequestDef,
  type ErrorBody,
  type ErrorCode,
  type PayloadOf,
  type RequestOf,
  type ResponseOf,
} from '../protocol';

/**
 * Typed request/ack and event access over one socket.io socket. Every answer and every event
 * is validated against the shared schema before the caller sees it; a failed ack becomes an
 * AppError carrying the server's stable code.
 */
export class SignallingClient {
  constructor(
    readonly socket: Socket,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  async request<D extends AnyRequestDef>(def: D, data: RequestOf<D>): Promise<ResponseOf<D>> {
    let raw: unknown;
    try {
      raw = await this.socket.timeout(this.timeoutMs).emitWithAck(def.name, data);
    } catch {
      throw new AppError('TIMEOUT', `No answer to ${def.name} within ${this.timeoutMs} ms`);
    }
    const parsed = ackSchema(def.response).safeParse(raw);
    if (!parsed.success) {
      throw new AppError('INTERNAL', `Malformed answer to ${def.name}`);
    }
    const ack = parsed.data as { ok: true; data: ResponseOf<D> } | { ok: false; error: ErrorBody };
    if (!ack.ok) throw appErrorFromBody(ack.error);
    return ack.data;
  }

  /** Subscribe to a server event; returns the unsubscribe function. Invalid payloads are dropped. */
  on<D extends AnyEventDef>(def: D, handler: (payload: PayloadOf<D>) => void): () => void {
    const listener = (raw: unknown) => {
      const parsed = def.payload.safeParse(raw);
      if (parsed.success) handler(parsed.data as PayloadOf<D>);
      else console.warn(`Dropped malformed ${def.name} event`);
    };
    this.socket.on(def.name, listener);
    return () => {
      this.socket.off(def.name, listener);
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
