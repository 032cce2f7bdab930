import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { extractAnswer } from '../../src/core/answer';
import { cotMessages } from '../../src/eval/prompt';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import { parseReplaySource, type ReplaySource } from '../../src/record/replay-source';
import { startReplayUpstream, type RunningReplay } from '../../src/record/replay-upstream';
import { startTestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';
import { fixturePath } from '../helpers/fixture-path';

const POOL = fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl');
const all = fs
  .readFileSync(POOL, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { idx: number; question: string; response: string[] });
// Problem 17's candidates split 4–4 between two answers, so copies of one candidate would show.
const rows = [all[0]!, all.find((r) => r.idx === 17)!, all[2]!];

async function gatewayOn(upstreamUrl: string): Promise<RunningGateway> {
  const config = parseConfig({
    UPSTREAM_BASE_URL: upstreamUrl,
    UPSTREAM_SUPPORTS_N: 'true',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  return startGateway(config, createLogger('silent'));
}

type Meta = { candidates: { index: number; answer: string | null }[]; selected: number[] };

describe('replay upstream', () => {
  let replay: RunningReplay;
  let gateway: RunningGateway;
  let direct: OpenAI;
  let viaGateway: OpenAI;

  beforeAll(async () => {
    const source: ReplaySource = parseReplaySource(rows.map((r) => JSON.stringify(r)).join('\n'), 'pool');
    replay = await startReplayUpstream(source);
    gateway = await gatewayOn(replay.url);
    direct = new OpenAI({ baseURL: replay.url, apiKey: 'x', maxRetries: 0 });
    viaGateway = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await replay?.close();
  });

  it('gives a gateway with UPSTREAM_SUPPORTS_N the 8 recorded candidates of one request, in order', async () => {
    const row = rows[1]!;
    const completion = (await viaGateway.chat.completions.create({
      model: 'replay',
      messages: cotMessages(row.question),
      best_of: 8,
    } as never)) as OpenAI.ChatCompletion & { bestofn: Meta };
    const meta = metadataOf(completion);
    expect(new Set(meta.candidates.map((c) => c.answer)).size).toBe(2);
    expect(meta.candidates.map((c) => c.answer)).toEqual(row.response.map((r) => extractAnswer(r)));
    expect(completion.choices[0]!.message.content).toBe(row.response[meta.selected[0]!]!.trim());
  });

  it('streams through the gateway', async () => {
    const row = rows[2]!;
    const stream = await viaGateway.chat.completions.create({
      model: 'replay',
      messages: cotMessages(`  ${row.question}\n`),
      best_of: 8,
      stream: true,
    } as never);
    let content = '';
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>)
      content += chunk.choices[0]?.delta.content ?? '';
    expect(row.response.map((r) => r.trim())).toContain(content);
  });

  it('streams n choices itself: role, content deltas, finish, usage, [DONE]', async () => {
    const row = rows[0]!;
    const stream = await direct.chat.completions.create({
      model: 'replay',
      messages: cotMessages(row.question),
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = ['', ''];
    const finish: (string | null)[] = [null, null];
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) {
        text[ch.index] += ch.delta.content ?? '';
        if (ch.finish_reason) finish[ch.index] = ch.finish_reason;
      }
    }
    expect(text).toEqual(row.response.slice(0, 2));
    expect(finish).toEqual(['stop', 'stop']);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(chunks).toBeGreaterThan(6);
  });

  it('cycles when n exceeds the recorded candidates, and says how many were recorded', async () => {
    const row = rows[0]!;
    const { data, response } = await direct.chat.completions
      .create({ model: 'replay', messages: cotMessages(row.question), n: 10 })
      .withResponse();
    expect(data.choices).toHaveLength(10);
    expect(data.choices[9]!.message.content).toBe(row.response[1]);
    expect(response.headers.get('x-replay-recorded')).toBe('8');
  });

  it('answers an unknown prompt with a 404 OpenAI error, and lists its model', async () => {
    const err = await direct.chat.completions
      .create({ model: 'replay', messages: cotMessages('never recorded') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('prompt_not_recorded');
    expect((await direct.models.list()).data.map((m) => m.id)).toContain('replay');
  });
});

describe('record, then replay', () => {
  it('replays what a gateway recorded, candidate for candidate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-replay-'));
    const file = path.join(dir, 'rec.jsonl');
    const live = await startTestGateway({ UPSTREAM_SUPPORTS_N: 'true', RECORD: file });
    const ask = (client: OpenAI) =>
      client.chat.completions.create({
        model: 'fake-model',
        messages: cotMessages('What is 40 + 2?'),
        best_of: 6,
        seed: 3,
      } as never) as unknown as Promise<OpenAI.ChatCompletion & { bestofn: Meta }>;
    let first: Meta;
    try {
      first = metadataOf(await ask(live.client));
    } finally {
      await live.close();
    }
    const replay = await startReplayUpstream(parseReplaySource(fs.readFileSync(file, 'utf8'), file));
    const gateway = await gatewayOn(replay.url);
    try {
      const second = metadataOf(await ask(new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })));
      expect(new Set(first.candidates.map((c) => c.answer)).size).toBeGreaterThan(1);
      expect(second.candidates.map((c) => c.answer)).toEqual(first.candidates.map((c) => c.answer));
      expect(second.selected).toEqual(first.selected);
    } finally {
      await gateway.close();
      await replay.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
