#!/usr/bin/env node
// Runs the built CLI (dist/, from `npm run build`; `npm ci` and `npm start` build it). From a clone,
// `npm run dev -- <command>` runs the TypeScript sources instead, with no build step.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('bestofn: dist/ is missing: run `npm run build` (or `npm ci`, which builds it) first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
