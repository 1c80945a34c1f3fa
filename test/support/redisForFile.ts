import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisServer } from './RedisServer';

/**
 * A redis-server for the test file (started before its tests, stopped after them), and ioredis
 * connections to it or to nothing, all closed at the end. Call at the top of the file.
 */
export function redisForFile() {
  let server: RedisServer | undefined;
  const connections: Redis[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  }, 30_000);
  afterAll(async () => {
    for (const c of connections.splice(0)) c.disconnect();
    await server?.stop();
  });
  return {
    get url(): string {
      if (!server) throw new Error('redis-server not started yet');
      return server.url;
    },
    /** A connection that waits for Redis rather than fail a command (as the server's are). */
    connection(): Redis {
      const c = new Redis(this.url, { maxRetriesPerRequest: null });
      connections.push(c);
      return c;
    },
    /** A connection to a port where nothing listens: Redis "does not answer". */
    unreachable(): Redis {
      const c = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        maxRetriesPerRequest: null,
        retryStrategy: () => 1_000,
      });
      c.on('error', () => undefined);
      connections.push(c);
      void c.connect().catch(() => undefined);
      return c;
    },
  };
}
