import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonlSync } from '../../src/files/jsonl-read';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';

/**
 * RECORD through the real CLI: a gateway killed with SIGKILL under load, a torn line as a crash
 * mid-write leaves it, a restart that appends to the same file, rotation, and replay of what is left,
 * with counts proving no record is lost or written twice.
 */
const cli = (args: string[], env: Record<string, string>) =>
  spawn(process.execPath, ['tools/dev.mjs', ...args], {
    env: { PATH: process.env.PATH!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = cli(['serve', '--port', '0'], { LOG_LEVEL: 'info', ...env });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

const ask = (url: string, i: number) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', best_of: 2, messages: [{ role: 'user', content: `question ${i}` }] }),
  })
    .then((r) => r.status)
    .catch(() => 0);

const prompts = (file: string, skipped: string[] = []) =>
  [...readJsonlSync(file, { onSkip: (m) => skipped.push(m) })].map(
    ({ row }) => (row.request as { messages: { content: string }[] }).messages[0]!.content,
  );

describe('RECORD survives SIGKILL, restarts and rotation', () => {
  let upstream: FakeUpstream;
  let dir: string;
  beforeAll(async () => {
    upstream = await startFakeUpstream({ latencyMs: 5 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-record-'));
  });
  afterAll(async () => {
    await upstream.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL mid-load, a torn tail, a restart, then replay: every answered request once, nothing torn', async () => {
    const file = path.join(dir, 'run.jsonl');
    const env = { UPSTREAM_BASE_URL: upstream.url, RECORD: file };
    const first = await serve(env);
    const statuses: Promise<number>[] = [];
    let i = 0;
    let answeredLive = 0;
    // Requests keep arriving until the kill, which comes once 20 were answered; some are cut off mid-flight.
    const load = setInterval(() => {
      for (let k = 0; k < 4; k++) statuses.push(ask(first.url, i++).then((s) => (s === 200 && answeredLive++, s)));
    }, 2);
    const deadline = Date.now() + 30_000;
    while (answeredLive < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    clearInterval(load);
    await exited(first.child);
    const answered = (await Promise.all(statuses)).filter((s) => s === 200).length;
    expect(answered).toBeGreaterThanOrEqual(20);
    expect(i).toBeGreaterThan(answered); // the kill cut requests off mid-flight
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const afterKill = prompts(file);
    // Each record is written before its answer is sent: everything answered is there, nothing twice.
    expect(afterKill.length).toBeGreaterThanOrEqual(answered);
    expect(afterKill.length).toBeLessThanOrEqual(i);
    expect(new Set(afterKill).size).toBe(afterKill.length);

    // A write cut short, as a crash on a full disk or an older writer leaves it.
    fs.appendFileSync(file, '{"time":"2026-01-01T00:00:00Z","request":{"model":"m","messa');
    const skipped: string[] = [];
    expect(prompts(file, skipped)).toHaveLength(afterKill.length);
    expect(skipped).toEqual([`${file}:${afterKill.length + 1}: torn last line (no newline, not JSON); skipped`]);

    // The restarted gateway moves the fragment aside and says so; its records land on lines of their own.
    const second = await serve(env);
    for (let k = 0; k < 5; k++) expect(await ask(second.url, 100_000 + k)).toBe(200);
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(second.output()).toContain(`${file}: the last line was torn`);
    expect(fs.readFileSync(`${file}.torn`, 'utf8')).toContain('"messa');

    const all: string[] = [];
    const finalPrompts = prompts(file, all);
    expect(all).toEqual([]);
    expect(finalPrompts).toHaveLength(afterKill.length + 5);
    expect(new Set(finalPrompts).size).toBe(finalPrompts.length);

    // The replay upstream (the real CLI) serves every recorded prompt.
    const replay = cli(['replay-upstream', '--data', file, '--port', '0'], {});
    let err = '';
    replay.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      const check = () => (/prompts/.test(err) ? resolve() : undefined);
      replay.stderr!.on('data', check);
      replay.once('exit', () => reject(new Error(err)));
    });
    replay.kill('SIGTERM');
    expect(err).toContain(`${finalPrompts.length} prompts, ${finalPrompts.length * 2} candidates`);
    expect(err).not.toContain('skipped');
  }, 60_000);

  it('a torn line in the middle (written by an older gateway) costs that line only, reported by file:line', async () => {
    const file = path.join(dir, 'old.jsonl');
    const row = (q: string) =>
      JSON.stringify({
        request: { model: 'm', messages: [{ role: 'user', content: q }] },
        candidates: [{ index: 0, message: { role: 'assistant', content: 'x' } }],
      });
    fs.writeFileSync(file, `${row('a')}\n{"request":{"model":"m","messages":[{"ro${row('b')}\n${row('c')}\n`);
    const replay = cli(['replay-upstream', '--data', file, '--port', '0'], {});
    let err = '';
    await new Promise<void>((resolve, reject) => {
      replay.stderr!.on('data', (d) => ((err += d), /prompts/.test(err) && resolve()));
      replay.once('exit', (code) => reject(new Error(`exit ${code}: ${err}`)));
    });
    replay.kill('SIGTERM');
    expect(err).toContain(`${file}:2: not JSON (a torn write?); skipped`);
    expect(err).toContain('2 prompts, 2 candidates');
  }, 30_000);

  it('rotates at RECORD_MAX_MB, keeping RECORD_KEEP files, none lost in between', async () => {
    const file = path.join(dir, 'rot.jsonl');
    const { child, url } = await serve({
      UPSTREAM_BASE_URL: upstream.url,
      RECORD: file,
      RECORD_MAX_MB: '0.01',
      RECORD_KEEP: '2',
    });
    try {
      for (let k = 0; k < 30; k++) expect(await ask(url, k)).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    const files = [file, `${file}.1`, `${file}.2`];
    for (const f of files) {
      expect(fs.statSync(f).size).toBeLessThanOrEqual(10.24 * 1024);
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    }
    expect(fs.existsSync(`${file}.3`)).toBe(false);
    // The newest records, oldest file first, in order and without a gap.
    const kept = [...files].reverse().flatMap((f) => prompts(f));
    expect(kept.length).toBeGreaterThan(3);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => `question ${30 - kept.length + k}`));
  }, 30_000);
});
