import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The server's walls are the project's own ESLint configuration: each snippet below is linted as
// if it were a file at the given path, and must be refused outside its module and accepted inside.
// (The real tree is held to them by `npm run check`.)

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let eslint: ESLint;

// The first lint loads the configuration and the TypeScript parser: seconds on a busy machine,
// more than a test's timeout. It happens here, under a hook timeout of its own.
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText('export {};\n', { filePath: path.join(root, 'server/src/Warm.ts') });
}, 60_000);

/** The wall messages ESLint gives for `code` in the file at `filePath` (from the repo root). */
async function wallErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

const WALLS = [
  {
    pkg: 'mediasoup',
    home: 'server/src/media/Walled.ts',
    imports: [
      `import * as mediasoup from 'mediasoup';\nexport const m = mediasoup;`,
      `import type { types } from 'mediasoup';\nexport type W = types.Worker;`,
      `import type { Worker } from 'mediasoup/node/lib/types';\nexport type W = Worker;`,
      `export type { Router } from 'mediasoup/node/lib/Router';`,
      `export const load = () => import('mediasoup');`,
      `export type W = import('mediasoup/node/lib/types').Worker;`,
    ],
  },
  {
    pkg: 'express',
    home: 'server/src/http/Walled.ts',
    imports: [
      `import express from 'express';\nexport const app = express();`,
      `import type { Request } from 'express';\nexport type R = Request;`,
      `import Router from 'express/lib/router';\nexport const r = Router;`,
    ],
  },
  {
    pkg: 'socket.io',
    home: 'server/src/signalling/Walled.ts',
    imports: [
      `import { Server } from 'socket.io';\nexport const s = Server;`,
      `import type { Socket } from 'socket.io';\nexport type S = Socket;`,
      `import { Server } from 'socket.io/dist/index';\nexport const s = Server;`,
    ],
  },
  {
    pkg: 'ioredis',
    home: 'server/src/cluster/Walled.ts',
    imports: [
      `import { Redis } from 'ioredis';\nexport const r = Redis;`,
      `import type { RedisOptions } from 'ioredis';\nexport type O = RedisOptions;`,
      `export const load = () => import('ioredis');`,
    ],
  },
  {
    pkg: '@socket.io/redis-streams-adapter',
    home: 'server/src/cluster/Walled.ts',
    imports: [
      `import { createAdapter } from '@socket.io/redis-streams-adapter';\nexport const c = createAdapter;`,
      `export const load = () => import('@socket.io/redis-streams-adapter');`,
    ],
  },
] as const;

/** Elsewhere in the server: a domain module, another walled module, the composition root. */
const OUTSIDE = [
  'server/src/monitoring/Walled.ts',
  'server/src/VisioServer.ts',
  'server/src/main.ts',
  ...new Set(WALLS.map((wall) => wall.home)),
];

describe('server walls', () => {
  for (const wall of WALLS) {
    describe(wall.pkg, () => {
      it.each(wall.imports)(
        `is accepted in ${wall.home.replace('/Walled.ts', '/')}: %s`,
        async (code) => {
          expect(await wallErrors(wall.home, code)).toEqual([]);
        },
      );

      const elsewhere = OUTSIDE.filter((file) => file !== wall.home);
      it.each(elsewhere.flatMap((file) => wall.imports.map((code) => [file, code] as const)))(
        'is refused in %s: %s',
        async (file, code) => {
          expect(await wallErrors(file, code)).toEqual([
            expect.stringContaining(
              `Only ${path.dirname(wall.home)}/ may import ${wall.pkg} (server walls).`,
            ),
          ]);
        },
      );
    });
  }

  it('leaves look-alike names alone', async () => {
    const code = [
      `import { io } from 'socket.io-client';`,
      `import type { types } from 'mediasoup-client';`,
      `export const x = [io, {} as types.Device];`,
    ].join('\n');
    expect(await wallErrors('server/src/monitoring/Walled.ts', code)).toEqual([]);
  });
});
