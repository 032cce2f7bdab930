#!/usr/bin/env node
// Builds dist/: ESM JavaScript with esbuild, declarations with tsc.
//
// The sources import each other without extensions (moduleResolution Bundler), which Node's ESM loader
// cannot follow, so the JavaScript is bundled per entry (dependencies stay external imports) with shared
// chunks split out: `await import()` in the sources stays lazy. tsc alone cannot do that; esbuild is the
// bundler vitest, tsx and wrangler already run here. Declarations come from tsc (esbuild emits none), and
// their relative specifiers get the `.js` that NodeNext consumers need.
//
//   node tools/build.mjs          dist/*.js and dist/types/**.d.ts
//   node tools/build.mjs --js     the JavaScript only (npm start's prestart: a second, not tsc's ~20 s)
//   --outdir DIR                  elsewhere than dist/ (test/tools/package.test.ts builds a package to pack)
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outAt = process.argv.indexOf('--outdir');
const dist = outAt === -1 ? join(root, 'dist') : resolve(process.argv[outAt + 1] ?? 'dist');
const jsOnly = process.argv.includes('--js');
// tsconfig.build.json writes the declarations to dist/types, wherever the JavaScript goes.
if (outAt !== -1 && !jsOnly) throw new Error('build: --outdir is only for --js builds');

/** Each public entry (package.json "exports") and the CLI that bin/bestofn.mjs runs. */
const ENTRIES = {
  index: 'src/lib/index.ts',
  core: 'src/lib/core.ts',
  node: 'src/lib/node.ts',
  worker: 'src/lib/worker.ts',
  cli: 'src/cli.ts',
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // `npm ci --omit=dev` (the Docker image's dependency stage) runs `prepare` without the dev dependencies;
  // that install only needs the runtime packages, and the image takes dist/ from its build stage.
  if (process.env.npm_lifecycle_event === 'prepare') {
    console.log('build: esbuild is not installed (a production install): dist/ not built');
    process.exit(0);
  }
  console.error('build: esbuild is missing: run npm ci (dev dependencies included) first');
  process.exit(1);
}

const started = performance.now();
// Built in a staging folder inside dist/ and moved in file by file, chunks before the entries that import
// them: a rename is atomic, so a `bestofn` started while another build runs (npm start's prestart in a
// parallel test, a second terminal) finds every file whole, never a missing cli.js or a half-written chunk.
mkdirSync(dist, { recursive: true });
const staging = mkdtempSync(join(dist, '.build-'));
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies are installed next to the package, not copied into it.
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  const built = files(staging).map((f) => relative(staging, f));
  const order = (f) => (f.startsWith(`chunks${sep}`) ? 0 : 1);
  for (const f of [...built].sort((a, b) => order(a) - order(b))) {
    mkdirSync(dirname(join(dist, f)), { recursive: true });
    renameSync(join(staging, f), join(dist, f));
  }
  // Only what this build did not write: a stale chunk from an earlier build would otherwise ship in the package.
  const kept = new Set(built);
  const listed = (dir) => (existsSync(dir) ? readdirSync(dir) : []);
  const ours = [
    ...listed(dist).filter((f) => f.endsWith('.js')),
    ...listed(join(dist, 'chunks')).map((f) => join('chunks', f)),
  ];
  for (const f of ours) if (!kept.has(f)) rmSync(join(dist, f), { force: true });
} finally {
  rmSync(staging, { recursive: true, force: true });
}
if (!jsOnly) rmSync(join(dist, 'types'), { recursive: true, force: true });
const jsMs = performance.now() - started;

if (!jsOnly) {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  addJsExtensions(join(dist, 'types'));
}

console.log(
  `build: ${files(dist).filter((f) => f.endsWith('.js')).length} JavaScript files in ${relative(root, dist)}/ ` +
    `(esbuild ${Math.round(jsMs)} ms)` +
    (jsOnly ? '' : `, ${files(join(dist, 'types')).length} declaration files in dist/types/`) +
    ` in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** `from './x'` → `from './x.js'` or `'./x/index.js'`, whichever file tsc wrote. */
function addJsExtensions(dir) {
  for (const file of files(dir)) {
    if (!file.endsWith('.d.ts')) continue;
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(
      /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*)\2/g,
      (whole, lead, quote, spec) => {
        if (/\.(js|json)$/.test(spec)) return whole;
        const base = join(dirname(file), spec);
        if (existsSync(`${base}.d.ts`)) return `${lead}${quote}${spec}.js${quote}`;
        if (existsSync(join(base, 'index.d.ts'))) return `${lead}${quote}${spec}/index.js${quote}`;
        throw new Error(`build: ${relative(root, file)} imports ${spec}, which tsc did not emit`);
      },
    );
    if (fixed !== text) writeFileSync(file, fixed);
  }
}
