import { readSse } from '../helpers/sse';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestOfNMetadataSchema } from '../../src/core/bestofn-metadata';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';

/** One candidate: nothing to choose, so the gateway relays the upstream live, with the client's settings. */
describe('N=1 is a faithful live passthrough', () => {
  let t: TestGateway;
  const TOKENS = 30;
  beforeAll(async () => {
    // A slow writer: 30 tokens at 40 ms each; the answer ends 1.2 s after its first token.
    t = await startTestGateway(
      {},
      {
        chunkDelayMs: 40,
        steadyRate: true,
        respond: () => ({ content: Array.from({ length: TOKENS }, (_, i) => `t${i}`).join(' ') }),
      },
    );
  });
  afterAll(() => t.close());

  it.each([
    ['best_of: 1', { best_of: 1 }, {}],
    ['bestofn.n: 1', { bestofn: { n: 1 } }, {}],
    ['x-bestofn-n: 1', {}, { 'x-bestofn-n': '1' }],
  ])('%s: the first token reaches the client while the upstream is still writing', async (_name, extra, headers) => {
    const before = t.upstream.tokensSent;
    const stream = await t.client.chat.completions.create(
      { model: 'fake-model', messages: MATH, stream: true, ...extra } as never,
      { headers },
    );
    let sentAtFirstToken: number | undefined;
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      const delta = chunk.choices[0]?.delta.content ?? '';
      if (delta && sentAtFirstToken === undefined) sentAtFirstToken = t.upstream.tokensSent - before;
      text += delta;
    }
    expect(text.split(' ')).toHaveLength(TOKENS);
    // Held back, the answer would arrive whole: the upstream would have sent every token by then.
    expect(sentAtFirstToken).toBeLessThan(TOKENS / 2);
    expect(t.upstream.requests.at(-1).stream).toBe(true);
  });

  it('the upstream gets the client body unchanged: temperature 0, stream_options, no gateway fields', async () => {
    await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      temperature: 0,
      best_of: 1,
      bestofn: { n: 1 },
      seed: 3,
    } as never);
    const sent = t.upstream.requests.at(-1);
    expect(sent).toEqual({ model: 'fake-model', messages: MATH, temperature: 0, seed: 3 });
  });

  it('plain: the upstream answer with the metadata of a bypass, which says the temperature was the client’s', async () => {
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, temperature: 0, best_of: 1 }),
    });
    expect(res.headers.get('x-bestofn-bypass')).toBe('single');
    const body = await res.json();
    expect(body.id).toMatch(/^chatcmpl-fake-/);
    const meta = bestOfNMetadataSchema.parse(body.bestofn);
    expect(meta).toMatchObject({
      n_requested: 1,
      n_received: 1,
      temperature: 0,
      temperature_source: 'client',
      bypass: 'single',
      candidates: [{ index: 0, finish_reason: 'stop' }],
    });
  });

  it('streamed: usage and metadata ride the end of the stream; x-bestofn-metadata: off leaves the chunks untouched', async () => {
    const read = async (headers: Record<string, string>) => {
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          model: 'fake-model',
          messages: MATH,
          best_of: 1,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      const { data } = await readSse(res);
      return data.filter((d) => d.startsWith('{')).map((d) => JSON.parse(d));
    };
    const chunks = await read({});
    const finishing = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(bestOfNMetadataSchema.parse(finishing.bestofn)).toMatchObject({ bypass: 'single' });
    expect(chunks.filter((c) => c.bestofn)).toHaveLength(1);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 10, completion_tokens: TOKENS });
    expect((await read({ 'x-bestofn-metadata': 'off' })).some((c) => c.bestofn)).toBe(false);
  });
});

describe('temperature at N > 1', () => {
  it('0 is raised to the Best-of-N temperature, and the metadata says so', async () => {
    const t = await startTestGateway();
    try {
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        temperature: 0,
        best_of: 2,
      } as never);
      expect(t.upstream.requests.at(-1).temperature).toBe(0.7);
      expect((res as unknown as { bestofn: unknown }).bestofn).toMatchObject({
        temperature: 0.7,
        temperature_source: 'bestofn',
      });
    } finally {
      await t.close();
    }
  });
});

describe('N=1 relays the answer text with the metadata added', () => {
  it.each([
    [
      'an answer with a bestofn member of its own and odd spacing',
      '{ "id" : "chatcmpl-raw", "bestofn": {"from": "upstream"}, "choices": [ {"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": "}{ \\"x\\": 1"}} ] }\n\n',
    ],
    ['an empty object', ' { } '],
  ])('%s: every member kept, and the gateway’s bestofn read', async (_name, text) => {
    const raw = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
    const t = await startTestGateway({ UPSTREAM_BASE_URL: raw.url });
    try {
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 1 }),
      });
      expect(res.status).toBe(200);
      const { bestofn, ...rest } = (await res.json()) as Record<string, unknown>;
      const { bestofn: _theirs, ...sent } = JSON.parse(text) as Record<string, unknown>;
      expect(rest).toEqual(sent);
      const finish = text.includes('length') ? 'length' : null;
      expect(bestOfNMetadataSchema.parse(bestofn)).toMatchObject({
        bypass: 'single',
        candidates: [{ finish_reason: finish }],
      });
    } finally {
      await t.close();
      await raw.close();
    }
  });
});
