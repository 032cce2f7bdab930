import { z } from 'zod';
import { UpstreamError } from '../errors';
import { postUpstream, type Upstream } from '../http/upstream-client';
import { AbortScope } from '../util/abort-scope';
import { asGatewayError, deadlineError, failureOf } from '../proxy/candidate-failure';
import { candidateSeed } from '../proxy/candidate-seed';
import { requestShare, type FanOutResult, type RequestShare } from '../proxy/fan-out';
import { addUsage, emptyUsage } from '../proxy/usage';
import { jsonOrUndefined } from '../core/parse-json';

/** One text-completion choice as the gateway reads it; logprobs and vendor fields are kept as sent. */
const choice = z.looseObject({
  text: z.string(),
  index: z.number().int().optional(),
  finish_reason: z.string().nullish(),
  logprobs: z.unknown().optional(),
});
const answer = z.looseObject({
  id: z.string().optional(),
  created: z.number().optional(),
  model: z.string().optional(),
  system_fingerprint: z.string().nullish(),
  choices: z.array(choice),
  usage: z.unknown().optional(),
});

export interface SampledCompletions {
  fan: FanOutResult;
  /** Each candidate's text-completion logprobs, by candidate index (a different shape from chat's). */
  logprobs: Map<number, unknown>;
}

/**
 * Draws `n` text completions of one prompt: one request with `n` where the upstream takes it, else n
 * requests with seeds seed + i. Failures are recorded per candidate; the deadline ends the wait.
 */
export async function sampleCompletions(
  upstream: Upstream,
  body: Record<string, unknown> & { seed?: number | null },
  n: number,
  deadlineMs: number,
  signal: AbortSignal,
  share: RequestShare = requestShare(undefined),
): Promise<SampledCompletions> {
  const scope = new AbortScope().follow(signal);
  scope.timeout(deadlineMs, () => deadlineError(deadlineMs));
  const fan: FanOutResult = { samples: [], usage: emptyUsage(), deadlineHit: false };
  const slots: FanOutResult['samples'] = [];
  const logprobs = new Map<number, unknown>();
  const requests =
    upstream.supportsN && !upstream.ignoresN
      ? [{ first: 0, count: n }]
      : Array.from({ length: n }, (_, i) => ({ first: i, count: 1 }));
  const settle = async ({ first, count }: { first: number; count: number }): Promise<void> => {
    try {
      const seed = count === 1 ? candidateSeed(body, first) : {};
      const reply = await upstream.limit(
        () =>
          postUpstream(upstream, '/completions', { ...body, n: count, ...seed, stream: false }, scope.signal, {
            choices: count,
            ...(share.budget ? { budget: share.budget } : {}),
          }),
        share.owner,
      );
      const parsed = answer.safeParse(jsonOrUndefined(await reply.text()));
      if (!parsed.success)
        throw new UpstreamError(502, 'upstream: not a text completion', 'upstream_error', 'bad_upstream_response');
      const got = parsed.data;
      fan.first ??= { id: got.id, model: got.model, created: got.created, system_fingerprint: got.system_fingerprint };
      addUsage(fan.usage, got.usage);
      // An upstream that ignores n answers fewer choices: the rest are drawn one by one.
      if (count > 1 && got.choices.length < count) upstream.ignoresN = true;
      got.choices.slice(0, count).forEach((c, j) => {
        slots[first + j] = {
          index: first + j,
          message: { role: 'assistant', content: c.text, refusal: null },
          finishReason: c.finish_reason ?? 'stop',
        };
        if (c.logprobs !== undefined) logprobs.set(first + j, c.logprobs);
      });
      const missing = Array.from({ length: count - got.choices.length }, (_, j) => got.choices.length + j);
      await Promise.all(missing.map((j) => settle({ first: first + j, count: 1 })));
    } catch (err) {
      if (scope.aborted) return;
      fan.firstError ??= asGatewayError(err);
      for (let j = 0; j < count; j++) slots[first + j] = { index: first + j, error: failureOf(err) };
    }
  };
  let onStop = () => {};
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  scope.signal.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.race([Promise.all(requests.map(settle)), stopped]);
  } finally {
    scope.signal.removeEventListener('abort', onStop);
    scope.abort(deadlineError(deadlineMs));
    scope.dispose();
  }
  signal.throwIfAborted();
  fan.samples = Array.from(
    { length: n },
    (_, index) => slots[index] ?? ((fan.deadlineHit = true), { index, error: failureOf(deadlineError(deadlineMs)) }),
  );
  return { fan, logprobs };
}
