import { describe, expect, it } from 'vitest';
import { startTestGateway, MATH } from '../helpers/gateway';
import { validateAgainst } from '../helpers/openapi';
import { readSse } from '../helpers/sse';
import { metadataOf } from '../helpers/metadata';

const TOOLS = [
  { type: 'function' as const, function: { name: 'add', parameters: { type: 'object', properties: {} } } },
];

describe('with tools: bypass, requests with tools go to the upstream once, unchanged but for the gateway controls', () => {
  it.each([false, true])('stream: %s', async (stream) => {
    const t = await startTestGateway();
    try {
      const body = {
        model: 'fake-model',
        messages: MATH,
        tools: TOOLS,
        best_of: 4,
        stream,
        bestofn: { tools: 'bypass' },
      };
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-bestofn-bypass')).toBe('tools');
      const text = await res.text();
      expect(t.upstream.requests).toHaveLength(1);
      const { best_of: _, bestofn: _controls, ...forwarded } = body;
      expect(t.upstream.requests[0]).toEqual(forwarded);
      if (stream) expect((await readSse(text)).data.at(-1)).toBe('[DONE]');
      else expect(validateAgainst('CreateChatCompletionResponse', JSON.parse(text))).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('BESTOFN_TOOLS=bypass is the server-wide setting, and the x-bestofn-tools header the per-request one', async () => {
    const t = await startTestGateway({ BESTOFN_TOOLS: 'bypass' });
    try {
      const ask = { model: 'fake-model', messages: MATH, tools: TOOLS, best_of: 3 };
      const bypassed = await t.client.chat.completions.create(ask as never).withResponse();
      expect(bypassed.response.headers.get('x-bestofn-bypass')).toBe('tools');
      expect(t.upstream.requests).toHaveLength(1);
      const voted = await t.client.chat.completions
        .create(ask as never, { headers: { 'x-bestofn-tools': 'vote' } })
        .withResponse();
      expect(voted.response.headers.get('x-bestofn-bypass')).toBeNull();
      expect(t.upstream.requests).toHaveLength(4);
    } finally {
      await t.close();
    }
  });

  it('samples N again when tool_choice is none', async () => {
    const t = await startTestGateway();
    try {
      await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        tools: TOOLS,
        tool_choice: 'none',
        best_of: 3,
      } as never);
      expect(t.upstream.requests).toHaveLength(3);
    } finally {
      await t.close();
    }
  });
});

describe('structured output', () => {
  it('never returns a candidate that is not the JSON asked for, and votes on parsed JSON', async () => {
    const texts = ['{"answer": 42}', 'Sure! {"answer": 42}', '{ "answer" : 42 }', '{"answer": 41}'];
    const t = await startTestGateway({}, { respond: (_b, _i, call) => ({ content: texts[call % texts.length]! }) });
    try {
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        response_format: { type: 'json_object' },
      } as never);
      expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ answer: 42 });
      const meta = metadataOf(res);
      expect(meta.candidates[1]).toMatchObject({ reward: null, invalid: 'content is not valid JSON' });
      expect(meta.candidates[0]!.answer).toBe('{"answer":42}');
      expect(meta.candidates[2]!.answer).toBe('{"answer":42}');
    } finally {
      await t.close();
    }
  });
});
