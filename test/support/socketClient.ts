import { io, type Socket } from 'socket.io-client';
import { SignallingClient } from '@visio/shared/client';
import type { AnyEventDef, PayloadOf } from '@visio/shared/protocol';

/** A real socket.io client connected to a namespace; rejects with the server's error on refusal. */
export async function connect(
  url: string,
  nsp: '/kiosk' | '/staff',
  token: string | undefined,
  beforeConnect?: (socket: Socket) => void,
): Promise<Socket> {
  const socket = io(`${url}${nsp}`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  beforeConnect?.(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

export async function connectClient(
  url: string,
  nsp: '/kiosk' | '/staff',
  token: string,
): Promise<SignallingClient> {
  return new SignallingClient(await connect(url, nsp, token), 5_000);
}

/** Connects and captures the first `def` event, including one sent during the connection itself. */
export async function connectExpecting<D extends AnyEventDef>(
  url: string,
  nsp: '/kiosk' | '/staff',
  token: string,
  def: D,
): Promise<{ client: SignallingClient; event: Promise<PayloadOf<D>> }> {
  let event!: Promise<PayloadOf<D>>;
  const socket = await connect(url, nsp, token, (s) => {
    event = nextEvent(new SignallingClient(s), def);
  });
  return { client: new SignallingClient(socket, 5_000), event };
}

/** Resolves with the next event of that kind (validated), or rejects after `timeoutMs`. */
export function nextEvent<D extends AnyEventDef>(
  client: SignallingClient,
  def: D,
  timeoutMs = 5_000,
): Promise<PayloadOf<D>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`No ${def.name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(def, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Records every event a socket receives, to assert what it did NOT receive. */
export function recordEvents(socket: Socket): string[] {
  const seen: string[] = [];
  socket.onAny((event: string) => seen.push(event));
  return seen;
}

/** Emits a raw event and resolves with the raw acknowledgement (for malformed-input tests). */
export function rawRequest(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  return socket.timeout(5_000).emitWithAck(event, ...args);
}
