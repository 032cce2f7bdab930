import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as another project gets it: built by tools/build.mjs (the JavaScript; CI builds the
 * declarations and runs publint), packed by `npm pack` with the repository's package.json, unpacked into
 * a temporary project as `npm install bestofn-*.tgz` would, and imported there by its own name.
 *
 * Offline: the temporary project lies under the repository's node_modules/.cache, so the package's
 * dependencies resolve to the repository's installed ones rather than being downloaded again (the test
 * checks separately that every package the build imports is one of its declared dependencies).
 */
const root = resolve('.');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  files: string[];
  dependencies: Record<string, string>;
};
/** Packages that must never reach `bestofn/core`: native code, servers, Node-only clients. */
const NODE_ONLY = ['onnxruntime-node', 'ioredis', 'pino', 'prom-client', '@hono/node-server', 'undici'];
/** Only a guard against a hang: each test starts a Node process that loads the package (seconds of CPU). */
const HANG_GUARD_MS = 120_000;

let work: string;
let installed: string;
let consumer: string;

const node = (script: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, encoding: 'utf8' });

/** The relative imports and the bare ones of every module reachable from `entry`. */
function importGraph(entry: string): { files: string[]; bare: Set<string> } {
  const files: string[] = [];
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s*)["']([\w@./:-]+)["']/gm)) {
      if (spec!.startsWith('.')) visit(join(dirname(file), spec!));
      else bare.add(spec!);
    }
  };
  visit(entry);
  return { files, bare };
}
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

beforeAll(() => {
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  work = mkdtempSync(join(root, 'node_modules', '.cache', 'bestofn-package-'));
  const stage = join(work, 'stage');
  mkdirSync(stage);
  for (const f of ['package.json', ...pkg.files.filter((f) => f !== 'dist')])
    cpSync(f, join(stage, f), { recursive: true });
  execFileSync(process.execPath, ['tools/build.mjs', '--js', '--outdir', join(stage, 'dist')], { stdio: 'pipe' });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string }[];
  consumer = join(work, 'consumer');
  installed = join(consumer, 'node_modules', 'bestofn');
  mkdirSync(installed, { recursive: true });
  // Its own package.json, or `bestofn` would resolve to the repository itself (a package may import itself).
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('tar', ['-xzf', join(work, packed[0]!.filename), '--strip-components=1', '-C', installed]);
}, HANG_GUARD_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', { timeout: HANG_GUARD_MS }, () => {
  it('bestofn/core grades answers in another project', () => {
    const out = node(`
      import { mathEqual, extractAnswer, aggregate, passAtK } from 'bestofn/core';
      console.log(JSON.stringify([
        mathEqual('\\\\frac{1}{2}', '0.5'),
        mathEqual('\\\\frac{1}{2}', '0.51'),
        extractAnswer('So the answer is $\\\\boxed{42}$.'),
        aggregate([0.9, 0.5], 'min'),
        passAtK(4, 1, 4),
      ]));`);
    expect(JSON.parse(out)).toEqual([true, false, '42', 0.5, 1]);
  });

  it("bestofn/core's module graph has no node: import and no Node-only package", () => {
    const { files, bare } = importGraph(join(installed, 'dist', 'core.js'));
    expect(files.length).toBeGreaterThan(1);
    expect([...bare].filter((s) => s.startsWith('node:') || NODE_ONLY.includes(packageOf(s)))).toEqual([]);
  });

  it('imports only packages it declares as dependencies', () => {
    const declared = Object.keys(pkg.dependencies);
    const dist = join(installed, 'dist');
    const bare = new Set<string>();
    for (const entry of readdirSync(dist).filter((f) => f.endsWith('.js')))
      for (const s of importGraph(join(dist, entry)).bare) bare.add(s);
    const undeclared = [...bare].filter((s) => !s.startsWith('node:') && !declared.includes(packageOf(s)));
    expect(undeclared).toEqual([]);
  });

  it('every entry of "exports" loads, and the bin runs the built CLI', () => {
    const out = node(`
      const names = {};
      for (const entry of ['bestofn', 'bestofn/core', 'bestofn/node', 'bestofn/worker'])
        names[entry] = Object.keys(await import(entry)).length > 0;
      const worker = (await import('bestofn/worker')).default;
      const { createApp } = await import('bestofn');
      const { startGateway } = await import('bestofn/node');
      console.log(JSON.stringify({ names, fetch: typeof worker.fetch, createApp: typeof createApp, startGateway: typeof startGateway }));`);
    expect(JSON.parse(out)).toEqual({
      names: { bestofn: true, 'bestofn/core': true, 'bestofn/node': true, 'bestofn/worker': true },
      fetch: 'function',
      createApp: 'function',
      startGateway: 'function',
    });
    const help = spawnSync(process.execPath, [join(installed, 'bin', 'bestofn.mjs'), '--help'], {
      cwd: consumer,
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('bestofn serve');
  });

  it('ships the code, the bin, the demo set and the licence, and not the sources or tests', () => {
    const top = readdirSync(installed).sort();
    expect(top).toEqual(['LICENSE', 'README.md', 'bin', 'data', 'dist', 'package.json']);
    expect(readdirSync(join(installed, 'data'))).toContain('demo-set.jsonl');
  });
});
