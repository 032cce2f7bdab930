import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionMessage,
} from 'openai/resources/chat/completions';
import { GatewayError, UpstreamError } from '../errors';
import { choiceLogprobs, type CheckedChoice, type UpstreamChoice } from '../http/openai-schemas';
import { topLogprobsOf } from '../core/logprobs';
import { AbortScope } from '../util/abort-scope';
import { createChatCompletion, type Upstream } from '../http/upstream-client';
import { addUsage, emptyUsage, type Usage } from './usage';
import { asGatewayError, deadlineError, failureOf, refusesRequest, type CandidateFailure } from './candidate-failure';
import { candidateSeed } from './candidate-seed';
import { ByteBudget } from '../http/byte-budget';

/**
 * What the upstream calls of one client request share: who they are to the upstream's fair limiter (their
 * turn among the requests waiting), and the bytes of answers the request may read in all.
 */
export interface RequestShare {
  owner: object;
  budget?: ByteBudget;
}

/** A request's share: a fresh owner, and a budget of `maxBytes` when it is bounded. */
export const requestShare = (maxBytes: number | undefined): RequestShare => ({
  owner: {},
  ...(maxBytes === undefined ? {} : { budget: new ByteBudget(maxBytes) }),
});

/** A reasoning model's message: vLLM, SGLang and DeepSeek add the thinking beside the content. */
export type SampledMessage = ChatCompletionMessage & { reasoning_content?: string | null; reasoning?: string | null };

export interface Sample {
  index: number;
  /** The upstream that produced it, when it was the fallback. */
  upstream?: string;
  /** Live path only: completion tokens it generated, and why it stopped (`finished`, `rejected@<tokens>`, …). */
  tokens?: number;
  stopped?: string;
  message?: SampledMessage;
  finishReason?: string;
  /** Each generated token's top-k logprobs, when the upstream returned them (SCORER=confidence reads them). */
  topLogprobs?: number[][];
  /** The upstream's logprobs for this choice, passed to a client that asked for them. */
  logprobs?: ChatCompletion.Choice['logprobs'];
  /** Why this candidate is missing: an upstream error, the deadline, or (live path) the gateway stopped it. */
  error?: CandidateFailure;
}

export interface FanOutResult {
  samples: Sample[];
  /** Summed over every upstream call, every numeric field included. */
  usage: Usage;
  /** id, model, created, system_fingerprint and service_tier of the first upstream answer, reused in the response. */
  first?: {
    id?: string;
    model?: string;
    created?: number;
    system_fingerprint?: string | null;
    service_tier?: string | null;
  };
  /** The first upstream error, returned to the client when too few candidates arrived. */
  firstError?: GatewayError;
  deadlineHit: boolean;
}

/** The upstream's message whole (annotations, audio and vendor fields included), with its empty fields tidied. */
function choiceMessage(choice: UpstreamChoice): SampledMessage {
  const {
    content,
    refusal,
    reasoning_content,
    reasoning,
    tool_calls,
    function_call,
    role: _role,
    ...rest
  } = choice.message;
  return {
    ...rest,
    role: 'assistant',
    content: content ?? null,
    refusal: refusal ?? null,
    ...(reasoning_content != null ? { reasoning_content } : {}),
    ...(reasoning != null ? { reasoning } : {}),
    ...(tool_calls?.length ? { tool_calls } : {}),
    ...(function_call ? { function_call } : {}),
  };
}

/**
 * Puts `count` choices in their slots: a well-formed choice at its own index, a malformed one (which
 * fails alone, with its reason) in the first free slot, and a missing one as missing_choice.
 */
function choiceSample(choice: UpstreamChoice, index: number): Sample {
  const top = topLogprobsOf(choice.logprobs);
  const logprobs = choiceLogprobs(choice.logprobs);
  return {
    index,
    message: choiceMessage(choice),
    finishReason: choice.finish_reason ?? 'stop',
    ...(top ? { topLogprobs: top } : {}),
    ...(logprobs ? { logprobs } : {}),
  };
}

function slotChoices(choices: CheckedChoice[], first: number, count: number): Sample[] {
  const out: (Sample | undefined)[] = new Array(count).fill(undefined);
  const misplaced: CheckedChoice[] = [];
  for (const c of choices) {
    const at = c.ok && count > 1 ? c.choice.index : undefined;
    if (c.ok && at !== undefined && at < count && !out[at]) out[at] = choiceSample(c.choice, first + at);
    else misplaced.push(c);
  }
  for (let j = 0; j < count; j++) {
    if (out[j]) continue;
    const c = misplaced.shift();
    if (!c)
      out[j] = {
        index: first + j,
        error: {
          status: 502,
          message: `upstream returned ${choices.length} of ${count} choices`,
          code: 'missing_choice',
        },
      };
    else if (c.ok) out[j] = choiceSample(c.choice, first + j);
    else
      out[j] = {
        index: first + j,
        error: { status: 502, message: `upstream: malformed choice (${c.reason})`, code: 'bad_upstream_response' },
      };
  }
  return out.map(
    (s, j) =>
      s ?? { index: first + j, error: { status: 502, message: 'upstream returned no choice', code: 'missing_choice' } },
  );
}

/**
 * Samples N candidates: one request with `n` where the upstream supports it, else N requests capped by
 * the upstream's shared limiter. Individual failures are recorded, not thrown. When the deadline passes,
 * pending requests are aborted and whatever has arrived is returned. The caller's abort (client gone)
 * aborts every request and rejects.
 */
export async function fanOut(
  upstream: Upstream,
  body: ChatCompletionCreateParams,
  n: number,
  deadlineMs: number,
  signal: AbortSignal,
  /** Told each time an upstream call succeeds (a streamed answer may then send its headers). */
  onArrived?: () => void,
  share: RequestShare = requestShare(undefined),
): Promise<FanOutResult> {
  signal.throwIfAborted();
  const deadline = () => deadlineError(deadlineMs);
  const scope = new AbortScope().follow(signal);
  scope.timeout(deadlineMs, deadline);
  const combined = scope.signal;
  const result: FanOutResult = { samples: [], usage: emptyUsage(), deadlineHit: false };
  const slots: (Sample | undefined)[] = new Array(n).fill(undefined);
  /** The upstream refused the request itself before any candidate arrived: the rest are not sent. */
  let refused: UpstreamError | undefined;

  const requests =
    upstream.supportsN && !upstream.ignoresN && n > 1
      ? [{ first: 0, count: n }]
      : Array.from({ length: n }, (_, i) => ({ first: i, count: 1 }));
  const settle = async ({ first, count }: { first: number; count: number }) => {
    try {
      // One request with n choices varies them itself; one-choice requests need a seed each.
      const seed = count === 1 ? candidateSeed(body, first) : {};
      const completion = await createChatCompletion(
        upstream,
        { ...body, n: count, ...seed },
        combined,
        share.owner,
        share.budget,
      );
      if (combined.aborted) return;
      result.first ??= {
        id: completion.id,
        model: completion.model,
        created: completion.created,
        system_fingerprint: completion.system_fingerprint,
        service_tier: completion.service_tier,
      };
      addUsage(result.usage, completion.usage);
      onArrived?.();
      const placed = slotChoices(completion.choices, first, count);
      if (count > 1 && completion.choices.length < count) {
        // An upstream that ignores `n` answers one choice: the rest are asked for one by one, now and from now on.
        if (!upstream.ignoresN)
          upstream.warn?.(
            { upstream: upstream.name ?? 'default', asked: count, got: completion.choices.length },
            'upstream ignores n: sampling its candidates by separate requests from now on (set supports_n: false / UPSTREAM_SUPPORTS_N=false)',
          );
        upstream.ignoresN = true;
        const missing = placed.filter((s) => s.error?.code === 'missing_choice');
        for (const sample of placed) if (!missing.includes(sample)) slots[sample.index] = sample;
        await Promise.all(missing.map((s) => settle({ first: s.index, count: 1 })));
        return;
      }
      for (const sample of placed) {
        slots[sample.index] = sample;
        if (sample.error)
          result.firstError ??= new UpstreamError(
            sample.error.status,
            sample.error.message,
            'upstream_error',
            sample.error.code,
          );
      }
    } catch (err) {
      if (combined.aborted) return;
      if (refusesRequest(err) && !slots.some((s) => s?.message)) {
        refused = err;
        return scope.abort(err);
      }
      result.firstError ??= asGatewayError(err);
      for (let j = 0; j < count; j++) slots[first + j] = { index: first + j, error: failureOf(err) };
    }
  };

  // Queued requests may wait for a slot in the shared limiter; the deadline must not wait with them.
  let onStop = () => {};
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  combined.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.race([Promise.all(requests.map(settle)), stopped]);
  } finally {
    combined.removeEventListener('abort', onStop);
    // Cancels stragglers still in flight or queued for the limiter.
    if (slots.includes(undefined)) scope.abort(deadline());
    scope.dispose();
  }
  signal.throwIfAborted();
  if (refused) throw refused;
  result.samples = slots.map((s, index) => s ?? ((result.deadlineHit = true), { index, error: failureOf(deadline()) }));
  warnIfRepeated(upstream, result.samples, body.temperature);
  return result;
}

/**
 * Candidates sampled with temperature that all say the same thing, word for word, come from a replay or
 * caching upstream (or one that ignores the seed and temperature): Best-of-N has nothing to choose. Said once.
 */
function warnIfRepeated(upstream: Upstream, samples: Sample[], temperature: number | null | undefined): void {
  if (upstream.repeats || temperature === 0) return;
  // The parts are compared as they are: joining them would copy every candidate's text (N × 30 MiB at worst).
  const texts = samples
    .filter((s) => s.message)
    .map((s) => [s.message!.reasoning_content ?? s.message!.reasoning ?? '', s.message!.content ?? ''] as const);
  const [first] = texts;
  if (!first || texts.length < 2 || first[0].length + first[1].length < 32) return;
  if (texts.some(([thinking, content]) => thinking !== first[0] || content !== first[1])) return;
  upstream.repeats = true;
  upstream.warn?.(
    { upstream: upstream.name ?? 'default', candidates: texts.length },
    'upstream returned identical candidates to one request: a replay or caching server, or one that ignores n, seed or temperature (with a replay upstream that needs it, set UPSTREAM_SUPPORTS_N=true)',
  );
}

/**
 * Asks the fallback upstream for the candidates that failed with an error (not the deadline), within
 * the time left, and puts them in the failed slots. Their own failures are recorded as usual.
 */
export async function refill(
  fan: FanOutResult,
  fallback: Upstream,
  body: ChatCompletionCreateParams,
  timeLeftMs: number,
  signal: AbortSignal,
  onArrived?: () => void,
  share?: RequestShare,
): Promise<void> {
  const failed = fan.samples.filter((s) => s.error && s.error.code !== 'deadline');
  if (failed.length === 0 || timeLeftMs <= 0) return;
  const extra = await fanOut(fallback, body, failed.length, timeLeftMs, signal, onArrived, share);
  failed.forEach((slot, i) => {
    const got = extra.samples[i]!;
    fan.samples[slot.index] = { ...got, index: slot.index, upstream: fallback.name ?? 'fallback' };
  });
  addUsage(fan.usage, extra.usage);
  fan.first ??= extra.first;
  fan.deadlineHit ||= extra.deadlineHit;
}
