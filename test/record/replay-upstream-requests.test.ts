import { describe, expect, it } from 'vitest';
import { MAX_BEST_OF } from '../../src/config';
import { parseReplaySource } from '../../src/record/replay-source';
import { createReplayApp } from '../../src/record/replay-upstream';

const source = parseReplaySource(
  JSON.stringify({ question: 'What is 2 + 2?', response: ['It is \\boxed{4}.', 'Maybe \\boxed{5}.'] }),
  'pool',
);
const app = createReplayApp(source);
const post = (body: unknown) =>
  app.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const user = [{ role: 'user', content: 'What is 2 + 2?' }];

describe('replay-upstream checks requests at the edge: a bad one is a 400 in OpenAI’s shape', () => {
  it('bounds n as a gateway bounds best_of, instead of building a billion choices', async () => {
    const res = await post({ model: 'replay', messages: user, n: 1_000_000_000 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining(`Invalid 'n'`),
        type: 'invalid_request_error',
        param: 'n',
        code: 'invalid_value',
      },
    });
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const most = await post({ model: 'replay', messages: user, n: MAX_BEST_OF });
    expect(most.status).toBe(200);
    expect(((await most.json()) as { choices: unknown[] }).choices).toHaveLength(MAX_BEST_OF);
  });

  it('names the message that is not a message, as the gateway would', async () => {
    const res = await post({ model: 'replay', messages: [null] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'messages[0]', code: 'invalid_type' },
    });
    const part = await post({ model: 'replay', messages: [{ role: 'user', content: [null] }] });
    expect(part.status).toBe(400);
    expect(await part.json()).toMatchObject({ error: { param: 'messages[0].content[0]' } });
  });

  it('keeps its other answers: no messages, n of 0 or 1.5, JSON that is not an object, and a good request', async () => {
    expect(await (await post({ model: 'replay' })).json()).toMatchObject({
      error: { param: 'messages', code: 'missing_required_parameter' },
    });
    for (const n of [0, 1.5, '2']) {
      const res = await post({ model: 'replay', messages: user, n });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { param: 'n' } });
    }
    for (const body of ['{"model":', '[1]']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_json' } });
    }
    const ok = await post({ model: 'replay', messages: user, n: 2 });
    expect(ok.status).toBe(200);
    const data = (await ok.json()) as { choices: { message: { content: string } }[] };
    expect(data.choices.map((c) => c.message.content)).toEqual(['It is \\boxed{4}.', 'Maybe \\boxed{5}.']);
  });
});
