#!/usr/bin/env node
// The CLI from the TypeScript sources, through tsx: `npm run dev -- serve`, and what the tests spawn, so
// that they run the code as it is now rather than the last build. bin/bestofn.mjs runs dist/.
import { register } from 'tsx/esm/api';

// mathjs is a thousand plain-JS modules: loaded by Node itself before tsx's hooks are in place, it costs
// a fifth less CPU at every start; the sources' own import then finds it loaded.
await import('mathjs');
register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
