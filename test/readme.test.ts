import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagFor, OPTIONS } from '../src/config';
import { ERROR_CODES } from '../src/errors';

const readme = fs.readFileSync('README.md', 'utf8');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

/** The README is the newcomer's contract: keep it true as options, scripts and dependencies change. */
describe('README', () => {
  it('documents every config option with its flag', () => {
    for (const key of Object.keys(OPTIONS)) expect(readme, key).toContain(`\`${key}\` \`${flagFor(key)}\``);
  });

  it('names every runtime dependency and says why', () => {
    for (const dep of Object.keys(pkg.dependencies))
      expect(readme, dep).toMatch(new RegExp(`\\|[^|\\n]*${dep.replace(/[/@.]/g, '\\$&')}[^|\\n]*\\|`));
  });

  it('lists every error code the gateway sets, and no other', () => {
    const table = readme.slice(readme.indexOf('<!-- error-codes -->'), readme.indexOf('<!-- /error-codes -->'));
    const listed = [...table.matchAll(/^\| `([a-z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(listed)).toEqual(ERROR_CODES);
  });

  it('lists every benchmark script', () => {
    for (const script of Object.keys(pkg.scripts).filter((s) => s.startsWith('bench:')))
      expect(readme, script).toContain(`npm run ${script}`);
  });
});
