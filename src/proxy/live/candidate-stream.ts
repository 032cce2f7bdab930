import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { GatewayError } from '../../errors';
import {
  badUpstream,
  choiceLogprobs,
  type ChoiceLogprobs,
  type UpstreamChunk,
  type UpstreamUsage,
} from '../../http/openai-schemas';
import { postUpstream, type Upstream } from '../../http/upstream-client';
import { AbortScope } from '../../util/abort-scope';
import type { RequestShare, SampledMessage } from '../fan-out';
import { failureOf, type CandidateFailure } from '../candidate-failure';
import { candidateSeed } from '../candidate-seed';
import { upstreamChunks } from './upstream-chunks';

type TokenLogprob = NonNullable<ChoiceLogprobs['content']>[number];
/** One candidate generated as its own upstream stream, so it can be cancelled alone. */
export interface LiveCandidate {
  index: number;
  reasoning: string;
  content: string;
  /** Completion tokens so far: the upstream's own count once it sends usage, else one per delta. */
  tokens: number;
  finishReason?: string;
  /** Set once it ends: 'finished', 'rejected@<tokens>', 'not-committed', 'deadline', 'cancelled' (client gone) or 'error'. */
  stopped?: string;
  error?: CandidateFailure;
  /** The error itself, so one the client sees keeps the upstream's type as well. */
  failure?: GatewayError;
  usage?: UpstreamUsage;
  /** The name the upstream gave its thinking (vLLM: `reasoning`, DeepSeek and SGLang: `reasoning_content`), kept in the answer. */
  reasoningField?: 'reasoning' | 'reasoning_content';
  /** Token logprobs as the upstream sent them, when the client asked for logprobs. */
  logprobs?: { content: TokenLogprob[]; refusal: TokenLogprob[] };
  /** system_fingerprint and service_tier of its stream, for the answer's envelope. */
  fingerprint?: { system_fingerprint?: string; service_tier?: string };
  /** id, model and created of the upstream's first chunk, reused in the response. */
  envelope?: { id: string; model: string; created: number };
  /** Cancels the upstream request; `why` becomes `stopped`. */
  cancel(why: string): void;
  done: Promise<void>;
  /** Resolves at the next delta or when the candidate stops, for whoever streams it live. */
  changed(): Promise<void>;
  /** A refusal, tool calls or a legacy function call, put together from their streamed pieces. */
  refusal?: string;
  toolCalls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  functionCall?: { name: string; arguments: string };
  /** Lengths of reasoning and content after each delta, so a checkpoint can read the text at token k. */
  marks: { reasoning: number; content: number }[];
}

export function startCandidate(
  upstream: Upstream,
  body: ChatCompletionCreateParams,
  index: number,
  signal: AbortSignal,
  onProgress: () => void,
  /** Told each chunk's logprobs (confidence-based stopping); may cancel the candidate. */
  onLogprobs?: (candidate: LiveCandidate, logprobs: unknown) => void,
  share?: RequestShare,
): LiveCandidate {
  const scope = new AbortScope().follow(signal);
  let notify = () => {};
  let next = new Promise<void>((resolve) => (notify = resolve));
  const progress = () => {
    notify();
    next = new Promise<void>((resolve) => (notify = resolve));
    onProgress();
  };
  const candidate: LiveCandidate = {
    index,
    reasoning: '',
    content: '',
    tokens: 0,
    cancel(why) {
      candidate.stopped ??= why;
      scope.abort(new Error(why));
    },
    done: Promise.resolve(),
    changed: () => next,
    marks: [],
  };
  const streamBody = {
    ...body,
    n: 1,
    ...candidateSeed(body, index),
    stream: true,
    stream_options: { include_usage: true },
  };
  candidate.done = upstream
    .limit(async () => {
      if (scope.aborted) return;
      const reply = await postUpstream(
        upstream,
        '/chat/completions',
        streamBody,
        scope.signal,
        share?.budget ? { budget: share.budget } : {},
      );
      // Asked for a stream, a whole JSON answer is a server that ignored `stream`: reading it as SSE would find nothing.
      const type = reply.header('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        await reply.discard();
        throw badUpstream(
          `answered a streamed request with ${type.split(';')[0] || 'no content type'} instead of text/event-stream`,
        );
      }
      for await (const event of upstreamChunks(reply.stream())) {
        if (!candidate.envelope && event.id !== undefined && event.model !== undefined) {
          candidate.envelope = {
            id: event.id,
            model: event.model,
            created: event.created ?? Math.floor(Date.now() / 1000),
          };
        }
        const choice = event.choices?.[0];
        const d = choice?.delta;
        const text = (d?.reasoning_content ?? d?.reasoning ?? '') + (d?.content ?? '');
        if (d?.reasoning_content || d?.reasoning) {
          candidate.reasoning += d.reasoning_content ?? d.reasoning;
          candidate.reasoningField ??= d.reasoning_content ? 'reasoning_content' : 'reasoning';
        }
        const lp = choiceLogprobs(choice?.logprobs);
        if (lp) {
          candidate.logprobs ??= { content: [], refusal: [] };
          if (lp.content) candidate.logprobs.content.push(...lp.content);
          if (lp.refusal) candidate.logprobs.refusal.push(...lp.refusal);
        }
        const { system_fingerprint: fp, service_tier: tier } = event;
        if (!candidate.fingerprint && (typeof fp === 'string' || typeof tier === 'string')) {
          candidate.fingerprint = {
            ...(typeof fp === 'string' ? { system_fingerprint: fp } : {}),
            ...(typeof tier === 'string' ? { service_tier: tier } : {}),
          };
        }
        if (d?.content) candidate.content += d.content;
        if (d) collectCalls(candidate, d);
        if (text) {
          candidate.tokens++;
          candidate.marks.push({ reasoning: candidate.reasoning.length, content: candidate.content.length });
        }
        if (choice?.logprobs) onLogprobs?.(candidate, choice.logprobs);
        if (choice?.finish_reason) candidate.finishReason = choice.finish_reason;
        if (event.usage) {
          candidate.usage = event.usage;
          candidate.tokens = event.usage.completion_tokens ?? candidate.tokens;
        }
        progress();
      }
      candidate.stopped ??= 'finished';
    }, share?.owner)
    .catch((err: unknown) => {
      if (candidate.stopped) return;
      if (signal.aborted) return void (candidate.stopped = 'cancelled');
      candidate.stopped = 'error';
      candidate.error = failureOf(err);
      if (err instanceof GatewayError) candidate.failure = err;
    })
    .finally(() => {
      scope.dispose();
      progress();
    });
  return candidate;
}

/** Adds a delta's refusal and call pieces to what the candidate has said so far. */
function collectCalls(c: LiveCandidate, d: NonNullable<NonNullable<UpstreamChunk['choices']>[number]['delta']>): void {
  if (d.refusal) c.refusal = (c.refusal ?? '') + d.refusal;
  for (const piece of d.tool_calls ?? []) {
    const calls = (c.toolCalls ??= []);
    const call = (calls[piece.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
    if (piece.id) call.id = piece.id;
    if (piece.function?.name) call.function.name += piece.function.name;
    if (piece.function?.arguments) call.function.arguments += piece.function.arguments;
  }
  if (d.function_call) {
    const fc = (c.functionCall ??= { name: '', arguments: '' });
    if (d.function_call.name) fc.name += d.function_call.name;
    if (d.function_call.arguments) fc.arguments += d.function_call.arguments;
  }
}

/**
 * The candidate's message, whole or as it stood after `atTokens` deltas. Checkpoints read the text at
 * the checkpoint's token mark, not whatever has arrived by the time they run, so the same streams give
 * the same decisions however the network paced them.
 */
export function candidateMessage(c: LiveCandidate, atTokens?: number): SampledMessage {
  const mark = atTokens === undefined || atTokens >= c.marks.length ? undefined : c.marks[Math.max(0, atTokens - 1)];
  const reasoning = mark ? c.reasoning.slice(0, mark.reasoning) : c.reasoning;
  const content = mark ? c.content.slice(0, mark.content) : c.content;
  const calls = c.toolCalls?.filter((t) => t !== undefined);
  const message: SampledMessage = {
    role: 'assistant',
    content: content === '' && (calls?.length || c.functionCall || c.refusal) ? null : content,
    refusal: c.refusal ?? null,
    ...(reasoning ? { [c.reasoningField ?? 'reasoning_content']: reasoning } : {}),
    ...(calls?.length ? { tool_calls: calls } : {}),
    ...(c.functionCall ? { function_call: c.functionCall } : {}),
  };
  return message;
}
