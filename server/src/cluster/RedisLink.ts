import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AttemptCounters } from '../auth/AttemptLimiter';
import { redactUrl } from '../config/config';
import { redisAttemptCounters } from './RedisAttemptCounters';
import type { NodeLoad } from '../calls/CallCluster';
import { ClusterNode } from './ClusterNode';
import { redisLeases, type RunOncePerPeriod } from './RedisLeases';
import { withTimeout } from './withTimeout';

/** How long a start waits for Redis before it fails (a node without it would be an island). */
const CONNECT_TIMEOUT_MS = 10_000;
/** The socket.io stream's key in Redis, and how many messages it keeps for a node catching up. */
const STREAM = 'visio:socket.io';
const STREAM_MAX_LEN = 10_000;
/** One warning per this long while Redis stays unreachable, not one per retry. */
const WARN_EVERY_MS = 10_000;

/** The factory socket.io's `io.adapter()` takes. */
export type SocketAdapterFactory = ReturnType<typeof createAdapter>;

/**
 * This node's link to the Redis the nodes share; the only module that speaks to Redis. Two
 * connections: `reader` blocks on the socket.io stream (XREAD BLOCK), `writer` serves every other
 * command, so that a broadcast never waits behind a blocked read.
 *
 * When Redis is unreachable nothing throws: ioredis reconnects by itself (backoff up to 2 s) and
 * holds commands meanwhile; a broadcast made meanwhile reaches the other nodes once Redis is back
 * (the stream keeps the last STREAM_MAX_LEN messages and each node reads on from its offset).
 * What degrades while it is down: sockets on other nodes miss nothing, they hear it late; sockets
 * on this node are served as usual.
 */
export class RedisLink {
  private lastWarnAt = 0;
  private node: ClusterNode | undefined;

  private constructor(
    private readonly writer: Redis,
    private readonly reader: Redis,
    readonly nodeId: string,
    private readonly logger: Logger,
  ) {
    for (const [role, client] of [
      ['writer', writer],
      ['reader', reader],
    ] as const) {
      client.on('error', (err: Error) => this.warn(role, err));
      client.on('ready', () => {
        // Said once per outage that was warned of; the next outage is warned of at once.
        if (this.lastWarnAt > 0) this.logger.info({ role }, 'Redis reachable again');
        this.lastWarnAt = 0;
      });
    }
  }

  /** Connects both links; rejects (the start fails) when Redis does not answer in time. */
  static async connect(url: string, nodeId: string, logger: Logger): Promise<RedisLink> {
    const log = logger.child({ module: 'cluster', nodeId });
    const open = (name: string) =>
      new Redis(url, {
        connectionName: `visio:${nodeId}:${name}`,
        lazyConnect: true,
        // Commands wait for a reconnection rather than fail after a few tries: a broadcast is
        // late rather than lost.
        maxRetriesPerRequest: null,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      });
    const writer = open('writer');
    const reader = open('reader');
    const link = new RedisLink(writer, reader, nodeId, log);
    // Redis may come up a moment after this node (a compose start): ioredis keeps trying, and
    // the start waits for both connections to be ready, up to its bound.
    let lastError = 'no answer';
    const ready = (client: Redis) =>
      new Promise<void>((resolve) => {
        const onError = (err: Error) => (lastError = err.message);
        client.on('error', onError);
        client.once('ready', () => {
          client.off('error', onError);
          resolve();
        });
        client.connect().catch(() => undefined);
      });
    try {
      await withTimeout(
        Promise.all([ready(writer), ready(reader)]),
        CONNECT_TIMEOUT_MS,
        () =>
          `Redis at ${redactUrl(url)} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s (${lastError})`,
      );
    } catch (error) {
      writer.disconnect();
      reader.disconnect();
      throw error;
    }
    log.info({ redis: redactUrl(url) }, 'connected to Redis');
    return link;
  }

  /** socket.io's Redis streams adapter on these connections: rooms and broadcasts span nodes. */
  socketAdapter(): SocketAdapterFactory {
    const { writer, reader } = this;
    // The adapter takes one client; reads go to the blocking connection, the rest to the writer.
    const client = new Proxy(writer, {
      get(target, prop, receiver) {
        if (prop === 'xread') return reader.xread.bind(reader);
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    // socket.io's cluster adapter options (passed through, though the adapter's typings omit
    // them): a node that dies stops being waited for within a few seconds, so that a question
    // to every node (which sockets are in a room) does not hang on it during a failover.
    const heartbeat = { heartbeatInterval: 1_000, heartbeatTimeout: 3_500 };
    return createAdapter(client, {
      streamName: STREAM,
      maxLen: STREAM_MAX_LEN,
      ...heartbeat,
    } as Parameters<typeof createAdapter>[1]);
  }

  /** Attempt limits (failed sign-ins, enrolment codes) counted across the nodes. */
  attemptCounters(): AttemptCounters {
    return redisAttemptCounters(this.writer, this.logger);
  }

  /** Periodic tasks run by one node per period (a lease in Redis). */
  oncePerPeriod(): RunOncePerPeriod {
    return redisLeases(this.writer, this.nodeId, this.logger);
  }

  /**
   * This node among the others for calls: heartbeat and load, where calls run, requests from
   * node to node (on a third connection, subscribed to this node's channel). `start()` it once
   * what `load` reads exists.
   */
  callCluster(load: () => Omit<NodeLoad, 'nodeId'>): ClusterNode {
    const subscriber = this.writer.duplicate({ connectionName: `visio:${this.nodeId}:bus` });
    subscriber.on('error', (err: Error) => this.warn('bus', err));
    this.node = new ClusterNode(this.writer, subscriber, this.nodeId, load, this.logger);
    return this.node;
  }

  /** Answers Redis's round trip in ms (a readiness check), or throws. */
  async ping(): Promise<number> {
    const start = performance.now();
    await this.writer.ping();
    return performance.now() - start;
  }

  async close(): Promise<void> {
    await this.node?.close();
    // The reader may be blocked in XREAD: it is cut, not asked to quit.
    this.reader.disconnect();
    await this.writer.quit().catch(() => this.writer.disconnect());
  }

  private warn(role: string, err: Error): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn({ role, err: err.message }, 'Redis unreachable: cross-node events wait');
  }
}
