import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Parsers written by hand the way many applications and scripts do it, without an SSE library: they
 * only work when the gateway writes OpenAI's own framing, line for line.
 */

/** Python's `for line in r.iter_lines(): if line.startswith('data: '): json.loads(line[6:])`, [DONE] ends it. */
function chatLines(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith('data: ')) throw new Error(`not a data line: ${JSON.stringify(line)}`);
    const data = line.slice(6);
    if (data === '[DONE]') break;
    out.push(JSON.parse(data));
  }
  return out;
}

/** Dispatches on `event:` lines, as OpenAI documents its Responses stream; a `data:` line without a name is lost. */
function responsesByEvent(text: string): { name: string; data: any }[] {
  const out: { name: string; data: any }[] = [];
  let name: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice(7);
    else if (line.startsWith('data: ')) {
      if (name !== undefined) out.push({ name, data: JSON.parse(line.slice(6)) });
      name = undefined;
    } else if (line !== '') throw new Error(`unexpected line: ${JSON.stringify(line)}`);
  }
  return out;
}

describe('conformance: hand-written SSE line parsers', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { rich: true });
  });
  afterAll(() => t.close());

  const post = (path: string, body: object) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.text());

  it.each([1, 3])(
    'chat at best_of %i: only data lines, usage null on every chunk but the last, then [DONE]',
    async (n) => {
      const text = await post('/chat/completions', {
        model: 'fake-model',
        messages: MATH,
        best_of: n,
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      const chunks = chatLines(text) as any[];
      const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      expect(content).toMatch(/\\boxed\{\d+\}/);
      // The fake upstream, like vLLM, leaves `usage` out of its chunks at N=1; the usage chunk closes the stream either way.
      if (n > 1) for (const c of chunks.slice(0, -1)) expect(c).toHaveProperty('usage', null);
      expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: n * 10 });
    },
  );

  it.each([1, 3])(
    'responses at best_of %i: every event named by its type, numbered, ending on response.completed with no [DONE]',
    async (n) => {
      const text = await post('/responses', {
        model: 'fake-model',
        input: 'What is 40 + 2?',
        best_of: n,
        stream: true,
      });
      expect(text).not.toContain('[DONE]');
      const events = responsesByEvent(text);
      for (const e of events) expect(e.data.type).toBe(e.name);
      expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events[0]!.name).toBe('response.created');
      expect(events.at(-1)!.name).toBe('response.completed');
      const text2 = events
        .filter((e) => e.name === 'response.output_text.delta')
        .map((e) => e.data.delta)
        .join('');
      expect(text2).toBe(events.at(-1)!.data.response.output.at(-1).content[0].text);
    },
  );
});
