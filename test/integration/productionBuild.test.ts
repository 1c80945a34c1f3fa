import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The production build as the Docker image runs it: scripts/build-server.ts bundles the server
// into dist/, and plain `node` (no tsx, no TypeScript) starts it with only production packages
// loadable (test/support/refuseDevDependencies.ts makes loading a dev-only one fail).

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = path.join(root, 'dist/server/src/main.js');
const refuseDevDependencies = pathToFileURL(
  path.join(root, 'test/support/refuseDevDependencies.ts'),
).href;

let child: ChildProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['scripts/build-server.ts'], { cwd: root });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visio-prod-'));
});
afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The npm package a bare import names: 'a/b' -> 'a', '@s/a/b' -> '@s/a'. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Resolves with the port from the start banner; rejects if the process exits first. */
function bannerPort(proc: ChildProcess, output: { text: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (chunk: Buffer) => {
      output.text += chunk.toString();
      const port = /is running at http:\/\/[^:/]+:(\d+)/.exec(output.text)?.[1];
      if (port) resolve(Number(port));
    });
    proc.once('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before its banner:\n${output.text}`)),
    );
  });
}

describe('the production build', () => {
  it('imports, besides node: built-ins, only the server package’s own dependencies', () => {
    const meta = JSON.parse(fs.readFileSync(path.join(root, 'dist/server/meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const server = JSON.parse(fs.readFileSync(path.join(root, 'server/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set(
      meta.outputs['dist/server/src/main.js']!.imports.filter(
        (i) => i.external && !i.path.startsWith('node:'),
      ).map((i) => packageOf(i.path)),
    );
    expect(imported).toContain('mediasoup');
    expect(
      [...imported].filter((p) => !(p in server.dependencies) || p.startsWith('@visio/')),
    ).toEqual([]);
  });

  it('runs with plain node: health and readiness answer, the apps are served, SIGTERM stops it', async () => {
    const output = { text: '' };
    // Started from another directory: the bundle must not depend on the working directory.
    child = spawn(
      process.execPath,
      ['--enable-source-maps', '--import', refuseDevDependencies, entry],
      {
        cwd: dataDir,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: '0',
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          MEDIA_WORKERS: '1',
          DEMO_SEED: 'false',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'pipe'],
      },
    );
    const base = `http://127.0.0.1:${await bannerPort(child, output)}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect(ready.status).toBe(200);
    // CLIENT_DIST_DIR's default is found from the bundle's own location.
    const kiosk = await fetch(`${base}/kiosk/`);
    expect(kiosk.status).toBe(200);
    expect(await kiosk.text()).toBe(
      fs.readFileSync(path.join(root, 'kiosk-client/dist/index.html'), 'utf8'),
    );
    expect(fs.existsSync(path.join(dataDir, 'visio.sqlite'))).toBe(true);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.text).not.toContain('dev-only package');
  });
});
