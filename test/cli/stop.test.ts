/**
 * SIGTERM to the process a user or supervisor started stops the gateway and frees its port: `npm start`
 * (the script execs node, so npm's forwarded signal reaches it) and `npx bestofn serve` (npx's shell dies
 * without passing the signal on; the gateway sees its parent go and shuts down as on SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixture-path';

const started: ChildProcess[] = [];
afterEach(() => {
  // Whatever a failed test left behind: the whole process group the test started, by its id.
  for (const child of started.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function start(cmd: string, args: string[]): { child: ChildProcess; url: Promise<URL> } {
  const child = spawn(cmd, args, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development' },
  });
  started.push(child);
  const url = new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"bestofn listening"/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before listening: ${out}${err}`)));
  });
  return { child, url };
}

const refuses = (url: URL) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(Number(url.port), url.hostname);
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

async function portFreed(url: URL): Promise<void> {
  while (!(await refuses(url))) await new Promise((r) => setTimeout(r, 100));
}

describe('stopping the gateway', () => {
  it('every npm script that starts a server execs it, so the signal npm forwards reaches the server', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const name of ['start', 'dev', 'dev:worker']) expect(scripts[name], name).toMatch(/^exec /);
  });

  for (const [name, cmd, args] of [
    ['npm start', 'npm', ['start', '--silent']],
    ['npx bestofn serve', 'npx', ['--no-install', 'bestofn', 'serve']],
  ] as const) {
    it(`SIGTERM to \`${name}\` stops the gateway and frees its port`, async () => {
      const { child, url } = start(cmd, [...args]);
      const at = await url;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      // The wrapper is gone; the gateway it started must follow (the test's timeout is the grace here).
      await portFreed(at);
      expect(await refuses(at)).toBe(true);
    }, 60_000);
  }
});
