/**
 * Production build of the server: one ES module, dist/server/src/main.js (with its source map),
 * that plain `node` runs — no tsx, no TypeScript, no devDependencies at run time.
 *
 *   npm run build:server      (= bash scripts/with-env.sh node scripts/build-server.ts;
 *                              Node 24 runs this file as is: its types are erasable)
 *
 * esbuild bundles server/src and the workspace sources it imports (@visio/shared/protocol);
 * every npm package stays an import resolved from node_modules at run time, so native addons
 * (better-sqlite3), mediasoup (which spawns its worker binary) and pino run as installed.
 * dist/server/meta.json lists the bundle's imports: test/integration/productionBuild.test.ts
 * checks that each is a server dependency, i.e. that the server's production dependencies are
 * enough to run it.
 *
 * The bundle keeps its entry's path under dist/ (dist/server/src/main.js): it then sits as deep
 * below the repository as server/src/config/config.ts, whose defaults (DATA_DIR, CLIENT_DIST_DIR)
 * are paths relative to the module's own location.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'dist/server');

/**
 * npm packages stay external; the monorepo's own workspaces (@visio/*) are compiled in. The bundle
 * runs from dist/, so an external import resolves from the repository's root node_modules: a
 * package that a workspace gets in another version (npm nests it, e.g. server/node_modules/cookie
 * 1.x while express keeps cookie 0.7 at the root) is compiled in instead, so the server runs the
 * version it was written against.
 */
const externalPackages: esbuild.Plugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@visio/') || args.pluginData === 'from-root') return undefined;
      const resolve = (resolveDir: string) =>
        build.resolve(args.path, { kind: args.kind, resolveDir, pluginData: 'from-root' });
      const [fromImporter, fromRoot] = await Promise.all([resolve(args.resolveDir), resolve(root)]);
      if (fromImporter.errors.length === 0 && fromImporter.path !== fromRoot.path) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const t0 = performance.now();
fs.rmSync(outDir, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['server/src/main.ts'],
  outbase: '.',
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [externalPackages],
});
fs.writeFileSync(path.join(outDir, 'meta.json'), `${JSON.stringify(result.metafile, null, 1)}\n`);
// An ES module wherever it is copied (the Docker image has no root package.json).
fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
const built = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.js'));
if (!built) throw new Error('esbuild produced no .js output');
const [file, output] = built;
console.warn(
  `built ${file} (${(output.bytes / 1024).toFixed(0)} KiB) in ${(performance.now() - t0).toFixed(0)} ms`,
);
