/**
 * Pass 2 of `bestofn select`: read the side file into compact per-row arrays, decide what to keep, then
 * stream the input once more beside the side file and write the kept rows. Rows are never held in
 * memory; rewards are (8 bytes a row, plus one map entry per distinct problem for --by problem).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { fileLines } from '../files/lines';
import { candidateReward, type RewardRecipe } from '../core/aggregate';
import { groupMembers, keepGroup, type KeepPolicy } from './keep';
import { eventHash, readEntries } from './scores-file';

export interface LoadedScores {
  /** Combined reward per scored row, NaN when nothing was scored. */
  rewards: number[];
  /** Index into `sources` per scored row, -1 when the row names none. */
  sourceOf: number[];
  sources: string[];
  /** Group id per scored row (distinct problems). */
  groupOf: number[];
  groups: number;
  malformed: { line: number; error: string }[];
  malformedCount: number;
  /** Well-formed rows the scorer failed on (scores-file.ts), listed and counted as malformed ones are. */
  failed: { line: number; error: string }[];
  failedCount: number;
}

/** Malformed rows listed by line in the summary; the rest are only counted. */
const LISTED = 1000;

/** Reads the side file, each row's reward by `recipe` (core/reward-recipe.ts resolves it, as serve does). */
export async function loadScores(scoresPath: string, recipe: RewardRecipe): Promise<LoadedScores> {
  const out: LoadedScores = {
    rewards: [],
    sourceOf: [],
    sources: [],
    groupOf: [],
    groups: 0,
    malformed: [],
    malformedCount: 0,
    failed: [],
    failedCount: 0,
  };
  const sourceIds = new Map<string, number>();
  const groupIds = new Map<string, number>();
  for await (const e of readEntries(scoresPath)) {
    if ('error' in e) {
      const list = e.failed ? out.failed : out.malformed;
      if (list.length < LISTED) list.push({ line: e.line, error: e.error });
      if (e.failed) out.failedCount++;
      else out.malformedCount++;
      continue;
    }
    out.rewards.push(candidateReward(e, recipe) ?? NaN);
    let source = -1;
    if (e.source !== null) {
      source = sourceIds.get(e.source) ?? sourceIds.size;
      if (source === sourceIds.size) (sourceIds.set(e.source, source), out.sources.push(e.source));
    }
    out.sourceOf.push(source);
    const group = groupIds.get(e.g) ?? groupIds.size;
    if (group === groupIds.size) groupIds.set(e.g, group);
    out.groupOf.push(group);
  }
  out.groups = groupIds.size;
  return out;
}

export function decideKeep(s: LoadedScores, policy: KeepPolicy, by: 'problem' | 'global'): Uint8Array {
  const keep = new Uint8Array(s.rewards.length);
  const groups = by === 'global' ? [s.rewards.map((_, i) => i)] : groupMembers(s.groupOf, s.groups);
  for (const members of groups) keepGroup(s.rewards, members, policy, keep);
  return keep;
}

/** The row's own bytes with the reward fields spliced in before its closing brace. */
function withRewards(text: string, fields: Record<string, unknown>): string {
  const body = text.trimEnd();
  const close = body.lastIndexOf('}');
  const empty = /^\{\s*$/.test(body.slice(0, close));
  const added = JSON.stringify(fields).slice(1, -1);
  return `${body.slice(0, close)}${empty ? '' : ','}${added}}`;
}

/** Writes kept rows to `out` (through a temporary file, so `out` is always whole). Returns rows written. */
export async function writeKept(
  input: string,
  scoresPath: string,
  keep: Uint8Array,
  rewards: readonly number[],
  out: string,
  maxLineBytes?: number,
): Promise<number> {
  const tmp = `${out}.partial`;
  const sink = fs.createWriteStream(tmp);
  let failure: Error | undefined; // a full disk: reported after the loop rather than crashing on an unheard event
  sink.on('error', (err) => (failure = err));
  const inputLines = fileLines(input, maxLineBytes);
  let line = 0;
  let index = 0; // position among scored (non-malformed) entries
  let written = 0;
  for await (const e of readEntries(scoresPath)) {
    let text: string | undefined;
    let h: string | undefined;
    while (line < e.line) {
      const next = await inputLines.next();
      if (next.done)
        throw new Error(
          `${input} ends before line ${e.line}, which was scored: the input changed since scoring; run again with --restart`,
        );
      line = next.value.line;
      h = eventHash(next.value);
      text = next.value.kind === 'line' ? next.value.text : undefined;
    }
    if (h === undefined || h !== e.h)
      throw new Error(
        `line ${e.line} of ${input} is not the row that was scored: the input changed since scoring; run again with --restart`,
      );
    if ('error' in e || text === undefined) continue;
    const i = index++;
    if (!keep[i]) continue;
    const reward = Number.isNaN(rewards[i]!) ? null : rewards[i];
    const row = withRewards(text, {
      bestofn_reward: reward,
      bestofn_step_rewards: { thinking: e.thinking, response: e.response },
      bestofn_answer: e.answer,
    });
    if (!sink.write(row + '\n') && !failure) await once(sink, 'drain');
    written++;
  }
  await inputLines.return(undefined);
  await new Promise<void>((resolve) => sink.end(resolve));
  if (failure) throw failure;
  fs.renameSync(tmp, out);
  return written;
}
