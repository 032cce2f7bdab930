import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, MATH, type TestGateway } from '../helpers/gateway';
import { validateAgainst } from '../helpers/openapi';
import { metadataOf } from '../helpers/metadata';

describe('POST /v1/chat/completions (non-streaming)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('returns the majority answer of N candidates in the OpenAI shape', async () => {
    const res = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 8,
      seed: 1,
    } as never);
    expect(validateAgainst('CreateChatCompletionResponse', res)).toEqual([]);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.message.content).toContain('\\boxed{42}');
    expect((res.choices[0]!.message as { reasoning_content?: string }).reasoning_content).toMatch(/Let me think/);
    const meta = metadataOf(res);
    expect(meta).toMatchObject({
      n_requested: 8,
      n_received: 8,
      scorer: 'vote',
      select: 'argmax',
      temperature: 0.7,
      temperature_source: 'bestofn',
    });
    expect(meta.candidates).toHaveLength(8);
    const winner = meta.candidates[meta.selected[0]!]!;
    expect(winner.answer).toBe('42');
    expect(winner.reward).toBe(Math.max(...meta.candidates.map((c) => c.reward ?? -Infinity)));
    expect(meta.timings_ms.total).toBeGreaterThanOrEqual(0);
  });

  it('sums usage over every upstream sample and sends N requests when the upstream lacks n', async () => {
    const before = t.upstream.requests.length;
    const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 4 } as never);
    const sent = t.upstream.requests.slice(before);
    expect(sent).toHaveLength(4);
    expect(
      sent.every((b) => b.n === 1 && b.temperature === 0.7 && b.best_of === undefined && b.bestofn === undefined),
    ).toBe(true);
    expect(res.usage!.prompt_tokens).toBe(40);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
  });

  it('passes every other field through unchanged, vendor extras included', async () => {
    const before = t.upstream.requests.length;
    const extras = {
      max_tokens: 64,
      max_completion_tokens: 64,
      stop: ['\n\n\n'],
      seed: 7,
      top_p: 0.9,
      top_k: 20,
      min_p: 0.05,
      chat_template_kwargs: { enable_thinking: true },
    };
    await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2, ...extras } as never);
    const sent = t.upstream.requests.slice(before);
    for (const body of sent)
      expect(body).toMatchObject({ ...extras, seed: expect.any(Number), model: 'fake-model', messages: MATH });
  });

  it('gives each candidate its own seed, so a seeded request still yields N different samples', async () => {
    const before = t.upstream.requests.length;
    await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 3, seed: 7 } as never);
    expect(t.upstream.requests.slice(before).map((b) => b.seed)).toEqual([7, 8, 9]);
  });

  it('keeps a client temperature above 0 and replaces 0 with the Best-of-N temperature', async () => {
    let before = t.upstream.requests.length;
    const hot = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 2,
      temperature: 1.1,
    } as never);
    expect(t.upstream.requests.slice(before).map((b) => b.temperature)).toEqual([1.1, 1.1]);
    expect(metadataOf(hot)).toMatchObject({ temperature: 1.1, temperature_source: 'client' });
    before = t.upstream.requests.length;
    const greedy = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 2,
      temperature: 0,
    } as never);
    expect(t.upstream.requests.slice(before).map((b) => b.temperature)).toEqual([0.7, 0.7]);
    expect(metadataOf(greedy).temperature).toBe(0.7);
  });

  it('returns the top-k candidates, ranked, as k choices when the client sends n', async () => {
    const res = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      n: 3,
      best_of: 8,
      seed: 3,
    } as never);
    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    const meta = metadataOf(res);
    expect(meta.selected).toHaveLength(3);
    const rewards = meta.selected.map((i) => meta.candidates[i]!.reward!);
    expect([...rewards].sort((a, b) => b - a)).toEqual(rewards);
    expect(validateAgainst('CreateChatCompletionResponse', res)).toEqual([]);
  });

  it('takes the controls from x-bestofn-* headers', async () => {
    const before = t.upstream.requests.length;
    const res = await t.client.chat.completions.create(
      { model: 'fake-model', messages: MATH },
      { headers: { 'x-bestofn-n': '3', 'x-bestofn-select': 'majority', 'x-bestofn-aggregate': 'mean' } },
    );
    expect(t.upstream.requests.length - before).toBe(3);
    expect(metadataOf(res)).toMatchObject({ n_requested: 3, select: 'majority', aggregate: 'mean' });
  });

  it('lets the body bestofn object win over best_of and headers', async () => {
    const res = await t.client.chat.completions.create(
      { model: 'fake-model', messages: MATH, best_of: 5, bestofn: { n: 2, select: 'weighted_vote' } } as never,
      { headers: { 'x-bestofn-n': '6' } },
    );
    expect(metadataOf(res)).toMatchObject({ n_requested: 2, select: 'weighted_vote' });
  });

  it('drops the metadata with x-bestofn-metadata: off', async () => {
    const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2 } as never, {
      headers: { 'x-bestofn-metadata': 'off' },
    });
    expect(res).not.toHaveProperty('bestofn');
    expect(validateAgainst('CreateChatCompletionResponse', res)).toEqual([]);
  });

  it('passes GET /v1/models through to the upstream', async () => {
    const models = await t.client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fake-model']);
  });

  it('reports readiness on /healthz', async () => {
    const res = await fetch(`${t.gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', scorer: { name: 'vote' } });
  });
});

describe('upstreams that support n', () => {
  it('sends one request with n = N', async () => {
    const t = await startTestGateway({ UPSTREAM_SUPPORTS_N: 'true' });
    try {
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 6 } as never);
      expect(t.upstream.requests).toHaveLength(1);
      expect(t.upstream.requests[0].n).toBe(6);
      expect(metadataOf(res).n_received).toBe(6);
    } finally {
      await t.close();
    }
  });
});

describe('--record', () => {
  it('appends every answered request with its candidates and rewards to JSONL', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-record-')), 'run.jsonl');
    const t = await startTestGateway({ RECORD: file });
    try {
      await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 3 } as never);
      await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2, n: 2 } as never);
    } finally {
      await t.close();
    }
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ problem: 'What is 40 + 2?', scorer: 'vote', options: { n: 3, k: 1 } });
    expect(lines[0].candidates).toHaveLength(3);
    expect(lines[0].candidates[0]).toMatchObject({
      index: 0,
      answer: expect.any(String),
      reward: expect.any(Number),
      message: { content: expect.any(String) },
    });
    expect(lines[1].selected).toHaveLength(2);
  });
});
