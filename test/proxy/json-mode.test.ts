import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

describe('JSON mode when no candidate is valid JSON', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      {},
      { respond: (_b, i) => ({ content: i % 2 ? 'Sure! {"answer": 42}' : 'The answer is 42.' }) },
    );
  });
  afterAll(() => t.close());
  const request = {
    model: 'fake-model',
    messages: MATH,
    best_of: 3,
    response_format: { type: 'json_object' as const },
  };

  it('answers 502 no_valid_candidate with each candidate’s reason, so parse() never sees non-JSON', async () => {
    const err = await t.client.chat.completions.create(request as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).code).toBe('no_valid_candidate');
    expect((err as APIError).message).toMatch(
      /candidate 0: content is not valid JSON; candidate 1: content is not valid JSON/,
    );
    await expect(t.client.chat.completions.parse(request as never)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('streamed, after a candidate arrived and the headers went out: an error event, never non-JSON content', async () => {
    const stream = (await t.client.chat.completions.create({
      ...request,
      stream: true,
    } as never)) as unknown as AsyncIterable<any>;
    const content: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) content.push(chunk.choices[0]?.delta?.content ?? '');
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).message).toMatch(/No candidate met response_format/);
    expect(content.join('')).toBe('');
  });

  it('with bestofn.json "best_effort" answers the best candidate anyway, as before', async () => {
    const res = await t.client.chat.completions.create({ ...request, bestofn: { json: 'best_effort' } } as never);
    expect(res.choices[0]!.message.content).toMatch(/42/);
    expect(metadataOf(res).candidates.every((c: any) => c.invalid === 'content is not valid JSON')).toBe(true);
  });

  it('rejects an unknown json policy naming the param', async () => {
    const err = await t.client.chat.completions.create({ ...request, bestofn: { json: 'lenient' } } as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as APIError).status).toBe(400);
    expect((err as APIError).param).toBe('bestofn.json');
  });
});
