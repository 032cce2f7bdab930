import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` rebuilds dist/ (its prestart) while another `bestofn` may be starting from it: a parallel
 * test's `npx bestofn serve`, a second terminal. A build that empties dist/ before writing it made that
 * process exit 1 ("dist/ is missing") once in ten loaded suite runs (test/cli/stop.test.ts).
 */
const root = resolve('.');
const ENTRIES = ['cli.js', 'core.js', 'index.js', 'node.js', 'worker.js'];
let out: string;

const build = () =>
  new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ['tools/build.mjs', '--js', '--outdir', out], { cwd: root, stdio: 'ignore' });
    child.once('exit', (code) => done(code));
  });

beforeAll(async () => {
  out = mkdtempSync(join(root, 'node_modules', '.cache', 'bestofn-build-'));
  expect(await build()).toBe(0);
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('tools/build.mjs', () => {
  it('a rebuild never leaves an entry or the chunks missing, even for a moment', async () => {
    let missing: string[] = [];
    let running = true;
    const rebuilt = build().finally(() => (running = false));
    // Looked at on every turn of the event loop while the rebuild runs (hundreds of turns in its ~1 s).
    let looks = 0;
    while (running && missing.length === 0) {
      looks++;
      missing = ENTRIES.filter((e) => !existsSync(join(out, e)));
      const chunks = join(out, 'chunks');
      if (!existsSync(chunks) || !readdirSync(chunks).some((f) => f.endsWith('.js'))) missing.push('chunks/');
      await new Promise((r) => setImmediate(r));
    }
    expect(await rebuilt).toBe(0);
    expect(missing).toEqual([]);
    expect(looks).toBeGreaterThan(0);
    // Nothing of the staging folder is left behind for `npm pack` to ship.
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 60_000);
});
