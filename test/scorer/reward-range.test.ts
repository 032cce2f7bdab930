import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { ScorerError } from '../../src/errors';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { createPrmScorer } from '../../src/scorer/prm-scorer';
import { createScoreCache, sequenceScoreBytes } from '../../src/scorer/score-cache';
import type { SequenceScorer } from '../../src/scorer/types';
import { countTags, startFakeVllm } from '../helpers/fake-vllm-pooling';
import { MATH, startTestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';
import { startRawUpstream } from '../helpers/raw-upstream';

/**
 * Issue 27, item 18: a reward out of range (±1e308, a negative probability, NaN, a positive logprob)
 * is refused where it enters; the request is ranked as after a failed scorer, and the metadata says so.
 */
let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('a remote PRM that answers rewards out of range', () => {
  it.each([
    ['1e308', 1e308],
    ['-1e308', -1e308],
    ['a negative probability', -0.5],
    ['a probability above 1', 1.5],
  ])('%s: ranked by vote, the metadata names the refused reward', async (_name, value) => {
    // The first step of every sequence gets the bad value; the rest look like a normal PRM's.
    const prm = await startFakeVllm({
      respond: (input) => Array.from({ length: countTags(input) }, (_, i) => [0.1, i === 0 ? value : 0.9]),
    });
    const t = await startTestGateway({ SCORER: 'remote', SCORER_URL: prm.url });
    cleanup.push(
      () => prm.close(),
      () => t.close(),
    );
    const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 3 } as never);
    const meta = metadataOf(res);
    expect(meta.scorer).toBe('vote');
    expect(meta.fallback).toMatchObject({ from: 'remote', reason: expect.stringContaining('out of range') });
    expect(meta.fallback?.reason).toContain(String(value));
  });

  it('with SCORER_FALLBACK=error: a 503 scorer_bad_response', async () => {
    const prm = await startFakeVllm({ respond: (input) => Array.from({ length: countTags(input) }, () => [0, 2]) });
    const t = await startTestGateway({ SCORER: 'remote', SCORER_URL: prm.url, SCORER_FALLBACK: 'error' });
    cleanup.push(
      () => prm.close(),
      () => t.close(),
    );
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }),
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('scorer_bad_response');
  });
});

describe('an in-process model (onnx) whose output is not a probability', () => {
  it('NaN is refused before it is cached', async () => {
    let reward = NaN;
    const model: SequenceScorer = {
      name: 'onnx',
      modelId: 'm',
      async scoreSequences(sequences) {
        return sequences.map((s) => ({ stepRewards: s.steps.map(() => reward), windowed: false, tokens: 1 }));
      },
    };
    const cache = createScoreCache({ entries: 10, maxBytes: 1 << 20 }, sequenceScoreBytes);
    const prm = createPrmScorer(model, { cache });
    const request = {
      problem: 'p',
      candidates: [{ thinking: '', thinkingSteps: [], response: 'a', responseSteps: ['a'], answer: null }],
    };
    const err = await prm.score(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).code).toBe('scorer_bad_response');
    reward = 0.25;
    expect((await prm.score(request)).rewards).toEqual([{ thinking: null, response: [0.25] }]);
  });
});

describe('SCORER=confidence with a logprob out of range', () => {
  const recorded = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../fixtures/logprobs/chat-completion-n2.json'), 'utf8'),
  );
  it.each([
    ['+1e308', 1e308],
    ['a positive logprob', 0.5],
  ])('%s: ranked by vote, the metadata names it', async (_name, value) => {
    const answer = structuredClone(recorded);
    answer.choices[1].logprobs.content[0].top_logprobs[1].logprob = value;
    const upstream = await startRawUpstream((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
    );
    const config = parseConfig(
      {
        UPSTREAM_BASE_URL: upstream.url,
        UPSTREAM_SUPPORTS_N: 'true',
        PORT: '0',
        LOG_LEVEL: 'silent',
        SCORER: 'confidence',
      },
      [],
      loadConfigFile,
    );
    const gateway = await startGateway(config, createLogger('silent'));
    cleanup.push(
      () => upstream.close(),
      () => gateway.close(),
    );
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'qwen',
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      best_of: 2,
    } as never);
    const meta = metadataOf(res);
    expect(meta.scorer).toBe('vote');
    expect(meta.fallback).toMatchObject({ from: 'confidence', reason: expect.stringContaining('out of range') });
    expect(meta.candidates.every((c) => c.reward === null || Number.isFinite(c.reward))).toBe(true);
  });
});
