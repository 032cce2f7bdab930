/**
 * Sends each problem once with `best_of: maxN`, grades what comes back and appends it to results.jsonl.
 * Against bestofn the `bestofn` metadata carries every candidate's answer and reward, which is what the
 * per-N metrics are computed from; against a plain upstream only the returned answer is graded.
 */
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import pLimit from 'p-limit';
import { bestOfNMetadataSchema, type BestOfNMetadata } from '../core/bestofn-metadata';
import { describeIssue } from '../core/zod-issue';
import { topLogprobsOf } from '../core/logprobs';
import type { EvalProblem } from './dataset';
import { graderFor, type Grader } from './grade';
import type { ProgressSink } from '../report/progress';
import { createEvalProgress } from './progress';
import { cotMessages } from './prompt';
import { openResults, readResults, type EvalCandidate, type ProblemResult } from './results';

export interface RunEvalOptions {
  client: OpenAI;
  model: string;
  problems: readonly EvalProblem[];
  maxN: number;
  outDir: string;
  concurrency: number;
  timeoutMs: number;
  temperature?: number;
  maxTokens?: number;
  /** Ask for this many top logprobs per token and record them with each result. */
  topLogprobs?: number;
  /** A recorded pool's own rewards by problem id, in candidate order (replay of a bon-pool). */
  poolRewards?: ReadonlyMap<string, readonly (number | null)[]>;
  progress?: ProgressSink;
  now?: () => number;
  /** Told about torn results lines skipped or repaired on resume. */
  onNotice?: (message: string) => void;
}

function gradeCandidates(
  meta: BestOfNMetadata,
  grader: Grader,
  pool: readonly (number | null)[] | undefined,
): EvalCandidate[] {
  return meta.candidates.map((c) => {
    const answer = c.error ? null : (c.answer ?? null);
    return {
      index: c.index,
      answer,
      key: answer === null ? null : grader.key(answer),
      correct: grader.grade(answer),
      reward: c.reward ?? null,
      ...(c.confidence !== undefined ? { confidence: c.confidence } : {}),
      ...(pool ? { pool_reward: pool[c.index] ?? null } : {}),
      ...(c.finish_reason !== undefined ? { finish_reason: c.finish_reason } : {}),
      // report.html draws them where Best-of-N and the majority disagree.
      ...(c.step_rewards ? { step_rewards: c.step_rewards } : {}),
      ...(c.error ? { error: c.error.message ?? 'failed' } : {}),
    };
  });
}

async function evaluate(opts: RunEvalOptions, p: EvalProblem): Promise<ProblemResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const base = { id: p.id, gt: p.answer, time: new Date().toISOString() };
  const grader = graderFor(p);
  try {
    // best_of is the gateway's field; the SDK sends whatever the body holds.
    const body: ChatCompletionCreateParamsNonStreaming & { best_of?: number } = {
      model: opts.model,
      messages: cotMessages(p.problem),
      ...(opts.maxN > 1 ? { best_of: opts.maxN } : {}),
      ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
      ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
      ...(opts.topLogprobs !== undefined ? { logprobs: true, top_logprobs: opts.topLogprobs } : {}),
    };
    const completion = await opts.client.chat.completions.create(body, { timeout: opts.timeoutMs });
    // The gateway's own reading of a message: the answer is taken from the response part, never from
    // a box inside the <think> block, and from the thinking only when the response states none.
    const message = completion.choices[0]?.message;
    const answer = message ? grader.read(message) : null;
    const logprobs = opts.topLogprobs !== undefined ? topLogprobsOf(completion.choices[0]?.logprobs) : null;
    const sent = 'bestofn' in completion ? completion.bestofn : undefined;
    const meta = bestOfNMetadataSchema.safeParse(sent);
    // Metadata that does not parse (another gateway version) costs the per-N metrics: said, not silent.
    if (sent !== undefined && !meta.success)
      opts.onNotice?.(
        `${p.id}: the answer's bestofn metadata is not readable (${describeIssue(meta.error)}); only the returned answer is graded`,
      );
    // An upstream may leave usage out, or part of it: a results line holds both counts or none.
    const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = completion.usage ?? {};
    return {
      ...base,
      status: 'ok',
      answer,
      correct: grader.grade(answer),
      ...(meta.success
        ? {
            bestofn: {
              scorer: meta.data.scorer,
              select: meta.data.select,
              n_requested: meta.data.n_requested,
              selected: meta.data.selected,
              candidates: gradeCandidates(meta.data, grader, opts.poolRewards?.get(p.id)),
              ...(typeof meta.data.scorer_info?.tokens === 'number'
                ? { scorer_tokens: meta.data.scorer_info.tokens }
                : {}),
            },
          }
        : {}),
      ...(logprobs ? { logprobs } : {}),
      latency_ms: now() - started,
      ...(typeof promptTokens === 'number' && typeof completionTokens === 'number'
        ? { usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens } }
        : {}),
    };
  } catch (err) {
    const e = err as Error & { status?: number };
    return {
      ...base,
      status: 'error',
      error: `${e.status ? `${e.status} ` : ''}${e.message}`.slice(0, 500),
      answer: null,
      correct: false,
      latency_ms: now() - started,
    };
  }
}

export interface RunSummary {
  /** Problems sent in this run. */
  sent: number;
  /** Problems already finished by an earlier run, not sent again. */
  skipped: number;
  failed: number;
}

/** Runs every problem not yet finished in outDir (failures of an earlier run are tried again). */
export async function runEval(opts: RunEvalOptions): Promise<RunSummary> {
  const done = readResults(opts.outDir, opts.onNotice);
  const todo = opts.problems.filter((p) => done.get(p.id)?.status !== 'ok');
  const limit = pLimit(opts.concurrency);
  const progress = opts.progress ? createEvalProgress(todo.length, opts.progress) : undefined;
  let failed = 0;
  const out = openResults(opts.outDir, opts.onNotice);
  try {
    await Promise.all(
      todo.map((p) =>
        limit(async () => {
          const result = await evaluate(opts, p);
          out.append(result);
          if (result.status === 'error') failed++;
          progress?.tick({ correct: result.correct, failed: result.status === 'error' });
        }),
      ),
    );
  } finally {
    out.close();
  }
  progress?.done();
  return { sent: todo.length, skipped: opts.problems.length - todo.length, failed };
}
