import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisServer } from '../../support/RedisServer';

const HARNESS = fileURLToPath(new URL('../../support/RedisServer.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function redisDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('visio-redis-'));
}

describe('RedisServer (the test harness)', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  it('starts a throw-away redis-server on a free port, without persistence, and removes it', async () => {
    const before = redisDirs();
    server = await RedisServer.start();
    const dirsWhileUp = redisDirs().filter((name) => !before.includes(name));
    expect(dirsWhileUp).toHaveLength(1);

    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    expect(await client.config('GET', 'save')).toEqual(['save', '']);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    client.disconnect();

    await server.restart();
    const again = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await again.connect();
    expect(await again.get('k')).toBeNull();
    again.disconnect();

    await server.stop();
    expect(redisDirs().filter((name) => !before.includes(name))).toEqual([]);
    const refused = new Redis(server.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    refused.on('error', () => {});
    await expect(refused.connect()).rejects.toThrow();
    refused.disconnect();
  });

  it('is stopped and removed when the test process is killed (SIGKILL)', async () => {
    const before = redisDirs();
    const scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-redis-probe-'));
    const script = path.join(scriptDir, 'probe.mts');
    fs.writeFileSync(
      script,
      `import { RedisServer } from ${JSON.stringify(HARNESS)};\n` +
        `const server = await RedisServer.start();\n` +
        `console.log('PORT ' + server.port);\n` +
        `process.kill(process.pid, 'SIGKILL');\n`,
    );
    const child = spawn(TSX, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // tsx runs the script in a child of its own and reports its SIGKILL as an exit code.
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(scriptDir, { recursive: true, force: true });
    const port = Number(/PORT (\d+)/.exec(out)?.[1]);
    expect(port).toBeGreaterThan(0);

    // The guard notices the closed pipe at once; give it a moment to stop redis-server.
    let up = true;
    for (let i = 0; i < 100 && up; i++) {
      const probe = new Redis(`redis://127.0.0.1:${port}`, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      up = await probe.connect().then(
        () => true,
        () => false,
      );
      probe.disconnect();
      if (up) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(up).toBe(false);
    for (let i = 0; i < 100 && redisDirs().some((name) => !before.includes(name)); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(redisDirs().filter((name) => !before.includes(name))).toEqual([]);
  });
});
