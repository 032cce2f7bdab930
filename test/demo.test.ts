import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';

/** The environment of a fresh shell: no upstream settings, no NODE_ENV (vitest sets it to 'test'). */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(UPSTREAM_|FALLBACK_UPSTREAM|CONFIG_FILE|NODE_ENV|BESTOFN_|SCORER)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** `npm start` exactly as a newcomer types it (plus a free port), in its own process group. */
function npmStart(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn('npm', ['start', '--silent', '--', '--port', '0'], { env, detached: true, stdio: 'pipe' });
}

function listeningUrl(child: ChildProcessWithoutNullStreams): Promise<{ url: string; log: () => string }> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /"url":"(http:[^"]+)"/.exec(out);
      if (m) resolve({ url: m[1]!, log: () => out });
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const demoRows = fs
  .readFileSync('data/demo-set.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { question: string; response: string[]; pred: string[] });
// A recorded problem whose candidates disagree, so the vote has something to decide.
const problem = demoRows.find((r) => new Set(r.pred).size > 1)!;

describe('npm start with nothing configured', () => {
  let child: ChildProcessWithoutNullStreams;
  let started: { url: string; log: () => string };
  let client: OpenAI;

  beforeAll(async () => {
    child = npmStart(cleanEnv());
    started = await listeningUrl(child);
    client = new OpenAI({ baseURL: `${started.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  });

  it('says loudly that it serves the recorded demo set, and how to use a real model', () => {
    expect(started.log()).toMatch(/No upstream is configured: serving the recorded demo set .*UPSTREAM_BASE_URL=/);
  });

  it('answers a recorded problem with a Best-of-8 over its recorded candidates, marked as a demo', async () => {
    const res = await client.chat.completions.create({
      model: 'bestofn-demo',
      messages: [{ role: 'user', content: problem.question }],
      best_of: 8,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const meta = (
      res as unknown as {
        bestofn: { demo: boolean; n_received: number; candidates: { answer: string | null; reward: number }[] };
      }
    ).bestofn;
    expect(meta.demo).toBe(true);
    expect(meta.n_received).toBe(8);
    expect(problem.response).toContain(res.choices[0]!.message.content);
    // The vote scorer: each candidate's reward is the share of candidates agreeing with it, and they differ here.
    expect(new Set(meta.candidates.map((c) => c.reward)).size).toBeGreaterThan(1);
  });

  it('refuses any other prompt with a 400 that lists recorded problems, and never invents an answer', async () => {
    const err = await client.chat.completions
      .create({ model: 'bestofn-demo', messages: [{ role: 'user', content: 'Write me a poem.' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.message).toMatch(/recorded demo problems/);
    expect(demoRows.some((r) => e.message.includes(JSON.stringify(r.question)))).toBe(true);
  });

  it('marks /healthz and /v1/models as demo', async () => {
    expect(await (await fetch(`${started.url}/healthz`)).json()).toMatchObject({ status: 'ok', demo: true });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['bestofn-demo']);
  });
});

describe('the demo set never stands in for a real configuration', () => {
  it('NODE_ENV=production without an upstream exits with the clear error', async () => {
    const child = npmStart(cleanEnv({ NODE_ENV: 'production' }));
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(err).toContain('bestofn: UPSTREAM_BASE_URL is required');
  });

  it('only `serve` allows it: other callers of parseConfig still require an upstream', () => {
    expect(() => parseConfig({})).toThrow('UPSTREAM_BASE_URL is required');
    expect(parseConfig({}, [], undefined, { allowDemo: true }).demo).toBe(true);
    expect(() => parseConfig({ UPSTREAM_SUPPORTS_N: 'true' }, [], undefined, { allowDemo: true })).toThrow(
      'UPSTREAM_BASE_URL is required',
    );
    expect(() => parseConfig({ NODE_ENV: 'production' }, [], undefined, { allowDemo: true })).toThrow(
      'UPSTREAM_BASE_URL is required',
    );
    expect(parseConfig({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1' }, [], undefined, { allowDemo: true }).demo).toBe(
      false,
    );
  });
});
