/**
 * The one way a test, bench or tool finds the project's reference files (tokenizer, PRM reference vectors,
 * the OpenAI spec, the recorded pool, MATH-500 / AIME24). They are vendored into the repository, so a clone
 * needs nothing beside it.
 *
 *   fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl')      // <repo>/data/…
 *   fixturePath('tokenizers/qwen2.5-prm-tag')                      // <repo>/test/fixtures/shared/tokenizers/…
 *
 * The argument is the file's path inside the workspace's `shared/` folder it was copied from (PROVENANCE in
 * test/fixtures/shared/README.md), so `path.resolve('../shared/X')` becomes `fixturePath('X')`. `data/…`
 * lives in the repository's `data/` (the CLI reads it too); everything else under test/fixtures/shared/.
 * A path that was not vendored throws, naming where to put it, instead of a test silently reading nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function fixturePath(sharedRelative: string): string {
  const rel = path.normalize(sharedRelative).replace(/^[/\\]+/, '');
  const file = rel.startsWith(`data${path.sep}`)
    ? path.join(REPO_ROOT, rel)
    : path.join(REPO_ROOT, 'test/fixtures/shared', rel);
  if (!fs.existsSync(file))
    throw new Error(
      `fixture '${sharedRelative}' is not in the repository: vendor it to ${path.relative(REPO_ROOT, file)}`,
    );
  return file;
}
