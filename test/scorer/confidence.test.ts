import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import { metadataOf } from '../helpers/metadata';
import { startRawUpstream } from '../helpers/raw-upstream';

const plain = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/logprobs/chat-completion-n2.json'), 'utf8'),
);

/** An upstream that answers every request with the recorded two-choice completion, with or without its logprobs. */
async function recordedUpstream(withLogprobs: boolean) {
  const bodies: any[] = [];
  const answer = withLogprobs
    ? plain
    : { ...plain, choices: plain.choices.map((c: any) => ({ ...c, logprobs: null })) };
  const upstream = await startRawUpstream((_req, res, body) => {
    bodies.push(JSON.parse(body));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  return { url: upstream.url, bodies, close: upstream.close };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function gatewayOver(withLogprobs: boolean, env: Record<string, string> = {}) {
  const upstream = await recordedUpstream(withLogprobs);
  const config = parseConfig(
    {
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_SUPPORTS_N: 'true',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SCORER: 'confidence',
      CONFIDENCE_WINDOW: '3',
      ...env,
    },
    [],
    loadConfigFile,
  );
  const gateway: RunningGateway = await startGateway(config, createLogger(config.LOG_LEVEL));
  cleanup.push(
    () => upstream.close(),
    () => gateway.close(),
  );
  return { upstream, client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'test', maxRetries: 0 }) };
}

const ask = (client: OpenAI, select: string, extra: object = {}) =>
  client.chat.completions.create({
    model: 'qwen',
    messages: [{ role: 'user', content: 'What is 2 + 3?' }],
    best_of: 2,
    bestofn: { select },
    ...extra,
  } as any);

describe('SCORER=confidence on recorded logprobs', () => {
  it('asks for top logprobs, scores each trace by hand-computed bottom-10% confidence, and returns no logprobs', async () => {
    const { upstream, client } = await gatewayOver(true);
    const res: any = await ask(client, 'weighted_vote');
    expect(upstream.bodies[0]).toMatchObject({ logprobs: true, top_logprobs: 20, n: 2 });
    const meta = metadataOf(res);
    expect(meta.scorer).toBe('confidence');
    expect(meta.candidates[0]!.reward).toBeCloseTo(6.873333 / 3, 5);
    expect(meta.candidates[1]!.reward).toBeCloseTo(3.433333 / 3, 5);
    expect(meta.candidates[0]!.confidence).toBeCloseTo(6.873333 / 3, 5);
    expect(meta.candidates.map((c) => c.group)).toEqual([0, 1]);
    expect(res.choices[0].message.content).toBe('2 + 3 = \\boxed{5}');
    expect(res.choices[0].logprobs ?? null).toBeNull();
    expect(meta.vote).toMatchObject({ clusters: 2, merged: 0 });
  });

  it('uses the configured measure', async () => {
    const { client } = await gatewayOver(true, { CONFIDENCE_MEASURE: 'tail' });
    const meta = metadataOf(await ask(client, 'argmax'));
    expect(meta.candidates[0]!.reward).toBeCloseTo(11.84 / 3, 5);
    expect(meta.candidates[1]!.reward).toBeCloseTo(7.433333 / 3, 5);
    expect(meta.scorer_info).toMatchObject({ measure: 'tail', window: 3, eta: 100 });
  });

  it('with η filtering only the most confident traces vote', async () => {
    const { client } = await gatewayOver(true, { CONFIDENCE_ETA: '50' });
    const meta = metadataOf(await ask(client, 'weighted_vote'));
    expect(meta.candidates[1]!.reward).toBe(0);
    expect(meta.scorer_info?.filtered).toBe(1);
  });

  it('without logprobs from the upstream falls back to vote, and says so', async () => {
    const { client } = await gatewayOver(false);
    const meta = metadataOf(await ask(client, 'majority'));
    expect(meta.scorer).toBe('vote');
    expect(meta.fallback).toEqual({ from: 'confidence', reason: 'the upstream returned no logprobs' });
    expect(meta.candidates.map((c) => c.reward)).toEqual([0.5, 0.5]);
  });
});
