import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/bestofn.mjs', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env }, timeout: 20_000 });

describe('bestofn CLI', () => {
  it('documents every option in serve --help', () => {
    const r = run(['serve', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--upstream-base-url');
    expect(r.stdout).toContain('[default: 8787]');
  });

  it('exits 2 with one clear line when config is missing', () => {
    const r = run(['serve']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('bestofn: UPSTREAM_BASE_URL is required\n');
  });

  it('exits 2 on an unknown command', () => {
    const r = run(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
