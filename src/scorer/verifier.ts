/**
 * A generative verifier as the reward model (ThinkPRM, `SCORER=verifier`): for each candidate the verifier
 * writes a verification chain that critiques every step, then a second one-token call reads P(yes) after
 * "Is the solution correct?". Several chains run in parallel and are averaged.
 *
 * Rewards: the candidate's reward is one scalar per part, `response: [P(yes)]` (or the share of steps
 * judged correct when the endpoint gives no logprobs), because ThinkPRM scores whole solutions; the
 * per-step verdicts are reported in `info.candidates[i].verdicts`, not as step rewards, so that the
 * proxy's aggregation (min, last…) cannot turn a step verdict into the candidate's reward.
 *
 * Runtime-neutral: only fetch, through the shared OpenAI-compatible client.
 */
import { AbortScope } from '../util/abort-scope';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { partSteps } from '../core/steps';
import type { CandidateParts, StepRewards } from '../core/types';
import {
  CHAIN_STOP,
  VERIFIER_ASSISTANT_PREFIX,
  decisionPrefix,
  trimChain,
  verifierUserPrompt,
} from '../core/verifier-prompt';
import {
  combineChains,
  parseJudgement,
  parseStepVerdicts,
  pYesFromTopLogprobs,
  type ChainVerdict,
  type PartVerdict,
  type TopLogprob,
} from '../core/verifier-verdicts';
import { ScorerError, UpstreamError } from '../errors';
import { TopLogprobs, type UpstreamChoice } from '../http/openai-schemas';
import { createChatCompletion, type Upstream } from '../http/upstream-client';
import type { ScoreCache } from './score-cache';
import type { Scorer, ScoreRequest, ScoreResult } from './types';

export interface VerifierScorerOptions {
  /** The verifier endpoint; its `limit` caps concurrent verifier calls and `timeoutMs` bounds each one. */
  upstream: Upstream;
  model: string;
  /** Verification chains per part, averaged (parallel scaling). */
  chains: number;
  /** Also verify the thinking trajectory, as a separate verification. */
  verifyThinking: boolean;
  /** Token budget of one chain. */
  maxTokens: number;
  /** Read P(yes) from logprobs after each chain (default true); off, rewards are step shares. */
  logprobs?: boolean;
  /** Sampling temperature of chains when there are several (default 0.4, ThinkPRM's recipes); one chain is greedy. */
  temperature?: number;
  /** Verdicts already reached for a (problem, steps) part, across requests; null or absent: none kept. */
  cache?: ScoreCache<PartVerdict> | null;
}

/** vLLM's chat extensions: continue the last assistant message instead of opening a new turn. */
type VerifierBody = ChatCompletionCreateParams & { continue_final_message: boolean; add_generation_prompt: boolean };

const TOP_LOGPROBS = 20;

/** The chain text, wherever the server put it: a reasoning parser moves text before `</think>` aside. */
function chainText(choice: UpstreamChoice): string {
  const message = choice.message;
  return (message.reasoning_content ?? message.reasoning ?? '') + (message.content ?? '');
}

function toScorerError(err: unknown): unknown {
  if (!(err instanceof UpstreamError)) return err;
  const code = err.code === 'upstream_timeout' ? 'scorer_timeout' : 'scorer_unavailable';
  return new ScorerError(`verifier: ${err.message.replace(/^upstream:? ?/, '')}`, code);
}

export function createVerifierScorer(opts: VerifierScorerOptions): Scorer {
  const { upstream, model, chains, verifyThinking, maxTokens } = opts;
  if (!Number.isInteger(chains) || chains < 1) throw new RangeError(`chains must be a positive integer, got ${chains}`);
  const temperature = chains > 1 ? (opts.temperature ?? 0.4) : 0;
  const cache = opts.cache ?? null;
  // A verdict depends on the prompt and on how many chains were averaged at what temperature.
  const cacheModel = `verifier:${model}:${chains}:${temperature}`;
  // Learned on the first answer: an endpoint that ignores `logprobs` ignores it every time.
  let logprobs: 'unknown' | 'yes' | 'no' = opts.logprobs === false ? 'no' : 'unknown';

  const messages = (user: string, assistant: string): ChatCompletionMessageParam[] => [
    { role: 'user', content: user },
    { role: 'assistant', content: assistant },
  ];

  async function complete(body: VerifierBody, signal: AbortSignal): Promise<{ choices: UpstreamChoice[] }> {
    const answer = await createChatCompletion(upstream, body, signal);
    if (answer.choices.length === 0) throw new ScorerError('verifier: answer has no choices', 'scorer_bad_response');
    const choices = answer.choices.map((c) => {
      if (!c.ok) throw new ScorerError(`verifier: malformed answer (${c.reason})`, 'scorer_bad_response');
      return c.choice;
    });
    return { choices };
  }

  /** Chain texts for one prompt: one request with `n` when the server honours it, else one per chain. */
  async function generateChains(user: string, signal: AbortSignal): Promise<string[]> {
    const body: VerifierBody = {
      model,
      messages: messages(user, VERIFIER_ASSISTANT_PREFIX),
      max_tokens: maxTokens,
      temperature,
      // Best-of-N in the reference stops only here; a `Step n+1:` stop is its beam search's.
      stop: [...CHAIN_STOP],
      continue_final_message: true,
      add_generation_prompt: false,
    };
    if (chains === 1) return [chainText((await complete(body, signal)).choices[0]!)];
    if (upstream.supportsN) return (await complete({ ...body, n: chains }, signal)).choices.map(chainText);
    // Seeds make the chains differ from each other yet repeat across identical requests.
    const answers = await Promise.all(Array.from({ length: chains }, (_, seed) => complete({ ...body, seed }, signal)));
    return answers.map((a) => chainText(a.choices[0]!));
  }

  /** P(yes) after the chain, or null when the endpoint gives no usable logprobs. */
  async function decide(user: string, chain: string, signal: AbortSignal, stats: Stats): Promise<number | null> {
    if (logprobs === 'no') return null;
    let answer: { choices: UpstreamChoice[] };
    try {
      stats.decision_calls++;
      answer = await complete(
        {
          model,
          messages: messages(user, decisionPrefix(chain)),
          max_tokens: 1,
          temperature: 0,
          logprobs: true,
          top_logprobs: TOP_LOGPROBS,
          continue_final_message: true,
          add_generation_prompt: false,
        },
        signal,
      );
    } catch (err) {
      // A refused decision prompt (a chain that filled the context) costs this chain its P(yes), not the request.
      if (err instanceof UpstreamError && (err.status === 400 || err.status === 422)) {
        stats.decision_refused++;
        return null;
      }
      throw err;
    }
    const top: TopLogprob[] | undefined = TopLogprobs.safeParse(answer.choices[0]!.logprobs).data?.content?.[0]
      ?.top_logprobs;
    if (!top || top.length === 0) {
      logprobs = 'no';
      return null;
    }
    logprobs = 'yes';
    return pYesFromTopLogprobs(top);
  }

  async function verifyPart(
    problem: string,
    steps: readonly string[],
    signal: AbortSignal,
    stats: Stats,
  ): Promise<PartVerdict> {
    const cached = cache?.get(cacheModel, { problem, steps });
    if (cached) {
      stats.cache_hits++;
      return cached;
    }
    const verdict = await verifyUncached(problem, steps, signal, stats);
    cache?.set(cacheModel, { problem, steps }, verdict);
    return verdict;
  }

  async function verifyUncached(
    problem: string,
    steps: readonly string[],
    signal: AbortSignal,
    stats: Stats,
  ): Promise<PartVerdict> {
    const user = verifierUserPrompt(problem, steps);
    const texts = await generateChains(user, signal);
    stats.chains_generated += texts.length;
    const verdicts = await Promise.all(
      texts.map(async (text): Promise<ChainVerdict> => {
        const chain = trimChain(text);
        return {
          steps: parseStepVerdicts(chain, steps.length),
          judgement: parseJudgement(text),
          pYes: await decide(user, chain, signal, stats),
        };
      }),
    );
    return combineChains(verdicts);
  }

  async function score(request: ScoreRequest): Promise<ScoreResult> {
    const outer = request.signal ?? new AbortController().signal;
    outer.throwIfAborted();
    // When one verification fails the answer is a fallback anyway: stop paying for the others.
    const failed = new AbortScope().follow(outer);
    const signal = failed.signal;
    const stats: Stats = { chains_generated: 0, decision_calls: 0, decision_refused: 0, duplicates: 0, cache_hits: 0 };

    // Identical parts (candidates that wrote the same solution) are verified once.
    const distinct = new Map<string, Promise<PartVerdict>>();
    let firstError: unknown;
    const verify = (steps: readonly string[] | null): Promise<PartVerdict> | null => {
      if (steps === null) return null;
      const key = JSON.stringify(steps);
      let verdict = distinct.get(key);
      if (verdict) stats.duplicates++;
      else {
        verdict = verifyPart(request.problem, steps, signal, stats);
        verdict.catch((err: unknown) => {
          firstError ??= err;
          failed.abort();
        });
        distinct.set(key, verdict);
      }
      return verdict;
    };
    const pending = request.candidates.map((c: CandidateParts) => ({
      thinking: verifyThinking ? verify(partSteps(c.thinkingSteps, c.thinking)) : null,
      response: verify(partSteps(c.responseSteps, c.response)),
    }));

    let parts: { thinking: PartVerdict | null; response: PartVerdict | null }[];
    try {
      parts = await Promise.all(pending.map(async (p) => ({ thinking: await p.thinking, response: await p.response })));
    } catch (err) {
      if (outer.aborted) throw outer.reason ?? err;
      // The siblings then fail with our own abort; the first failure is the one worth reporting.
      throw toScorerError(firstError ?? err);
    } finally {
      failed.dispose();
    }

    const rewards: StepRewards[] = parts.map((p) => ({
      thinking: p.thinking ? [p.thinking.reward] : null,
      response: p.response ? [p.response.reward] : null,
    }));
    const candidates = parts.map((p) => ({
      method: p.response?.method ?? null,
      chains,
      verdicts: { response: p.response?.steps ?? null, ...(p.thinking ? { thinking: p.thinking.steps } : {}) },
      ...(p.thinking ? { thinking_method: p.thinking.method } : {}),
    }));
    return { rewards, scorer: 'verifier', info: { model, ...stats, candidates } };
  }

  return {
    name: 'verifier',
    score,
    health: () => ({
      ready: true,
      model,
      chains,
      temperature,
      verify_thinking: verifyThinking,
      logprobs,
      ...(cache ? { cache: cache.stats() } : {}),
    }),
  };
}

interface Stats {
  chains_generated: number;
  decision_calls: number;
  decision_refused: number;
  duplicates: number;
  cache_hits: number;
}
