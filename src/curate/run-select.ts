/**
 * `bestofn select` end to end: score every row into the side file (resuming where an earlier run
 * stopped), then select and write the kept rows and the reports. Node-only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RewardRecipe } from '../core/aggregate';
import type { Scorer } from '../scorer/types';
import type { FieldMap } from './fields';
import { describeKeep, type KeepPolicy } from './keep';
import type { ProgressSink } from '../report/progress';
import { createRowProgress } from './progress';
import { scorePass } from './score-pass';
import { openScores } from './scores-file';
import { summarize, writeReports, type SelectSummary } from './summary';
import { decideKeep, loadScores, writeKept } from './write-pass';
import { inShard, shardLabel, type Shard } from '../util/shard';
import { writeShardMarker } from './shard-merge';

export interface SelectOptions {
  input: string;
  out: string;
  keep: KeepPolicy;
  by: 'problem' | 'global';
  map: FieldMap;
  scorer: Scorer;
  /** Identifies the reward model in the side file, so another model never resumes these scores. */
  scorerId: string;
  /** How step rewards make a row's reward: the one resolver's (core/reward-recipe.ts), as for serve. */
  recipe: RewardRecipe;
  concurrency: number;
  maxRows?: number;
  /** Longest input line read; a longer one is a malformed row (default MAX_LINE_BYTES, 64 MiB). */
  maxLineBytes?: number;
  /** Ignore an existing side file and score from scratch. */
  restart?: boolean;
  signal?: AbortSignal;
  /** Progress and malformed-row notices; null for silence. */
  stderr?: ProgressSink | null;
  /** Score only this shard's rows and select nothing: `--merge` selects once every shard is scored. */
  shard?: Shard;
}

export interface SelectOutcome {
  /** False when scoring stopped early (--max-rows, a signal): nothing selected yet, run again to go on. */
  finished: boolean;
  rowsScoredNow: number;
  resumedAfterLine: number;
  /** Last input line with an entry in the side file. */
  lastLine: number;
  paths: { out: string; scores: string; summary?: string; report?: string; svg?: string; shard?: string };
  summary?: SelectSummary;
}

/** `kept.jsonl` → `kept`, the stem of every file the run writes beside it. */
export const stemOf = (out: string) => out.replace(/\.jsonl?$/, '');

const NOTICES = 20;

export async function runSelect(o: SelectOptions): Promise<SelectOutcome> {
  const inputBytes = fs.statSync(o.input).size; // a missing input fails here, before any file is written
  const stem = stemOf(o.out);
  fs.mkdirSync(path.dirname(path.resolve(stem)), { recursive: true });
  const scores = `${stem}.scores.jsonl`;
  const header = {
    bestofn_scores: 1 as const,
    input: path.resolve(o.input),
    scorer: o.scorerId,
    map: { ...o.map },
    ...(o.shard ? { shard: shardLabel(o.shard) } : {}),
  };
  const stderr = o.stderr ?? null;
  const resumeAfter = await openScores(scores, header, o.restart === true, (m) =>
    stderr?.write(`bestofn select: ${m}\n`),
  );
  if (resumeAfter > 0) stderr?.write(`bestofn select: resuming after line ${resumeAfter} (scores in ${scores})\n`);

  let notices = 0;
  const pass = await scorePass({
    input: o.input,
    scoresPath: scores,
    scorer: o.scorer,
    map: o.map,
    resumeAfter,
    ...(o.shard ? { includes: (line: number) => inShard(line - 1, o.shard!) } : {}),
    concurrency: o.concurrency,
    maxRows: o.maxRows,
    maxLineBytes: o.maxLineBytes,
    signal: o.signal,
    progress: createRowProgress(stderr, inputBytes),
    onMalformed: (line, error, failed) => {
      if (notices++ >= NOTICES) return;
      stderr?.write(
        failed
          ? `bestofn select: line ${line}: the scorer failed on this row, which is skipped (the run goes on; --restart scores it again): ${error}\n`
          : `bestofn select: skipping line ${line}: ${error}\n`,
      );
    },
  });
  const outcome: SelectOutcome = {
    finished: pass.finished,
    rowsScoredNow: pass.rows,
    resumedAfterLine: resumeAfter,
    lastLine: pass.lastLine,
    paths: { out: o.out, scores },
  };
  if (!pass.finished) return outcome;
  if (o.shard)
    return { ...outcome, paths: { ...outcome.paths, shard: writeShardMarker(stem, { ...header, shard: o.shard }) } };
  return { ...outcome, ...(await selectScored(o, scores)) };
}

/** Pass 2 on a complete side file: decide what to keep, write the kept rows and the reports. */
export async function selectScored(
  o: Pick<SelectOptions, 'input' | 'out' | 'keep' | 'by' | 'scorerId' | 'recipe' | 'maxLineBytes'>,
  scores: string,
): Promise<Pick<SelectOutcome, 'summary' | 'paths'>> {
  const loaded = await loadScores(scores, o.recipe);
  const keep = decideKeep(loaded, o.keep, o.by);
  await writeKept(o.input, scores, keep, loaded.rewards, o.out, o.maxLineBytes);
  const summary = summarize(loaded, keep, {
    input: path.resolve(o.input),
    output: path.resolve(o.out),
    scorer: o.scorerId,
    keep: describeKeep(o.keep),
    by: o.by,
    aggregate: o.recipe.response,
    thinking_weight: o.recipe.thinkingWeight,
    combine: o.recipe.combine,
    ...(o.recipe.combine === 'reasonflux' ? { alpha: o.recipe.alpha } : {}),
  });
  return { summary, paths: { out: o.out, scores, ...writeReports(stemOf(o.out), summary) } };
}
