import { createHash, createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import tls from 'node:tls';

/** STUN (RFC 8489) and TURN (RFC 8656) numbers used here. */
const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const ALLOCATE_ERROR = 0x0113;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;
const UDP_PROTOCOL = 17;
const ANSWER_TIMEOUT_MS = 3_000;

export type AllocationResult =
  { ok: true; relayedAddress: string } | { ok: false; errorCode: number; reason: string };

export interface AllocationTarget {
  host: string;
  port: number;
  /** TURN over UDP, or over TLS (trusting `ca`, the relay's certificate, and checking its IP). */
  transport: 'udp' | 'tls';
  ca?: string;
}

/**
 * Asks a TURN server for a relayed address the way a browser does with long-term credentials:
 * an unauthenticated Allocate, the 401 that names the realm and nonce, then the Allocate signed
 * with MESSAGE-INTEGRITY keyed by MD5(username:realm:password). The answer to that second
 * request is what the server thinks of the credential. Only for tests: no retransmission, one
 * allocation, never refreshed.
 */
export async function allocate(
  target: AllocationTarget,
  username: string,
  password: string,
): Promise<AllocationResult> {
  const channel = await openChannel(target);
  try {
    const challenge = parse(await channel.ask(request([requestedTransport()])));
    if (challenge.type !== ALLOCATE_ERROR || challenge.errorCode !== 401)
      throw new Error(`expected a 401 challenge, got ${JSON.stringify(challenge)}`);
    const realm = challenge.attributes.get(ATTR.realm)!;
    const nonce = challenge.attributes.get(ATTR.nonce)!;
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const answer = parse(
      await channel.ask(
        request(
          [
            attribute(ATTR.username, Buffer.from(username)),
            attribute(ATTR.realm, realm),
            attribute(ATTR.nonce, nonce),
            requestedTransport(),
          ],
          key,
        ),
      ),
    );
    if (answer.type === ALLOCATE_SUCCESS) {
      const relayed = answer.attributes.get(ATTR.xorRelayedAddress)!;
      const port = relayed.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
      const address = (relayed.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
      const dotted = [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
      return { ok: true, relayedAddress: `${dotted}:${port}` };
    }
    return { ok: false, errorCode: answer.errorCode ?? 0, reason: answer.reason ?? '' };
  } finally {
    channel.close();
  }
}

interface Channel {
  ask(message: Buffer): Promise<Buffer>;
  close(): void;
}

async function openChannel(target: AllocationTarget): Promise<Channel> {
  if (target.transport === 'udp') {
    const socket = dgram.createSocket('udp4');
    return {
      ask: (message) =>
        answered(
          new Promise((resolve) => {
            socket.once('message', resolve);
            socket.send(message, target.port, target.host);
          }),
        ),
      close: () => socket.close(),
    };
  }
  const socket = tls.connect({ host: target.host, port: target.port, ca: target.ca });
  await answered(
    new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    }),
  );
  // Over a stream, STUN messages follow each other; each header gives its length.
  let buffered = Buffer.alloc(0);
  return {
    ask: (message) =>
      answered(
        new Promise((resolve, reject) => {
          const onData = (chunk: Buffer) => {
            buffered = Buffer.concat([buffered, chunk]);
            if (buffered.length < 20) return;
            const length = 20 + buffered.readUInt16BE(2);
            if (buffered.length < length) return;
            socket.off('data', onData);
            resolve(buffered.subarray(0, length));
            buffered = buffered.subarray(length);
          };
          socket.on('data', onData);
          socket.once('error', reject);
          socket.write(message);
        }),
      ),
    close: () => socket.destroy(),
  };
}

function answered<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no answer from the TURN server')), ANSWER_TIMEOUT_MS),
    ),
  ]);
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, padding]);
}

function requestedTransport(): Buffer {
  return attribute(ATTR.requestedTransport, Buffer.from([UDP_PROTOCOL, 0, 0, 0]));
}

/** An Allocate request; with `key`, signed by MESSAGE-INTEGRITY (HMAC-SHA1 over all before it). */
function request(attributes: Buffer[], key?: Buffer): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(ALLOCATE_REQUEST, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  randomBytes(12).copy(header, 8);
  if (!key) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // The length covers MESSAGE-INTEGRITY itself (4 + 20 bytes) while the HMAC is computed.
  header.writeUInt16BE(body.length + 24, 2);
  const integrity = createHmac('sha1', key)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, attribute(ATTR.messageIntegrity, integrity)]);
}

interface StunMessage {
  type: number;
  attributes: Map<number, Buffer>;
  errorCode?: number;
  reason?: string;
}

function parse(message: Buffer): StunMessage {
  const type = message.readUInt16BE(0);
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  while (offset + 4 <= message.length) {
    const attrType = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 2);
    attributes.set(attrType, message.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  const error = attributes.get(ATTR.errorCode);
  return error
    ? {
        type,
        attributes,
        errorCode: (error[2]! & 7) * 100 + error[3]!,
        reason: error.subarray(4).toString(),
      }
    : { type, attributes };
}
