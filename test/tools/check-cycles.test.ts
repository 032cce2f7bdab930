import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs tools/check-cycles.mjs on a tree of files written from `files` (path → text). */
function check(files: Record<string, string>) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-cycles-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const r = spawnSync(process.execPath, ['tools/check-cycles.mjs', root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('tools/check-cycles.mjs', () => {
  it('passes a layered tree, type-only and re-exporting imports included', () => {
    const r = check({
      'src/core/a.ts': 'export const a = 1;\n',
      'src/proxy/b.ts': "import type { X } from '../core/a';\nexport { a } from '../core/a';\n",
      'src/app.ts': "import { a } from './proxy/b';\nconst lazy = () => import('./core/a');\n",
    });
    expect(r.out).toContain('0 file cycles, 0 part cycles');
    expect(r.status).toBe(0);
  });

  it('fails on a cycle between two files, naming the imports', () => {
    const r = check({
      'src/core/a.ts': "import { b } from './b';\nexport const a = 1;\n",
      'src/core/b.ts': "\nimport type { a } from './a';\nexport const b = 2;\n",
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('file cycle: src/core/a.ts ↔ src/core/b.ts');
    expect(r.out).toContain('src/core/b.ts:2 → src/core/a.ts');
  });

  it('fails on a cycle between parts of src/ that no single pair of files shows', () => {
    const r = check({
      'src/config.ts': "import { x } from './proxy/options';\nexport const c = 1;\n",
      'src/proxy/options.ts': 'export const x = 1;\n',
      'src/proxy/routes.ts': "import { c } from '../config';\n",
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('0 file cycles, 1 part cycles');
    expect(r.out).toContain('part cycle: config.ts ↔ proxy/');
    expect(r.out).toContain('src/proxy/routes.ts:1 → src/config.ts');
  });
});
