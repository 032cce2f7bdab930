import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { BestOfNMetadata } from '../core/bestofn-metadata';
import type { BestOfNOutcome, RankedCandidate } from './best-of-n';
import { chunkBuilder, envelopeOf, type Chunk } from './chunks';
import type { BestOfNOptions } from './options';

export type Metadata = BestOfNMetadata | undefined;

type Logprobs = NonNullable<ChatCompletion.Choice['logprobs']>;
export type TokenLogprob = NonNullable<Logprobs['content']>[number];

/** The winner (and runners-up when the client asked for n > 1) as an ordinary chat completion. */
export function buildCompletion(
  outcome: BestOfNOutcome,
  options: BestOfNOptions,
  metadata: Metadata,
  model: string,
): ChatCompletion & { bestofn?: BestOfNMetadata } {
  return {
    ...envelopeOf(outcome.fan.first, model),
    object: 'chat.completion',
    choices: outcome.ranked.slice(0, options.k).map((c, index) => ({
      index,
      message: {
        ...c.sample.message,
        role: 'assistant',
        content: c.sample.message.content ?? null,
        refusal: c.sample.message.refusal ?? null,
      },
      logprobs: c.sample.logprobs ?? null,
      finish_reason: (c.sample.finishReason ?? 'stop') as ChatCompletion.Choice['finish_reason'],
    })),
    usage: outcome.fan.usage,
    ...(metadata ? { bestofn: metadata } : {}),
  };
}

/** Chosen so each delta is a few words, like a real token stream, without thousands of tiny events. */
const CHUNK_CHARS = 48;

export function* deltaPieces(text: string): Generator<string> {
  for (let i = 0; i < text.length;) {
    let end = Math.min(text.length, i + CHUNK_CHARS);
    // Never split a UTF-16 surrogate pair across two deltas.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end++;
    yield text.slice(i, end);
    i = end;
  }
}

/**
 * Content deltas with the logprobs of exactly their tokens: tokens grouped up to CHUNK_CHARS. When the
 * tokens do not spell the content (an upstream that detokenizes differently), the whole content goes
 * in one delta with all of them, which is still true.
 */
export function* deltaPiecesWithLogprobs(text: string, tokens: TokenLogprob[]): Generator<[string, TokenLogprob[]]> {
  // Upstream data: a token that is not a string cannot be placed, so nothing is split then.
  if (!tokens.every((t) => typeof t?.token === 'string') || tokens.map((t) => t.token).join('') !== text)
    return yield [text, tokens];
  let group: TokenLogprob[] = [];
  let chars = 0;
  for (const t of tokens) {
    group.push(t);
    chars += t.token.length;
    if (chars >= CHUNK_CHARS) {
      yield [group.map((g) => g.token).join(''), group];
      ((group = []), (chars = 0));
    }
  }
  if (group.length > 0) yield [group.map((g) => g.token).join(''), group];
}

/** The deltas of one chosen candidate, after its role delta and before its finish. */
export function* candidateDeltas(
  c: RankedCandidate,
): Generator<[Record<string, unknown>, ChatCompletionChunk.Choice['logprobs']]> {
  const m = c.sample.message;
  // The thinking keeps the name the upstream gave it, as in a plain answer.
  const field = m.reasoning_content ? 'reasoning_content' : 'reasoning';
  const thinking = m.reasoning_content ?? m.reasoning;
  if (thinking) for (const p of deltaPieces(thinking)) yield [{ [field]: p }, null];
  const tokens = Array.isArray(c.sample.logprobs?.content) ? c.sample.logprobs.content : undefined;
  if (m.content && tokens?.length)
    for (const [p, lp] of deltaPiecesWithLogprobs(m.content, tokens))
      yield [{ content: p }, { content: lp, refusal: null }];
  else if (m.content) for (const p of deltaPieces(m.content)) yield [{ content: p }, null];
  if (m.refusal) for (const p of deltaPieces(m.refusal)) yield [{ refusal: p }, null];
  // Calls stream as OpenAI streams them: id, type and name first, then the arguments in pieces.
  for (const [index, t] of (m.tool_calls ?? []).entries()) {
    if (t.type !== 'function') {
      yield [{ tool_calls: [{ index, ...t }] }, null];
      continue;
    }
    const { arguments: args, ...fn } = t.function;
    yield [{ tool_calls: [{ index, ...t, function: { ...fn, arguments: '' } }] }, null];
    for (const p of deltaPieces(args)) yield [{ tool_calls: [{ index, function: { arguments: p } }] }, null];
  }
  if (m.function_call) {
    yield [{ function_call: { name: m.function_call.name, arguments: '' } }, null];
    for (const p of deltaPieces(m.function_call.arguments)) yield [{ function_call: { arguments: p } }, null];
  }
  // Whatever else the message carries (annotations, audio) follows in one delta of its own.
  const {
    role: _r,
    content: _c,
    refusal: _f,
    tool_calls: _t,
    function_call: _fc,
    reasoning_content: _rc,
    reasoning: _rs,
    ...rest
  } = m;
  if (Object.keys(rest).length > 0) yield [rest, null];
}

/**
 * The winner as stream chunks in the order clients expect: role, thinking deltas, content deltas,
 * finish_reason (carrying the metadata), then usage when asked for.
 */
export function* completionChunks(
  outcome: BestOfNOutcome,
  options: BestOfNOptions,
  metadata: Metadata,
  includeUsage: boolean,
  model: string,
): Generator<Chunk> {
  const { chunk, usage } = chunkBuilder(envelopeOf(outcome.fan.first, model), includeUsage);
  const winners = outcome.ranked.slice(0, options.k);
  for (const [index, c] of winners.entries()) {
    // A message without text (a call, a refusal) opens with null content, as OpenAI's does.
    yield chunk(index, { role: 'assistant', content: c.sample.message.content ? '' : null });
    for (const [delta, logprobs] of candidateDeltas(c)) yield chunk(index, delta, null, logprobs);
  }
  for (const [index, c] of winners.entries()) {
    const last = index === winners.length - 1;
    yield {
      ...chunk(index, {}, (c.sample.finishReason ?? 'stop') as ChatCompletionChunk.Choice['finish_reason']),
      ...(last && metadata ? { bestofn: metadata } : {}),
    };
  }
  if (includeUsage) yield usage(outcome.fan.usage);
}
