/**
 * Token logprobs as OpenAI-compatible upstreams return them (`choices[i].logprobs.content`, in a whole
 * answer or spread over stream chunks), reduced to what confidence needs: each token's top-k logprobs.
 * Validated here, at the edge, because upstreams differ (vLLM writes -inf as a string in some versions,
 * OpenAI omits `top_logprobs` when it was not asked for).
 */
import { z } from 'zod';

const logprob = z.union([
  z.number(),
  z.literal('-inf').transform(() => Number.NEGATIVE_INFINITY),
  z.literal('-Infinity').transform(() => Number.NEGATIVE_INFINITY),
]);
const tokenEntry = z.object({
  logprob,
  top_logprobs: z.array(z.object({ logprob })).nullish(),
});
const choiceLogprobs = z.object({ content: z.array(tokenEntry).nullish() }).nullish();

/**
 * Each token's top-k logprobs from one choice's `logprobs` object; a token without `top_logprobs` counts
 * its own logprob alone. Null when the upstream sent none or something unreadable.
 */
export function topLogprobsOf(raw: unknown): number[][] | null {
  const parsed = choiceLogprobs.safeParse(raw);
  if (!parsed.success || !parsed.data?.content || parsed.data.content.length === 0) return null;
  return parsed.data.content.map((t) =>
    t.top_logprobs && t.top_logprobs.length > 0 ? t.top_logprobs.map((x) => x.logprob) : [t.logprob],
  );
}

/** One stream chunk's choice `logprobs`, appended to the tokens read so far; chunks without logprobs add nothing. */
export function appendTopLogprobs(acc: number[][], raw: unknown): number[][] {
  const more = topLogprobsOf(raw);
  if (more) for (const t of more) acc.push(t);
  return acc;
}
