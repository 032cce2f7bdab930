import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import { validateAgainst } from '../helpers/openapi';
import { startRawUpstream } from '../helpers/raw-upstream';

/** A text-completions upstream: choice i of a request with seed s says `\boxed{answer}` from a fixed list. */
const ANSWERS = ['41', '42', '42', '7', '42', '13'];
const textOf = (seed: number, i: number) =>
  ` We add 40 and 2.\n\nSo the answer is \\boxed{${ANSWERS[(seed + i) % 6]}}.`;

describe('POST /v1/completions with openai-node', () => {
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  const seen: any[] = [];
  let gateway: RunningGateway;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = await startRawUpstream((req, res, raw) => {
      if (req.url !== '/v1/completions') return void (res.writeHead(404), res.end());
      const body = JSON.parse(raw);
      seen.push(body);
      const seed = body.seed ?? 0;
      const n = body.n ?? 1;
      const base = { id: `cmpl-up-${seen.length}`, created: 1_700_000_000, model: body.model };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const words = textOf(seed, 0).split(/(?<= )/);
        for (const w of words)
          res.write(
            `data: ${JSON.stringify({ ...base, object: 'text_completion', choices: [{ text: w, index: 0, logprobs: null, finish_reason: null }] })}\n\n`,
          );
        res.end(
          `data: ${JSON.stringify({ ...base, object: 'text_completion', choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`,
        );
        return;
      }
      const choices = Array.from({ length: n }, (_, i) => ({
        text: (body.echo ? body.prompt : '') + textOf(seed, i),
        index: i,
        logprobs:
          body.logprobs == null
            ? null
            : { tokens: ['x'], token_logprobs: [-0.1], top_logprobs: [{ x: -0.1 }], text_offset: [0] },
        finish_reason: 'stop',
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...base,
          object: 'text_completion',
          choices,
          usage: { prompt_tokens: 5, completion_tokens: 10 * n, total_tokens: 5 + 10 * n },
        }),
      );
    });
    const config = parseConfig(
      { UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent', SCORER: 'vote', BESTOFN_N: '1' },
      [],
      loadConfigFile,
    );
    gateway = await startGateway(config, createLogger('silent'));
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('plain at N=1: the upstream answer, spec-valid, with the request forwarded as sent', async () => {
    const res = await client.completions.create({
      model: 'm',
      prompt: 'What is 40 + 2?',
      max_tokens: 32,
      temperature: 0,
      stop: ['\n\n\n'],
      suffix: '',
    });
    expect(validateAgainst('CreateCompletionResponse', res)).toEqual([]);
    expect(res.choices[0]!.text).toBe(textOf(0, 0));
    expect(seen.at(-1)).toEqual({
      model: 'm',
      prompt: 'What is 40 + 2?',
      max_tokens: 32,
      temperature: 0,
      stop: ['\n\n\n'],
      suffix: '',
    });
  });

  it('streamed at N=1: the upstream chunks, live', async () => {
    const stream = await client.completions.create({ model: 'm', prompt: 'What is 40 + 2?', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(textOf(0, 0));
    expect(seen.at(-1).stream).toBe(true);
  });

  it('best_of 5, n 2: five drawn, the top two by the configured scorer (a vote), spec-valid', async () => {
    const res = await client.completions.create({
      model: 'm',
      prompt: 'What is 40 + 2?',
      best_of: 5,
      n: 2,
      logprobs: 1,
      seed: 0,
    });
    expect(validateAgainst('CreateCompletionResponse', res)).toEqual([]);
    // The upstream is not declared to take n (UPSTREAM_SUPPORTS_N): five requests, seeds 0 to 4.
    // Sent in parallel: they may arrive in any order.
    const drawn = seen.slice(-5).sort((a, b) => a.seed - b.seed);
    expect(drawn.map((b) => [b.n, b.seed, b.logprobs])).toEqual([0, 1, 2, 3, 4].map((s) => [1, s, 1]));
    for (const b of drawn) expect(b).not.toHaveProperty('best_of');
    expect(res.choices).toHaveLength(2);
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    // 42 is the majority answer of the five (41, 42, 42, 7, 42).
    for (const c of res.choices) expect(c.text).toContain('\\boxed{42}');
    expect(res.choices[0]!.logprobs).toMatchObject({ tokens: ['x'] });
    expect(res.usage).toMatchObject({ completion_tokens: 50 });
    expect((res as any).bestofn).toMatchObject({ n_requested: 5, n_received: 5, scorer: 'vote' });
  });

  it('echo (a loglikelihood call) passes through whatever best_of the server defaults to; bad values are 400s', async () => {
    const res = await client.completions.create({
      model: 'm',
      prompt: 'Q: 1+1?',
      echo: true,
      max_tokens: 0,
      logprobs: 1,
    });
    expect(res.choices[0]!.text.startsWith('Q: 1+1?')).toBe(true);
    for (const bad of [{ best_of: 1, n: 2 }, { logprobs: 6 }, { best_of: 3, stream: true }, { prompt: 7 }])
      await expect(client.completions.create({ model: 'm', prompt: 'x', ...bad } as never)).rejects.toMatchObject({
        status: 400,
      });
  });
});
