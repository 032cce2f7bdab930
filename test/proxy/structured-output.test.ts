import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import type { FakeChoice } from '../helpers/fake-upstream';
import { MATH, startTestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';
import { sseJson } from '../helpers/sse';

const SCHEMA = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'answer',
    strict: true,
    schema: {
      type: 'object',
      properties: { answer: { type: 'integer' } },
      required: ['answer'],
      additionalProperties: false,
    },
  },
};
const inTurn = (answers: FakeChoice[]) => ({
  respond: (_b: unknown, _i: number, c: number) => answers[c % answers.length]!,
});
const ask = (extra: object = {}) =>
  ({ model: 'fake-model', messages: MATH, best_of: 4, response_format: SCHEMA, ...extra }) as never;

async function streamed(url: string, body: object) {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  return { status: res.status, chunks: await sseJson(res) };
}

describe('structured outputs: json_schema answers are validated', () => {
  it('a candidate missing a required field, or with "8" for an integer, never wins, even two against one', async () => {
    const answers = [
      { content: '{}' },
      { content: '{"answer": "8"}' },
      { content: '{"answer": 7}' },
      { content: '{"answer":"8"}' },
    ];
    const t = await startTestGateway({ BESTOFN_SELECT: 'majority' }, inTurn(answers));
    try {
      const res = await t.client.chat.completions.create(ask());
      expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ answer: 7 });
      const meta = metadataOf(res);
      expect(meta.invalid_candidates).toBe(3);
      expect(meta.decided_by).toBe('schema');
      expect(meta.candidates[0]!.invalid).toBe(
        'content does not match the schema: value does not have required property "answer".',
      );
      expect(meta.candidates[1]!.invalid).toMatch(/Expected "integer"\. at \/answer$/);
      expect(meta.candidates[1]!.group).toBeNull();
      expect(meta.candidates[2]!.answer).toBe('{"answer":7}');
      expect(meta.candidates[3]!.group).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('valid answers group by canonical JSON: key order and spacing do not split a vote', async () => {
    const answers = [
      { content: '{"a": 1, "b": 2}' },
      { content: '{ "b":2,"a":1 }' },
      { content: '{"a": 1, "b": 3}' },
      { content: '{"a":1,"b":3,"c":0}' },
    ];
    const schema = {
      type: 'json_schema',
      json_schema: { name: 'ab', schema: { type: 'object', required: ['a', 'b'] } },
    };
    const t = await startTestGateway({ BESTOFN_SELECT: 'majority' }, inTurn(answers));
    try {
      const res = await t.client.chat.completions.create(ask({ response_format: schema }));
      expect(metadataOf(res).selected[0]).toBe(0);
      expect(metadataOf(res).candidates[1]!.group).toBe(metadataOf(res).candidates[0]!.group);
    } finally {
      await t.close();
    }
  });

  it('json_object requires an object', async () => {
    const t = await startTestGateway(
      {},
      inTurn([{ content: '[1, 2]' }, { content: '"x"' }, { content: '{"ok": true}' }, { content: '3' }]),
    );
    try {
      const res = await t.client.chat.completions.create(ask({ response_format: { type: 'json_object' } }));
      expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ ok: true });
      expect(metadataOf(res).candidates[0]!.invalid).toBe('content is not a JSON object');
      expect(metadataOf(res).decided_by).toBe('schema');
    } finally {
      await t.close();
    }
  });

  it('a schema that cannot be compiled is a 400 before any upstream call', async () => {
    const t = await startTestGateway();
    try {
      const bad = {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'object', properties: { a: { pattern: '(' } } } },
      };
      const err = await t.client.chat.completions.create(ask({ response_format: bad })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as APIError).param).toBe('response_format.json_schema.schema');
      expect(t.upstream.requests).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});

describe('refusals as OpenAI returns them', () => {
  const refusal: FakeChoice = { content: null, refusal: "I can't help with that." };

  it.each([1, 4])(
    'every candidate refused (best_of %i): 200, content null, message.refusal; streamed as delta.refusal',
    async (n) => {
      const t = await startTestGateway({}, { respond: () => refusal });
      try {
        const res = await t.client.chat.completions.create(ask({ best_of: n }));
        expect(res.choices[0]!.message.content).toBeNull();
        expect(res.choices[0]!.message.refusal).toBe("I can't help with that.");
        const { status, chunks } = await streamed(t.url, ask({ best_of: n }) as object);
        expect(status).toBe(200);
        expect(chunks.some((c) => c.error)).toBe(false);
        // At N=1 the stream is the upstream's own, relayed as it came; at N=4 the gateway writes it as OpenAI does.
        if (n > 1) expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: null });
        expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('');
        expect(chunks.map((c) => c.choices[0]?.delta.refusal ?? '').join('')).toBe("I can't help with that.");
        // The SDK's parse() gives the refusal and no parsed value.
        const parsed = await t.client.chat.completions.parse(ask({ best_of: n }));
        expect(parsed.choices[0]!.message.refusal).toBe("I can't help with that.");
        expect(parsed.choices[0]!.message.parsed).toBeNull();
      } finally {
        await t.close();
      }
    },
  );

  it('a valid answer beats refusals; no valid answer but a refusal gives the refusal; neither is a 502', async () => {
    const t = await startTestGateway({}, inTurn([refusal, refusal, { content: '{"answer": 3}' }, refusal]));
    try {
      const res = await t.client.chat.completions.create(ask());
      expect(res.choices[0]!.message.content).toBe('{"answer": 3}');
      expect(metadataOf(res).candidates[0]!.invalid).toBe("refused: I can't help with that.");
    } finally {
      await t.close();
    }
    const mixed = await startTestGateway(
      {},
      inTurn([{ content: 'not json' }, refusal, { content: '{}' }, { content: 'x' }]),
    );
    try {
      const res = await mixed.client.chat.completions.create(ask());
      expect(res.choices[0]!.message.refusal).toBe("I can't help with that.");
    } finally {
      await mixed.close();
    }
    const broken = await startTestGateway({}, { respond: () => ({ content: 'not json' }) });
    try {
      const err = await broken.client.chat.completions.create(ask()).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as APIError).status).toBe(502);
      expect((err as APIError).code).toBe('no_valid_candidate');
    } finally {
      await broken.close();
    }
  });
});
