import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface Package {
  name?: string;
  version?: string;
}

/**
 * The installed version of an npm package, for a benchmark's record ('unknown' if it is not
 * installed). Found upwards from the package's entry: a package with an "exports" map
 * (mediasoup 3.27) does not export its package.json, and some carry nested ones
 * ({"type": ...}) in their dist.
 */
export function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir);) {
      const file = path.join(dir, 'package.json');
      const pkg = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Package) : {};
      if (pkg.name === name && pkg.version) return pkg.version;
      dir = path.dirname(dir);
    }
  } catch {
    // not installed: reported as unknown
  }
  return 'unknown';
}
