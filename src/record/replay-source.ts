/**
 * Recorded candidates, keyed by prompt, for the replay upstream and offline evaluation. Two line formats,
 * told apart by their fields, may share a file:
 *  - the gateway's `--record` RecordEntry (`request` + `candidates[]`): key = last user message;
 *  - a Qwen2.5-Math Best-of-N pool (`question` + `response[]`, e.g. bon-pool-qwen25-math-cot-100-n8):
 *    key = `question`, `response[i]` is candidate i, `pred_score[i]` its outcome reward, and `gt`,
 *    `pred`, `score` (the pool's own answers and grades) are kept for offline metrics.
 * Lines for a prompt already seen add their candidates after the earlier ones.
 */
import { z } from 'zod';
import { jsonlRows } from '../core/jsonl';
import { readJsonlSync } from '../files/jsonl-read';
import { problemOf } from '../core/problem';
import { describeIssue } from '../core/zod-issue';

/** A chat turn as far as replay reads it (the problem is the last user turn's text): in records and in requests. */
export const ReplayTurn = z.looseObject({
  role: z.string(),
  content: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().nullish() })), z.null()])
    .optional(),
});

/** What replay reads of a `--record` line (record-entry.ts); a line that differs is reported by file:line. */
const RecordLine = z.looseObject({
  request: z.looseObject({ messages: z.array(ReplayTurn), model: z.string().nullish() }),
  candidates: z.array(
    z.looseObject({
      message: z.record(z.string(), z.unknown()).nullish(),
      finish_reason: z.string().nullish(),
      reward: z.number().nullish(),
    }),
  ),
});
type RecordLine = z.output<typeof RecordLine>;

export interface ReplayCandidate {
  content: string;
  reasoning_content?: string;
  finish_reason: string;
  /** The recorded reward: the gateway's, or for a pool sigmoid(pred_score), the ORM's logit as a probability. */
  reward: number | null;
}

export interface ReplayItem {
  /** The prompt as recorded (the key is its whitespace-normalised form). */
  prompt: string;
  candidates: ReplayCandidate[];
  /** The pool's problem id and reference answer; absent for gateway records. */
  id?: string;
  gt?: string;
  /** The pool's own extracted answers and grades, one per candidate. */
  pred?: string[];
  score?: boolean[];
}

export interface ReplaySource {
  items: Map<string, ReplayItem>;
  /** Model names seen in records, for GET /v1/models. */
  models: string[];
}

/** Prompts match when they differ only in whitespace: runs of it become one space, ends are trimmed. */
export function promptKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

type PoolLine = {
  question: string;
  response: unknown[];
  idx?: unknown;
  gt?: unknown;
  answer?: unknown;
  pred?: unknown;
  score?: unknown;
  pred_score?: unknown;
};

const isPool = (row: Record<string, unknown>): row is PoolLine =>
  typeof row.question === 'string' && Array.isArray(row.response);
const looksLikeRecord = (row: Record<string, unknown>) => 'request' in row && 'candidates' in row;

/** A pool's pred_score entry is a list of step scores; the last is the outcome reward. */
function poolReward(value: unknown): number | null {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === 'number' && Number.isFinite(last) ? sigmoid(last) : null;
}

function fromPool(row: PoolLine): ReplayItem {
  const scores = Array.isArray(row.pred_score) ? row.pred_score : [];
  const gt = typeof row.gt === 'string' ? row.gt : typeof row.answer === 'string' ? row.answer : undefined;
  return {
    prompt: row.question,
    candidates: row.response.map((r, i) => ({
      content: String(r),
      finish_reason: 'stop',
      reward: poolReward(scores[i]),
    })),
    ...(row.idx !== undefined ? { id: String(row.idx) } : {}),
    ...(gt !== undefined ? { gt } : {}),
    ...(Array.isArray(row.pred) ? { pred: row.pred.map(String) } : {}),
    ...(Array.isArray(row.score) ? { score: row.score.map(Boolean) } : {}),
  };
}

function fromRecord(row: RecordLine): ReplayItem {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const candidates: ReplayCandidate[] = [];
  for (const c of row.candidates) {
    if (!c.message) continue; // a failed candidate has nothing to replay
    const reasoning = text(c.message.reasoning_content) ?? text(c.message.reasoning);
    candidates.push({
      content: text(c.message.content) ?? '',
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      finish_reason: c.finish_reason ?? 'stop',
      reward: typeof c.reward === 'number' ? c.reward : null,
    });
  }
  return { prompt: problemOf(row.request.messages), candidates };
}

function merge(into: ReplayItem, more: ReplayItem): void {
  into.candidates.push(...more.candidates);
  if (into.pred && more.pred) into.pred.push(...more.pred);
  if (into.score && more.score) into.score.push(...more.score);
}

/**
 * Lines gathered by prompt. A record line of another shape (a hand edit, another version's record) is
 * skipped through onSkip as `file:line: why`, like a torn line; without onSkip it is an error.
 */
function collect(
  rows: Iterable<{ row: Record<string, unknown>; line: number }>,
  source: string,
  onSkip?: (message: string) => void,
): ReplaySource {
  const items = new Map<string, ReplayItem>();
  const models = new Set<string>();
  for (const { row, line } of rows) {
    let item: ReplayItem;
    if (isPool(row)) item = fromPool(row);
    else if (looksLikeRecord(row)) {
      const parsed = RecordLine.safeParse(row);
      if (!parsed.success) {
        const why = `${source}:${line}: not a usable bestofn record (${describeIssue(parsed.error)})`;
        if (!onSkip) throw new Error(why);
        onSkip(`${why}; skipped`);
        continue;
      }
      item = fromRecord(parsed.data);
      if (parsed.data.request.model) models.add(parsed.data.request.model);
    } else
      throw new Error(
        `${source}:${line}: neither a bestofn record (request, candidates) nor a Best-of-N pool (question, response[])`,
      );
    const key = promptKey(item.prompt);
    const prior = items.get(key);
    if (prior) merge(prior, item);
    else items.set(key, item);
  }
  return { items, models: [...models] };
}

/** Records held in a string (tests, small fixtures); a line that is not JSON is an error here. */
export function parseReplaySource(text: string, source: string): ReplaySource {
  return collect(jsonlRows(text, source), source);
}

/**
 * Records streamed from a file, line by line: a torn or oversized line (a gateway killed mid-write) is
 * skipped and reported through onSkip, and the rest of the file is replayed.
 */
export function loadReplaySource(file: string, onSkip?: (message: string) => void): ReplaySource {
  return collect(readJsonlSync(file, { onSkip }), file, onSkip);
}
