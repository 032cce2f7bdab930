import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

/** Issue 27: items 5 (nesting) and 23 (a function tool_choice without a name) on /v1/responses. */
describe('POST /v1/responses refuses hostile shapes before any upstream call', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ BESTOFN_MAX_BODY_BYTES: '4194304' });
  });
  const post = (body: string) =>
    app.request('/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it.each([
    [
      'text.format.schema',
      `{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"s","schema":{"a":${deep(100_000)}}}}}`,
    ],
    [
      'tools[0].parameters',
      `{"model":"m","input":"x","tools":[{"type":"function","name":"f","parameters":{"a":${deep(100_000)}}}]}`,
    ],
    ['tool_choice', `{"model":"m","input":"x","tool_choice":{"type":"function","name":"f","x":${deep(100_000)}}}`],
  ])('a 100,000-deep array in %s is a 400 too_deeply_nested', async (_where, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('too_deeply_nested');
    expect(app.upstreamCalls).toHaveLength(0);
  });

  it('a function tool_choice without a name is a 400 naming tool_choice.name, never "undefined" upstream', async () => {
    const res = await post(
      JSON.stringify({
        model: 'm',
        input: 'x',
        tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
        tool_choice: { type: 'function' },
      }),
    );
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.param).toBe('tool_choice.name');
    expect(app.upstreamCalls).toHaveLength(0);
  });
});
