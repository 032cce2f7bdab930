/**
 * A file the package ships beside its code (data/demo-set.jsonl), found from where this module runs: the
 * package root is the nearest folder with a package.json above it, which is the clone for src/files/ and
 * the installed package for dist/ or dist/chunks/ (the build moves code, not data).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return join(dir, relative);
}
