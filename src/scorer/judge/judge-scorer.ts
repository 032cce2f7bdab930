/**
 * An LLM as the judge of the candidates (SCORER=judge, issue 25), for what no answer extraction or PRM can
 * compare: free text, code, summaries. Any OpenAI-compatible model, through the project's one upstream client.
 *  - select: one call sees every candidate and names the best (GenSelect / USC); reward 1 for it, 0 otherwise.
 *  - tournament: a knockout of pairs, each judged in both orders (src/scorer/judge/knockout.ts); reward is the
 *    share of rounds a candidate won, 1 for the winner.
 *  - rate: one call per distinct candidate, MT-Bench's 1–10 rating; reward rating / 10.
 * Failures (an error status, a timeout, an answer with no usable verdict) throw ScorerError, so withFallback
 * ranks by the vote and the metadata says why. Calls and tokens are reported in `usage` and `info`.
 * Runtime-neutral: fetch and Web Crypto only, so it runs on Workers too.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { headAndTail, pairMessages, rateMessages, selectMessages, type JudgeMode } from '../../core/judge-prompt';
import {
  parsePairVerdict,
  parseRating,
  parseSelectVerdict,
  type PairVerdict,
  type Verdict,
} from '../../core/judge-verdicts';
import { voteShares } from '../../core/rank';
import type { CandidateParts, StepRewards } from '../../core/types';
import { ScorerError, UpstreamError } from '../../errors';
import { createChatCompletion, type Upstream } from '../../http/upstream-client';
import { AbortScope } from '../../util/abort-scope';
import type { JudgeCache } from './judge-cache';
import { runKnockout } from './knockout';
import type { Scorer, ScoreRequest, ScoreResult } from '../types';

export interface JudgeScorerOptions {
  /** The judge's endpoint; `limit` caps concurrent judge calls and `timeoutMs` bounds each one. */
  upstream: Upstream;
  model: string;
  mode: JudgeMode;
  /** Characters of each candidate shown to the judge; longer ones keep their head and tail. */
  maxChars: number;
  /** Token budget of one judge answer. */
  maxTokens: number;
  cache?: JudgeCache | null;
}

interface Cost {
  calls: number;
  cache_hits: number;
  prompt_tokens: number;
  completion_tokens: number;
}

const usageOf = (cost: Cost) => ({
  prompt_tokens: cost.prompt_tokens,
  completion_tokens: cost.completion_tokens,
  total_tokens: cost.prompt_tokens + cost.completion_tokens,
});

/** What the judge reads of a candidate: its response, or its thinking when it wrote no response. */
function shown(c: CandidateParts, maxChars: number): string {
  const text = c.response.trim() !== '' ? c.response : c.thinking;
  return headAndTail(text.trim(), maxChars);
}

function toScorerError(err: unknown): unknown {
  if (!(err instanceof UpstreamError)) return err;
  const code = err.code === 'upstream_timeout' ? 'scorer_timeout' : 'scorer_unavailable';
  return new ScorerError(`judge: ${err.message.replace(/^upstream:? ?/, '')}`, code);
}

const must = <T>(verdict: Verdict<T>): T => {
  if (!verdict.ok) throw new ScorerError(`judge: ${verdict.reason}`, 'scorer_bad_response');
  return verdict.value;
};

export function createJudgeScorer(opts: JudgeScorerOptions): Scorer {
  const { upstream, model, maxChars, maxTokens } = opts;
  const cache = opts.cache ?? null;

  /** One judge call (or its cached answer): the text the judge wrote. */
  async function ask(messages: ChatCompletionMessageParam[], signal: AbortSignal, cost: Cost): Promise<string> {
    const key = cache ? await cache.key(model, messages) : null;
    const cached = key !== null ? cache!.get(key) : undefined;
    if (cached) {
      cost.cache_hits++;
      return cached.text;
    }
    cost.calls++;
    const answer = await createChatCompletion(
      upstream,
      { model, messages, max_tokens: maxTokens, temperature: 0 },
      signal,
    );
    cost.prompt_tokens += answer.usage?.prompt_tokens ?? 0;
    cost.completion_tokens += answer.usage?.completion_tokens ?? 0;
    const first = answer.choices[0];
    if (!first) throw new ScorerError('judge: answer has no choices', 'scorer_bad_response');
    if (!first.ok) throw new ScorerError(`judge: malformed answer (${first.reason})`, 'scorer_bad_response');
    const message = first.choice.message;
    if (message.refusal)
      throw new ScorerError(`judge: refused (${message.refusal.slice(0, 200)})`, 'scorer_bad_response');
    // A reasoning judge may put its verdict in the content and its thoughts aside; the verdict is in the content.
    const text = message.content ?? message.reasoning_content ?? message.reasoning ?? '';
    if (key !== null) cache!.set(key, { text });
    return text;
  }

  async function select(problem: string, texts: string[], signal: AbortSignal, cost: Cost) {
    const distinct = [...new Set(texts)];
    if (distinct.length === 1)
      return { rewards: texts.map(() => 1), info: { chosen: 0, note: 'all candidates identical' } };
    const chosen = must(
      parseSelectVerdict(await ask(selectMessages(problem, distinct), signal, cost), distinct.length),
    );
    return {
      rewards: texts.map((t) => (t === distinct[chosen] ? 1 : 0)),
      info: { chosen: texts.indexOf(distinct[chosen]!) },
    };
  }

  async function tournament(problem: string, texts: string[], shares: number[], signal: AbortSignal, cost: Cost) {
    const bracket = await runKnockout(texts.length, shares, async (a, b) => {
      if (texts[a] === texts[b]) return null;
      const [first, second] = await Promise.all([
        ask(pairMessages(problem, texts[a]!, texts[b]!), signal, cost),
        ask(pairMessages(problem, texts[b]!, texts[a]!), signal, cost),
      ]);
      return [must(parsePairVerdict(first)), must(parsePairVerdict(second))] as [PairVerdict, PairVerdict];
    });
    const rounds = Math.max(1, bracket.rounds);
    return {
      rewards: bracket.reached.map((r) => r / rounds),
      info: {
        rounds: bracket.rounds,
        matches: bracket.matches.map((m) => ({
          candidates: [m.a, m.b],
          round: m.round,
          verdicts: m.verdicts,
          winner: m.winner,
          ...(m.tie ? { tie: true } : {}),
        })),
      },
    };
  }

  async function rate(problem: string, texts: string[], signal: AbortSignal, cost: Cost) {
    const distinct = [...new Set(texts)];
    const ratings = await Promise.all(
      distinct.map(async (t) => must(parseRating(await ask(rateMessages(problem, t), signal, cost)))),
    );
    const byText = new Map(distinct.map((t, i) => [t, ratings[i]!]));
    const each = texts.map((t) => byText.get(t)!);
    return { rewards: each.map((r) => r / 10), info: { ratings: each } };
  }

  async function score(request: ScoreRequest): Promise<ScoreResult> {
    const outer = request.signal ?? new AbortController().signal;
    outer.throwIfAborted();
    const mode = request.judge ?? opts.mode;
    const texts = request.candidates.map((c) => shown(c, maxChars));
    const cost: Cost = { calls: 0, cache_hits: 0, prompt_tokens: 0, completion_tokens: 0 };
    // One failed call fails the judgement: stop paying for its siblings.
    const scope = new AbortScope().follow(outer);
    let judged: { rewards: number[]; info: Record<string, unknown> };
    try {
      judged =
        mode === 'select'
          ? await select(request.problem, texts, scope.signal, cost)
          : mode === 'tournament'
            ? await tournament(
                request.problem,
                texts,
                voteShares(request.candidates.map((c) => c.answer)),
                scope.signal,
                cost,
              )
            : await rate(request.problem, texts, scope.signal, cost);
    } catch (err) {
      scope.abort();
      if (outer.aborted) throw outer.reason ?? err;
      const failure = toScorerError(err);
      // The fallback's answer carries the reason, and the calls already spent, which are still the client's.
      if (failure instanceof ScorerError)
        failure.spent = { usage: usageOf(cost), info: { judge: { model, mode, ...cost } } };
      throw failure;
    } finally {
      scope.dispose();
    }
    const rewards: StepRewards[] = judged.rewards.map((r) => ({ thinking: null, response: [r] }));
    return {
      rewards,
      scorer: 'judge',
      usage: usageOf(cost),
      info: { judge: { model, mode, ...cost, max_chars: maxChars, ...judged.info } },
    };
  }

  return {
    name: 'judge',
    score,
    health: () => ({ ready: true, model, mode: opts.mode, ...(cache ? { cache: cache.stats() } : {}) }),
  };
}
