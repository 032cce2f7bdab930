import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['tools/dev.mjs', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, ...env },
    timeout: 20_000,
  });

describe('bestofn CLI', () => {
  it('documents every option in serve --help', async () => {
    const r = await runMain(['serve', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--upstream-base-url');
    expect(r.stdout).toContain('[default: 8787]');
  });

  it('exits 2 with one clear line when config is missing in production (through the CLI entry, tools/dev.mjs: its exit code and stderr)', () => {
    const r = run(['serve'], { NODE_ENV: 'production' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('bestofn: UPSTREAM_BASE_URL is required\n');
  });

  it('exits 2 when an upstream setting is given without its base URL, instead of serving the demo set', async () => {
    const r = await runMain(['serve'], { UPSTREAM_API_KEY: 'sk-test' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('bestofn: UPSTREAM_BASE_URL is required\n');
  });

  it('exits 2 on an unknown command', async () => {
    const r = await runMain(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('bestofn serve', () => {
  it('finishes an in-flight request on SIGTERM before exiting', async () => {
    const { spawn } = await import('node:child_process');
    const { startFakeUpstream } = await import('./helpers/fake-upstream');
    const upstream = await startFakeUpstream({ latencyMs: 600 });
    const child = spawn(process.execPath, ['tools/dev.mjs', 'serve', '--port', '0', '--log-level', 'info'], {
      env: { PATH: process.env.PATH!, UPSTREAM_BASE_URL: upstream.url, SHUTDOWN_GRACE_MS: '5000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /"url":"(http:[^"]+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const pending = fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] }),
      });
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGTERM');
      const res = await pending;
      expect(res.status).toBe(200);
      expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await upstream.close();
    }
  });
});
