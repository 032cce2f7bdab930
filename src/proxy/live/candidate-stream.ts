import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { GatewayError } from '../../errors';
import { AbortScope } from '../../util/abort-scope';
import type { SampledMessage } from '../fan-out';
import { postUpstream, type Upstream } from '../upstream';
import { sseEvents } from './sse-events';

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
  error?: { status: number; message: string; code: string | null };
  usage?: CompletionUsage;
  /** The name the upstream gave its thinking (vLLM: `reasoning`, DeepSeek and SGLang: `reasoning_content`), kept in the answer. */
  reasoningField?: 'reasoning' | 'reasoning_content';
  /** Token logprobs as the upstream sent them, when the client asked for logprobs. */
  logprobs?: { content: unknown[]; refusal: unknown[] };
  /** system_fingerprint and service_tier of its stream, for the answer's envelope. */
  fingerprint?: { system_fingerprint?: string; service_tier?: string };
  /** Cancels the upstream request; `why` becomes `stopped`. */
  cancel(why: string): void;
  done: Promise<void>;
  /** Resolves at the next delta or when the candidate stops, for whoever streams it live. */
  changed(): Promise<void>;
  /** Lengths of reasoning and content after each delta, so a checkpoint can read the text at token k. */
  marks: { reasoning: number; content: number }[];
}

type ChunkChoice = {
  delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
  finish_reason?: string | null;
  logprobs?: { content?: unknown[] | null; refusal?: unknown[] | null } | null;
};

export function startCandidate(upstream: Upstream, body: ChatCompletionCreateParams, index: number, signal: AbortSignal, onProgress: () => void): LiveCandidate {
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
  // One client seed on N requests would give N identical samples: candidate i gets seed + i, as on the plain path.
  const seed = typeof body.seed === 'number' ? { seed: body.seed + index } : {};
  const streamBody = { ...body, n: 1, ...seed, stream: true, stream_options: { include_usage: true } };
  candidate.done = upstream
    .limit(async () => {
      if (scope.aborted) return;
      const reply = await postUpstream(upstream, '/chat/completions', streamBody, scope.signal);
      for await (const event of sseEvents(reply.stream())) {
        const choice = (event.choices as ChunkChoice[] | undefined)?.[0];
        const d = choice?.delta;
        const text = (d?.reasoning_content ?? d?.reasoning ?? '') + (d?.content ?? '');
        if (d?.reasoning_content || d?.reasoning) {
          candidate.reasoning += d.reasoning_content ?? d.reasoning;
          candidate.reasoningField ??= d.reasoning_content ? 'reasoning_content' : 'reasoning';
        }
        if (choice?.logprobs) {
          candidate.logprobs ??= { content: [], refusal: [] };
          if (Array.isArray(choice.logprobs.content)) candidate.logprobs.content.push(...choice.logprobs.content);
          if (Array.isArray(choice.logprobs.refusal)) candidate.logprobs.refusal.push(...choice.logprobs.refusal);
        }
        const { system_fingerprint: fp, service_tier: tier } = event;
        if (!candidate.fingerprint && (typeof fp === 'string' || typeof tier === 'string')) {
          candidate.fingerprint = { ...(typeof fp === 'string' ? { system_fingerprint: fp } : {}), ...(typeof tier === 'string' ? { service_tier: tier } : {}) };
        }
        if (d?.content) candidate.content += d.content;
        if (text) {
          candidate.tokens++;
          candidate.marks.push({ reasoning: candidate.reasoning.length, content: candidate.content.length });
        }
        if (choice?.finish_reason) candidate.finishReason = choice.finish_reason;
        if (event.usage) {
          candidate.usage = event.usage as CompletionUsage;
          candidate.tokens = candidate.usage.completion_tokens ?? candidate.tokens;
        }
        progress();
      }
      candidate.stopped ??= 'finished';
    })
    .catch((err: unknown) => {
      if (candidate.stopped) return;
      if (signal.aborted) return void (candidate.stopped = 'cancelled');
      candidate.stopped = 'error';
      candidate.error = err instanceof GatewayError ? { status: err.status, message: err.message, code: err.code } : { status: 502, message: (err as Error).message, code: null };
    })
    .finally(() => {
      scope.dispose();
      progress();
    });
  return candidate;
}

/**
 * The candidate's message, whole or as it stood after `atTokens` deltas. Checkpoints read the text at
 * the checkpoint's token mark, not whatever has arrived by the time they run, so the same streams give
 * the same decisions however the network paced them.
 */
export function messageOf(c: LiveCandidate, atTokens?: number): SampledMessage {
  const mark = atTokens === undefined || atTokens >= c.marks.length ? undefined : c.marks[Math.max(0, atTokens - 1)];
  const reasoning = mark ? c.reasoning.slice(0, mark.reasoning) : c.reasoning;
  const content = mark ? c.content.slice(0, mark.content) : c.content;
  return { role: 'assistant', content, refusal: null, ...(reasoning ? { [c.reasoningField ?? 'reasoning_content']: reasoning } : {}) } as SampledMessage;
}
