import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, MATH, type TestGateway } from '../helpers/gateway';
import { validateAgainst } from '../helpers/openapi';
import { readSse } from '../helpers/sse';
import { metadataOf } from '../helpers/metadata';

describe('streaming through the real Node server', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ BESTOFN_HEARTBEAT_MS: '20' }, { latencyMs: 120 });
  });
  afterAll(() => t.close());

  it('streams the winner as valid chunks: role, reasoning, content, finish, usage, [DONE]', async () => {
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { comments, data } = await readSse(res);
    expect(comments.length).toBeGreaterThanOrEqual(3); // the opening comment and heartbeats while the 120 ms samples ran
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    for (const chunk of chunks) expect(validateAgainst('CreateChatCompletionStreamResponse', chunk)).toEqual([]);

    const kinds = chunks.map((c) => {
      const choice = c.choices[0];
      if (!choice) return 'usage';
      if (choice.finish_reason) return 'finish';
      if (choice.delta.role) return 'role';
      return choice.delta.reasoning_content !== undefined ? 'reasoning' : 'content';
    });
    const collapsed = kinds.filter((k, i) => k !== kinds[i - 1]);
    expect(collapsed).toEqual(['role', 'reasoning', 'content', 'finish', 'usage']);

    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toContain('\\boxed{42}');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(metadataOf(finish)).toMatchObject({ n_requested: 4, scorer: 'vote' });
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
  });

  it('works with the official client, which sees the same text as a non-streaming call', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 4,
      seed: 5,
      stream: true,
    } as never);
    let content = '';
    let reasoning = '';
    for await (const chunk of stream as unknown as AsyncIterable<any>) {
      content += chunk.choices[0]?.delta.content ?? '';
      reasoning += chunk.choices[0]?.delta.reasoning_content ?? '';
    }
    const plain = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 4,
      seed: 5,
    } as never);
    expect(content).toBe(plain.choices[0]!.message.content);
    expect(reasoning).toBe((plain.choices[0]!.message as any).reasoning_content);
  });

  it('streams k choices when the client asks for n = k', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 4,
      n: 2,
      stream: true,
    } as never);
    const indices = new Set<number>();
    for await (const chunk of stream as unknown as AsyncIterable<any>)
      for (const c of chunk.choices) indices.add(c.index);
    expect([...indices].sort()).toEqual([0, 1]);
  });
});

describe('streaming failures', () => {
  it('turns an upstream failure after the headers into an error event the client raises', async () => {
    // The failure comes after the first heartbeat, when the headers have gone out.
    const t = await startTestGateway(
      { BESTOFN_HEARTBEAT_MS: '20' },
      {
        latencyMs: 150,
        fail: () => ({ status: 500, body: { error: { message: 'model crashed', type: 'server_error' } } }),
      },
    );
    try {
      const stream = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 2,
        stream: true,
      } as never);
      await expect(async () => {
        for await (const _ of stream as unknown as AsyncIterable<unknown>) void _;
      }).rejects.toThrow(/model crashed/);
    } finally {
      await t.close();
    }
  });
});
