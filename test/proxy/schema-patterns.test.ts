import { describe, expect, it } from 'vitest';
import type { FakeChoice } from '../helpers/fake-upstream';
import { startTestApp } from '../helpers/app';
import { MATH, startTestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

const format = (schema: object) => ({ type: 'json_schema' as const, json_schema: { name: 'x', schema } });
const post = (body: object) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 3, ...body }),
});

describe('client regular expressions that could stall the gateway', () => {
  it.each([
    [{ type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } }, 'properties.a.pattern'],
    [{ type: 'object', patternProperties: { '^(k*)*$': { type: 'string' } } }, 'patternProperties'],
    [{ type: 'string', pattern: '^(a)\\1$' }, 'pattern'],
  ])('are a 400 unsafe_pattern naming the field, before any upstream call (%j)', async (schema, at) => {
    const app = await startTestApp();
    const res = await app.request('/v1/chat/completions', post({ response_format: format(schema) }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; param: string; message: string } };
    expect(body.error.code).toBe('unsafe_pattern');
    expect(body.error.param).toBe(`response_format.json_schema.schema.${at}`);
    expect(body.error.message).toMatch(/refused/);
    expect(app.upstreamCalls).toHaveLength(0);
  });

  it('the same in a tool schema', async () => {
    const app = await startTestApp();
    const tools = [
      {
        type: 'function',
        function: { name: 'f', parameters: { type: 'object', properties: { q: { pattern: '(x+)+' } } } },
      },
    ];
    const res = await app.request('/v1/chat/completions', post({ tools }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; param: string } };
    expect(body.error).toMatchObject({
      code: 'unsafe_pattern',
      param: 'tools[0].function.parameters.properties.q.pattern',
    });
    expect(app.upstreamCalls).toHaveLength(0);
  });

  it('ordinary patterns still decide which candidate is valid, end to end', async () => {
    const answers: FakeChoice[] = [
      { content: '{"name":"Ada1","phone":"555-1234"}' },
      { content: '{"name":"ada","phone":"5551234"}' },
      { content: '{"name":"ada","phone":"555-1234"}' },
    ];
    const t = await startTestGateway(
      { BESTOFN_SELECT: 'majority' },
      { respond: (_b: unknown, _i: number, c: number) => answers[c % answers.length]! },
    );
    try {
      const schema = {
        type: 'object',
        properties: {
          name: { type: 'string', pattern: '^[a-z]+$' },
          phone: { type: 'string', pattern: '^\\d{3}-\\d{4}$' },
        },
        required: ['name', 'phone'],
      };
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 3,
        response_format: format(schema),
      } as never);
      expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ name: 'ada', phone: '555-1234' });
      expect(metadataOf(res).invalid_candidates).toBe(2);
    } finally {
      await t.close();
    }
  });
});
