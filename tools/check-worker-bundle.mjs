#!/usr/bin/env node
// Builds the Cloudflare Worker exactly as `wrangler deploy` would (a dry run: no account, no network)
// and fails if anything Node-only leaked into it. A stray import of the ONNX scorer or the pino logger
// from shared code would otherwise only show up as a failed deploy.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Not under dist/: that is the package's build, and whatever lies there ships in the tarball.
const outdir = join(root, '.wrangler', 'dry-run');
// Node-only packages that must never be bundled, each with the pattern that finds it in bundle text.
const FORBIDDEN = [
  ['onnxruntime', /onnxruntime/],
  ['prom-client', /prom-client/],
  ['pino', /\bpino\b/],
  ['ioredis', /\bioredis\b|redis-parser|denque/],
  ['node: builtins', /\b(?:from|import|require)\s*\(?\s*["']node:/],
];

function fail(message) {
  console.error(`check-worker-bundle: ${message}`);
  process.exit(1);
}

rmSync(outdir, { recursive: true, force: true });
const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
const build = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
});
if (build.status !== 0)
  fail(`wrangler deploy --dry-run exited with ${build.status ?? build.signal}\n${build.stdout}\n${build.stderr}`);

const files = existsSync(outdir) ? readdirSync(outdir).filter((f) => /\.m?js$/.test(f)) : [];
if (files.length === 0) fail(`no JavaScript in ${relative(root, outdir)}; wrangler said:\n${build.stdout}`);

let bytes = 0;
let gzipBytes = 0;
for (const file of files) {
  const path = join(outdir, file);
  const text = readFileSync(path, 'utf8');
  for (const [name, pattern] of FORBIDDEN) {
    const at = text.search(pattern);
    if (at !== -1)
      fail(
        `${relative(root, path)} contains ${name}: …${text.slice(Math.max(0, at - 80), at + 80).replace(/\s+/g, ' ')}…`,
      );
  }
  bytes += statSync(path).size;
  gzipBytes += gzipSync(text).length;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `worker bundle ok: ${files.map((f) => relative(root, join(outdir, f))).join(', ')}: ${kib(bytes)} (${kib(gzipBytes)} gzip); no onnxruntime, prom-client, pino, ioredis or node: imports`,
);
