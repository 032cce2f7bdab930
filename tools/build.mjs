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
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
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
// Only what this build writes: a stale chunk from an earlier build would otherwise ship in the package.
for (const entry of existsSync(dist) ? readdirSync(dist) : []) {
  if (entry.endsWith('.js') || entry === 'chunks' || (entry === 'types' && !jsOnly))
    rmSync(join(dist, entry), { recursive: true, force: true });
}

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ENTRIES,
  outdir: dist,
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
