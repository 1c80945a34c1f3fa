/**
 * `node --import ./test/support/refuseDevDependencies.ts …`: the process fails to load any module
 * from a package that package-lock.json marks as dev-only (tsx, esbuild, pino-pretty, vitest…),
 * whether it is imported or required, in the main thread or a worker thread. A production image
 * installs only the other packages, so a server that loads a dev-only one would crash there.
 */
import fs from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};
const devOnly = new Set(
  Object.entries(lock.packages)
    .filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev === true)
    .map(([key]) => key),
);
// The package a file belongs to, as package-lock.json names it: "node_modules/a/node_modules/@s/b".
const PACKAGE_KEY = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (!resolved.url.startsWith('file:')) return resolved;
    const relative = path.relative(root, fileURLToPath(resolved.url)).split(path.sep).join('/');
    const key = PACKAGE_KEY.exec(relative)?.[1]?.slice(0, -1);
    if (key && devOnly.has(key)) {
      throw new Error(`dev-only package loaded at run time: ${key} (for '${specifier}')`);
    }
    return resolved;
  },
});
