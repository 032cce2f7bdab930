import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/core/json-schema-check';
import { MAX_PATTERN_INPUT, unsafePatternReason } from '../../src/core/regex-safety';

describe('unsafePatternReason', () => {
  it.each(['^(a+)+$', '(a*)*', '^((ab)*c)+$', '(?:x+y?)+', '(?<w>\\w+){2,}', '([a-z]+)*@', '(a{1,5})+'])(
    'refuses nested quantifiers: %s',
    (pattern) => {
      expect(unsafePatternReason(pattern)).toMatch(/nested quantifiers/);
    },
  );

  it.each(['(a|a)*', '^(\\w|\\d)+$', '(\\d|[a-f])+', '(|a)+', '(a|ab)*', '(.|x)+', '(?:a|(b))+'])(
    'refuses repeated alternatives that could overlap: %s',
    (pattern) => {
      expect(unsafePatternReason(pattern)).toMatch(/alternatives/);
    },
  );

  it.each(['(a)\\1', '(?<x>a)\\k<x>'])('refuses backreferences: %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toMatch(/backreference/);
  });

  it.each([
    '^[a-z]+$',
    '^\\d{3}-\\d{4}$',
    '^(\\d{3}-)+$',
    '^(foo|bar)+$',
    '^(?:\\.|-|_)+$',
    '^(?:https?|ftp)://[a-z]+$',
    '^(x|y|z){2,5}$',
    '^[(+*)]+$',
    '^\\(+\\)*$',
    '^\\p{L}+$',
    '^(a?)+$',
    '(?<=x)y+',
    '^(?:[a-z]+-)?[0-9]+$',
    '^a{2}$',
    '\\d+(\\.\\d+)?',
  ])('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeNull();
  });
});

/** Runs `code` in a separate Node (so a regex stuck on the event loop can be killed), resolving with its stdout. */
const runIsolated = (code: string, timeoutMs: number) =>
  new Promise<{ stdout: string; killed: boolean }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code],
      { cwd: path.resolve(__dirname, '../..'), timeout: timeoutMs },
      (_err, stdout) => resolve({ stdout, killed: child.killed }),
    );
  });

describe('a schema pattern cannot stall the event loop', () => {
  it('an evil pattern is refused, and a pattern the scan lets through never runs on a long text', async () => {
    // Without the guard each check backtracks for minutes; the kill turns that into a failure, not a hang.
    const code = `
        import { compileSchema } from './src/core/json-schema-check.ts';
        const evil = compileSchema({ type: 'string', pattern: '^(a+)+$' });
        const evilText = 'a'.repeat(40) + 'b';
        console.log(evil.ok ? 'evil:' + evil.check(evilText) : 'evil refused:' + evil.code);
        const overlap = compileSchema({ type: 'object', patternProperties: { '^k': { pattern: '^(a|a)*$' } } });
        console.log(overlap.ok ? 'overlap:' + overlap.check({ k: 'a'.repeat(40) + 'b' }) : 'overlap refused:' + overlap.code);
        const safe = compileSchema({ type: 'string', pattern: '^[ab]*$' });
        console.log('safe:' + safe.check('a'.repeat(${MAX_PATTERN_INPUT}) + 'b'));
      `;
    const { stdout, killed } = await runIsolated(code, 60_000);
    expect(killed, 'the check was still running after 60 s').toBe(false);
    expect(stdout).toContain('evil refused:unsafe_pattern');
    expect(stdout).toContain('overlap refused:unsafe_pattern');
    expect(stdout).toMatch(/safe:a string of 4097 characters is longer than the 4096/);
  }, 90_000);

  it('names the offending keyword, in patternProperties too', () => {
    const result = compileSchema({ type: 'object', patternProperties: { '^(x+)+$': {} } }, 'schema');
    expect(result).toMatchObject({ ok: false, code: 'unsafe_pattern', at: 'schema.patternProperties' });
    const nested = compileSchema({ properties: { a: { items: { pattern: '(b*)*c' } } } }, 's');
    expect(nested).toMatchObject({ ok: false, code: 'unsafe_pattern', at: 's.properties.a.items.pattern' });
  });

  it('a safe pattern still validates, and short texts are matched as before', () => {
    const phone = compileSchema({ type: 'string', pattern: '^\\d{3}-\\d{4}$' });
    if (!phone.ok) throw new Error(phone.reason);
    expect(phone.check('555-1234')).toBeNull();
    expect(phone.check('5551234')).toMatch(/does not match pattern/);
  });
});
