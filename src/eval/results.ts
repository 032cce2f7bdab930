/**
 * DIR/results.jsonl: one line per finished problem, appended as each finishes, so an interrupted run
 * loses at most the problems in flight. DIR/run.json pins what the results were produced with, so a rerun
 * resumes only a run it can extend without mixing settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic-write';
import { JsonlAppender } from '../files/jsonl-append';
import { parseJson, type ParsedJson } from '../core/parse-json';
import { readJsonlSync } from '../files/jsonl-read';
import { describeIssue } from '../core/zod-issue';

const evalCandidateSchema = z.object({
  index: z.number().int(),
  answer: z.string().nullable(),
  /** answerKey(answer): what votes group on. */
  key: z.string().nullable(),
  correct: z.boolean(),
  /** The gateway's reward. */
  reward: z.number().nullable(),
  /** Trace confidence, when the gateway measured one (SCORER=confidence). */
  confidence: z.number().nullable().optional(),
  /** The recorded pool's own reward (replay of a pool with pred_score), as a probability. */
  pool_reward: z.number().nullable().optional(),
  finish_reason: z.string().nullable().optional(),
  /** The gateway's step rewards (the `bestofn` metadata's), for the drill-down of report.html. */
  step_rewards: z
    .object({
      thinking: z.array(z.number().nullable()).nullable(),
      response: z.array(z.number().nullable()).nullable(),
    })
    .optional(),
  error: z.string().optional(),
});

/** One line of results.jsonl; a line that does not match (hand-edited, another version) is skipped and reported. */
const problemResultSchema = z.object({
  id: z.string(),
  gt: z.string(),
  status: z.enum(['ok', 'error']),
  error: z.string().optional(),
  /** Answer extracted from the returned choice. */
  answer: z.string().nullable(),
  correct: z.boolean(),
  /** Present when the endpoint is bestofn (its response carried `bestofn` metadata). */
  bestofn: z
    .object({
      scorer: z.string(),
      select: z.string(),
      n_requested: z.number().int(),
      selected: z.array(z.number().int()),
      candidates: z.array(evalCandidateSchema),
      scorer_tokens: z.number().optional(),
    })
    .optional(),
  /** The returned choice's top logprobs per token, when the run asked for them (`--logprobs K`). */
  logprobs: z.array(z.array(z.number())).optional(),
  latency_ms: z.number(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).optional(),
  time: z.string(),
});

export type EvalCandidate = z.output<typeof evalCandidateSchema>;
export type ProblemResult = z.output<typeof problemResultSchema>;

/** The settings a run's results depend on; a rerun with different ones is refused. */
export interface RunIdentity {
  dataset: string;
  endpoint: string;
  model: string;
  max_n: number;
}

export const resultsFile = (dir: string) => path.join(dir, 'results.jsonl');

/** Finished problems by id; a later line for the same id (a retried failure) replaces the earlier one. */
export function readResults(dir: string, onSkip?: (message: string) => void): Map<string, ProblemResult> {
  const out = new Map<string, ProblemResult>();
  const file = resultsFile(dir);
  if (!fs.existsSync(file)) return out;
  // A line cut short by a crash mid-write is skipped (and reported): that problem simply runs again.
  for (const { row, line } of readJsonlSync(file, { onSkip })) {
    const parsed = problemResultSchema.safeParse(row);
    if (parsed.success) out.set(parsed.data.id, parsed.data);
    else onSkip?.(`${file}:${line}: not a result (${describeIssue(parsed.error)}); skipped`);
  }
  return out;
}

/** The results file, opened for appending after its torn tail (if any) is moved aside. */
export function openResults(dir: string, onNotice?: (message: string) => void): JsonlAppender {
  return new JsonlAppender(resultsFile(dir), { onNotice });
}

/** Creates DIR and run.json, or checks that an existing run.json matches; returns a reason to refuse, or null. */
export function claimRunDir(dir: string, identity: RunIdentity): string | null {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.json');
  if (fs.existsSync(file)) {
    let json: ParsedJson;
    try {
      json = parseJson(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      json = { ok: false, error: (err as Error).message };
    }
    if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value))
      return `${file} is not readable JSON (${json.ok ? 'not an object' : json.error}); it pins the run's settings: delete it to start the run afresh, or use another --out`;
    const prior: Record<string, unknown> = { ...json.value };
    const diff = (Object.keys(identity) as (keyof RunIdentity)[]).filter((k) => prior[k] !== identity[k]);
    if (diff.length > 0)
      return `${dir} holds a run with other settings (${diff.map((k) => `${k}: ${String(prior[k])} → ${String(identity[k])}`).join(', ')}); use another --out`;
    return null;
  }
  writeFileAtomic(file, JSON.stringify(identity, null, 2) + '\n');
  return null;
}
