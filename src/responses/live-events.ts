import { choiceLogprobs, type UpstreamChunk, type UpstreamUsage } from '../http/openai-schemas';
import { sumUsage } from '../proxy/usage';
import { openingEvents, responseErrorEvent } from './response-events';
import {
  completedResponse,
  failedResponse,
  itemId,
  toResponseLogprob,
  type OutputItem,
  type ResponseContext,
} from './response-object';

type Event = Record<string, unknown>;
type Logprob = ReturnType<typeof toResponseLogprob>;
type MessageItem = Extract<OutputItem, { type: 'message' }>;
type MessagePart = MessageItem['content'][number];

type OpenReasoning = { type: 'reasoning'; id: string; output_index: number; text: string };
type OpenMessage = { type: 'message'; id: string; output_index: number; done: MessagePart[]; part?: OpenPart };
/** The item whose deltas are arriving: thinking or the message; a new one closes it. */
type TextItem = OpenReasoning | OpenMessage;
type OpenPart = { type: 'output_text'; text: string; logprobs: Logprob[] } | { type: 'refusal'; refusal: string };

interface CallItem {
  id: string;
  output_index: number;
  call_id: string;
  name: string;
  arguments: string;
}

export interface LiveEventsOptions {
  /** The `bestofn` object for `response.completed`, given the upstream's finish reason; undefined leaves it out. */
  metadata?: (finishReason: string) => Record<string, unknown> | undefined;
  scrub?: (text: string) => string;
  /** Told when the upstream fails after the stream began (for the log). */
  onFailure?: (err: unknown) => void;
}

/**
 * One upstream chat stream as the Responses stream, event for event as the chunks arrive: thinking as a
 * `reasoning` item, the text (and a refusal) as a `message` item with its logprobs, each tool call as a
 * `function_call` item whose arguments stream as they are written. A thinking or message item closes
 * when another item begins (the order OpenAI streams them in); calls close at the end, since a chat
 * server may interleave parallel calls. A stream cut before its end is `response.failed`, then the
 * `error` event that the SDKs raise: never a silent end.
 */
export async function* liveEvents(
  ctx: ResponseContext,
  chunks: AsyncIterable<UpstreamChunk>,
  options: LiveEventsOptions = {},
): AsyncGenerator<Event> {
  const slots: (OutputItem | undefined)[] = [];
  const calls = new Map<number, CallItem>();
  let current: TextItem | undefined;
  let finishReason = 'stop';
  let usage: UpstreamUsage | undefined;
  let serviceTier: string | undefined;
  let content = '';
  let refusal = '';
  let sawMessage = false;

  const closePart = function* (m: OpenMessage): Generator<Event> {
    const part = m.part;
    if (!part) return;
    const at = { item_id: m.id, output_index: m.output_index, content_index: m.done.length };
    const whole: MessagePart =
      part.type === 'refusal'
        ? { type: 'refusal', refusal: part.refusal }
        : { type: 'output_text', text: part.text, annotations: [], logprobs: part.logprobs };
    if (whole.type === 'refusal') yield { type: 'response.refusal.done', ...at, refusal: whole.refusal };
    else yield { type: 'response.output_text.done', ...at, text: whole.text, logprobs: whole.logprobs };
    yield { type: 'response.content_part.done', ...at, part: whole };
    m.done.push(whole);
    m.part = undefined;
  };

  const closeText = function* (status: MessageItem['status']): Generator<Event> {
    const open = current;
    if (!open) return;
    current = undefined;
    const { id, output_index } = open;
    let item: OutputItem;
    if (open.type === 'reasoning') {
      const part = { type: 'reasoning_text' as const, text: open.text };
      const at = { item_id: id, output_index, content_index: 0 };
      yield { type: 'response.reasoning_text.done', ...at, text: open.text };
      yield { type: 'response.content_part.done', ...at, part };
      item = { type: 'reasoning', id, summary: [], content: [part], status: 'completed' };
    } else {
      yield* closePart(open);
      item = { type: 'message', id, role: 'assistant', status, content: open.done };
    }
    slots[output_index] = item;
    yield { type: 'response.output_item.done', output_index, item };
  };

  const openReasoning = function* (): Generator<Event, OpenReasoning> {
    if (current?.type === 'reasoning') return current;
    yield* closeText('completed');
    const open: OpenReasoning = { type: 'reasoning', id: itemId('rs'), output_index: slots.length, text: '' };
    slots.push(undefined);
    current = open;
    const item = { type: 'reasoning', id: open.id, summary: [], content: [], status: 'in_progress' };
    yield { type: 'response.output_item.added', output_index: open.output_index, item };
    const at = { item_id: open.id, output_index: open.output_index, content_index: 0 };
    yield { type: 'response.content_part.added', ...at, part: { type: 'reasoning_text', text: '' } };
    return open;
  };

  const openPart = function* (kind: 'output_text' | 'refusal'): Generator<Event, [OpenMessage, OpenPart]> {
    if (current?.type !== 'message') {
      yield* closeText('completed');
      const id = itemId('msg');
      sawMessage = true;
      current = { type: 'message', id, output_index: slots.length, done: [] };
      slots.push(undefined);
      const item = { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] };
      yield { type: 'response.output_item.added', output_index: current.output_index, item };
    }
    const m = current;
    if (m.part?.type === kind) return [m, m.part];
    yield* closePart(m);
    const at = { item_id: m.id, output_index: m.output_index, content_index: m.done.length };
    if (kind === 'refusal') {
      m.part = { type: 'refusal', refusal: '' };
      yield { type: 'response.content_part.added', ...at, part: { type: 'refusal', refusal: '' } };
    } else {
      m.part = { type: 'output_text', text: '', logprobs: [] };
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      yield { type: 'response.content_part.added', ...at, part };
    }
    return [m, m.part];
  };

  const at = (m: { id: string; output_index: number }, content_index?: number) => ({
    item_id: m.id,
    output_index: m.output_index,
    ...(content_index === undefined ? {} : { content_index }),
  });

  yield* openingEvents(ctx);
  try {
    for await (const chunk of chunks) {
      if (chunk.usage) usage = chunk.usage;
      if (chunk.service_tier) serviceTier = chunk.service_tier;
      // The request asked for one choice; a server that sends more is read for its first.
      for (const choice of chunk.choices ?? []) {
        if ((choice.index ?? 0) !== 0) continue;
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const delta = choice.delta;
        if (!delta) continue;
        const thinking = delta.reasoning_content ?? delta.reasoning;
        if (thinking) {
          const r = yield* openReasoning();
          r.text += thinking;
          yield { type: 'response.reasoning_text.delta', ...at(r, 0), delta: thinking };
        }
        if (delta.content) {
          const [m, part] = yield* openPart('output_text');
          if (part.type !== 'output_text') continue;
          const logprobs = (choiceLogprobs(choice.logprobs)?.content ?? []).map(toResponseLogprob);
          part.text += delta.content;
          part.logprobs.push(...logprobs);
          content += delta.content;
          yield { type: 'response.output_text.delta', ...at(m, m.done.length), delta: delta.content, logprobs };
        }
        if (delta.refusal) {
          const [m, part] = yield* openPart('refusal');
          if (part.type !== 'refusal') continue;
          part.refusal += delta.refusal;
          refusal += delta.refusal;
          yield { type: 'response.refusal.delta', ...at(m, m.done.length), delta: delta.refusal };
        }
        for (const piece of delta.tool_calls ?? []) {
          let call = calls.get(piece.index);
          if (!call) {
            yield* closeText('completed');
            call = {
              id: itemId('fc'),
              output_index: slots.length,
              call_id: piece.id ?? `call_${piece.index}`,
              name: piece.function?.name ?? '',
              arguments: '',
            };
            slots.push(undefined);
            calls.set(piece.index, call);
            const { id, call_id, name, output_index } = call;
            const item = { type: 'function_call', id, call_id, name, arguments: '', status: 'in_progress' };
            yield { type: 'response.output_item.added', output_index, item };
          } else if (piece.function?.name && !call.name) call.name = piece.function.name;
          const args = piece.function?.arguments;
          if (args) {
            call.arguments += args;
            yield { type: 'response.function_call_arguments.delta', ...at(call), delta: args };
          }
        }
      }
    }
  } catch (err) {
    options.onFailure?.(err);
    const { sequence_number: _, ...error } = responseErrorEvent(err, options.scrub);
    const finished = slots.filter((s): s is OutputItem => s !== undefined);
    yield { type: 'response.failed', response: failedResponse(ctx, finished, error.message) };
    yield error;
    return;
  }

  const status = finishReason === 'length' ? 'incomplete' : 'completed';
  // As on the whole answer: a message item unless the answer is tool calls alone (an empty answer is an empty text).
  if (!sawMessage && calls.size === 0) yield* openPart('output_text');
  yield* closeText(status);
  for (const call of [...calls.values()].sort((a, b) => a.output_index - b.output_index)) {
    const { id, output_index, call_id, name, arguments: args } = call;
    yield { type: 'response.function_call_arguments.done', ...at(call), name, arguments: args };
    const item: OutputItem = { type: 'function_call', id, call_id, name, arguments: args, status: 'completed' };
    slots[output_index] = item;
    yield { type: 'response.output_item.done', output_index, item };
  }
  const output = slots.filter((s): s is OutputItem => s !== undefined);
  const answer = {
    message: { role: 'assistant' as const, content: content || null, refusal: refusal || null },
    finishReason,
    usage: sumUsage([usage]),
    ...(serviceTier ? { serviceTier } : {}),
  };
  const bestofn = options.metadata?.(finishReason);
  yield {
    type: 'response.completed',
    response: completedResponse(ctx, { ...answer, ...(bestofn ? { bestofn } : {}) }, output),
  };
}
