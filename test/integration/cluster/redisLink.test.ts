import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../support/ServerProcess';
import { startTestServer } from '../../support/testServer';

// A node told to share Redis (REDIS_URL) and finding none does not start as an island: its
// advisors would never hear of citizens checking in on the other nodes.

describe('a node with REDIS_URL', () => {
  it('does not start when its Redis does not answer, and says so without the password', async () => {
    const port = await freePort('127.0.0.1');
    const started = Date.now();
    const error = await startTestServer({
      REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}`,
      SERVER_SECRET: randomBytes(32).toString('hex'),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = String((error as Error).message);
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).not.toContain('hunter2-secret');
    // The start gives up within its bound (10 s), plus the start's own work.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
