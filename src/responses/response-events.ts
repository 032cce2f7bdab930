import { toErrorResponse } from '../errors';
import { deltaPieces, deltaPiecesWithLogprobs } from '../proxy/response';
import {
  completedResponse,
  outputItems,
  responseShell,
  toResponseLogprob,
  type Answer,
  type ResponseContext,
} from './response-object';

/** Events before the answer is known: a client sees its response exist while the candidates race. */
export function openingEvents(ctx: ResponseContext) {
  return [
    { type: 'response.created', response: responseShell(ctx, 'in_progress') },
    { type: 'response.in_progress', response: responseShell(ctx, 'in_progress') },
  ];
}

/**
 * The chosen answer as the Responses stream: each output item added, its text in deltas (reasoning as
 * reasoning_text, the message as output_text with the logprobs of exactly its tokens, tool calls as
 * argument deltas), done, then `response.completed` with the whole response.
 */
export function* answerEvents(ctx: ResponseContext, answer: Answer): Generator<Record<string, unknown>> {
  const output = outputItems(answer);
  for (const [output_index, item] of output.entries()) {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      yield { type: 'response.output_item.added', output_index, item: { ...item, content: [], status: 'in_progress' } };
      const part = item.content[0]!;
      yield {
        type: 'response.content_part.added',
        item_id,
        output_index,
        content_index: 0,
        part: { ...part, text: '' },
      };
      for (const delta of deltaPieces(part.text))
        yield { type: 'response.reasoning_text.delta', item_id, output_index, content_index: 0, delta };
      yield { type: 'response.reasoning_text.done', item_id, output_index, content_index: 0, text: part.text };
      yield { type: 'response.content_part.done', item_id, output_index, content_index: 0, part };
    } else if (item.type === 'message') {
      yield { type: 'response.output_item.added', output_index, item: { ...item, content: [], status: 'in_progress' } };
      for (const [content_index, part] of item.content.entries()) {
        if (part.type === 'refusal') {
          yield {
            type: 'response.content_part.added',
            item_id,
            output_index,
            content_index,
            part: { type: 'refusal', refusal: '' },
          };
          yield { type: 'response.refusal.delta', item_id, output_index, content_index, delta: part.refusal };
          yield { type: 'response.refusal.done', item_id, output_index, content_index, refusal: part.refusal };
        } else {
          yield {
            type: 'response.content_part.added',
            item_id,
            output_index,
            content_index,
            part: { ...part, text: '', logprobs: [] },
          };
          const tokens = Array.isArray(answer.logprobs?.content) ? answer.logprobs.content : undefined;
          const deltas = tokens?.length
            ? deltaPiecesWithLogprobs(part.text, tokens)
            : ([...deltaPieces(part.text)].map((p) => [p, []]) as Iterable<[string, typeof tokens & object]>);
          for (const [delta, lp] of deltas)
            yield {
              type: 'response.output_text.delta',
              item_id,
              output_index,
              content_index,
              delta,
              logprobs: lp.map(toResponseLogprob),
            };
          yield {
            type: 'response.output_text.done',
            item_id,
            output_index,
            content_index,
            text: part.text,
            logprobs: part.logprobs,
          };
        }
        yield { type: 'response.content_part.done', item_id, output_index, content_index, part };
      }
    } else {
      yield {
        type: 'response.output_item.added',
        output_index,
        item: { ...item, arguments: '', status: 'in_progress' },
      };
      // The arguments in pieces, as the API streams them.
      for (const delta of deltaPieces(item.arguments))
        yield { type: 'response.function_call_arguments.delta', item_id, output_index, delta };
      yield {
        type: 'response.function_call_arguments.done',
        item_id,
        output_index,
        name: item.name,
        arguments: item.arguments,
      };
    }
    yield { type: 'response.output_item.done', output_index, item };
  }
  yield { type: 'response.completed', response: completedResponse(ctx, answer, output) };
}

/** The whole stream: the opening events at once, the answer's when it is chosen, or the error event if none is. */
export async function* streamEvents(
  ctx: ResponseContext,
  answer: Promise<Answer>,
  scrub?: (text: string) => string,
): AsyncGenerator<Record<string, unknown>> {
  yield* openingEvents(ctx);
  let chosen: Answer;
  try {
    chosen = await answer;
  } catch (err) {
    const { sequence_number: _, ...event } = responseErrorEvent(err, scrub);
    yield event;
    return;
  }
  yield* answerEvents(ctx, chosen);
}

/** A failure after the headers, before any event: the Responses `error` event, which also carries chat's `error` body so every SDK raises it. */
export function responseErrorEvent(err: unknown, scrub?: (text: string) => string) {
  const { body } = toErrorResponse(err, scrub);
  return {
    type: 'error',
    code: body.error.code,
    message: body.error.message,
    param: body.error.param,
    sequence_number: 0,
    ...body,
  };
}

/** Numbers the events in the order they are sent, as the API does. */
export async function* numbered(
  events: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  first = 0,
): AsyncGenerator<Record<string, unknown>> {
  let sequence_number = first;
  for await (const e of events) yield { ...e, sequence_number: sequence_number++ };
}
