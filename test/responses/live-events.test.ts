import { describe, expect, it } from 'vitest';
import type { UpstreamChunk } from '../../src/http/openai-schemas';
import { liveEvents } from '../../src/responses/live-events';
import { numbered } from '../../src/responses/response-events';
import { newResponseContext } from '../../src/responses/response-object';
import { responsesRequest } from '../../src/responses/request';
import { validateAgainst, validateResponseEvent } from '../helpers/openapi';

/** The translation of one chat stream into Responses events, on chunks a chat server may send. */
const ctx = () => newResponseContext(responsesRequest.parse({ model: 'm', input: 'hi', stream: true }));
const chunk = (delta: UpstreamChunk['choices'] extends (infer C)[] | undefined ? C : never): UpstreamChunk => ({
  choices: [delta],
});
const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };

async function run(chunks: UpstreamChunk[], fail?: Error): Promise<any[]> {
  async function* source() {
    yield* chunks;
    if (fail) throw fail;
  }
  const out: any[] = [];
  for await (const e of numbered(liveEvents(ctx(), source(), { metadata: (finish) => ({ finish }) }))) out.push(e);
  for (const e of out) expect(validateResponseEvent(e), `${e.type} ${JSON.stringify(e)}`).toEqual([]);
  return out;
}

describe('liveEvents', () => {
  it('interleaved parallel calls each keep their own item and arguments; they close at the end, in order', async () => {
    const events = await run([
      chunk({ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x"' } }] } }),
      chunk({ index: 0, delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{"y"' } }] } }),
      chunk({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } }),
      chunk({ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: ':2}' } }] } }),
      chunk({ index: 0, delta: {}, finish_reason: 'tool_calls' }),
      { choices: [], usage },
    ]);
    const done = events.filter((e) => e.type === 'response.function_call_arguments.done');
    expect(done.map((e) => [e.output_index, e.name, e.arguments])).toEqual([
      [0, 'f', '{"x":1}'],
      [1, 'g', '{"y":2}'],
    ]);
    const final = events.at(-1).response;
    expect(validateAgainst('Response', final)).toEqual([]);
    expect(final.output.map((o: any) => o.call_id)).toEqual(['a', 'b']);
    expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
    expect(final.bestofn).toEqual({ finish: 'tool_calls' });
  });

  it('text then a refusal: two content parts of one message; a length stop makes it incomplete', async () => {
    const events = await run([
      chunk({ index: 0, delta: { role: 'assistant', content: '' } as never }),
      chunk({ index: 0, delta: { content: 'I ' } }),
      chunk({ index: 0, delta: { refusal: 'cannot' } }),
      chunk({ index: 0, delta: {}, finish_reason: 'length' }),
    ]);
    const final = events.at(-1).response;
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(final.output).toHaveLength(1);
    expect(final.output[0]).toMatchObject({ status: 'incomplete' });
    expect(final.output[0].content).toEqual([
      { type: 'output_text', text: 'I ', annotations: [], logprobs: [] },
      { type: 'refusal', refusal: 'cannot' },
    ]);
    expect(events.find((e) => e.type === 'response.refusal.delta')).toMatchObject({ content_index: 1 });
  });

  it('an empty answer is an empty message, as the whole answer would be', async () => {
    const events = await run([chunk({ index: 0, delta: {}, finish_reason: 'stop' })]);
    expect(events.at(-1).response.output).toEqual([expect.objectContaining({ type: 'message', status: 'completed' })]);
    expect(events.at(-1).response.output[0].content).toEqual([
      { type: 'output_text', text: '', annotations: [], logprobs: [] },
    ]);
  });

  it('a failure after some text: response.failed with the finished items, then the error event', async () => {
    const events = await run(
      [chunk({ index: 0, delta: { reasoning_content: 'hmm' } }), chunk({ index: 0, delta: { content: 'The answer' } })],
      new Error('socket hang up'),
    );
    expect(events.slice(-2).map((e) => e.type)).toEqual(['response.failed', 'error']);
    const failed = events.at(-2).response;
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    // The reasoning was finished when the text began; the message never was.
    expect(failed.output.map((o: any) => o.type)).toEqual(['reasoning']);
  });
});
