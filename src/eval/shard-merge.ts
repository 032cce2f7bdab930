/**
 * Sharded evaluation: `bestofn eval --shard i/k` writes DIR/shard.json beside its results (which shard,
 * the whole run's problem list and report settings), and `bestofn eval --merge DIR0,DIR1,… --out DIR`
 * joins the shards' results into one results.jsonl and one report — the report one process would have
 * written, since every metric depends only on the per-problem results (subsamples are seeded by problem id).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { completeShards, inShard, shardLabel, type Shard } from '../util/shard';
import { describeIssue } from '../core/zod-issue';
import { buildReport, writeReport, type EvalReport, type ReportConfig } from './report';
import { writeReportPage } from './report-page';
import { openResults, readResults, resultsFile, type ProblemResult } from './results';

export interface EvalShardInfo {
  shard: Shard;
  /** Every problem of the whole run, in order, not only this shard's. */
  problems: string[];
  config: ReportConfig;
  reference?: Record<string, number>;
}

const infoSchema = z.object({
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
  problems: z.array(z.string()),
  config: z.object({
    dataset: z.string(),
    endpoint: z.string(),
    model: z.string(),
    ns: z.array(z.number().int().positive()),
    draws: z.number().int().positive(),
    seed: z.number().int(),
    prompt: z.string(),
    replay: z.string().optional(),
  }),
  reference: z.record(z.string(), z.number()).optional(),
});

const infoFile = (dir: string) => path.join(dir, 'shard.json');

function readInfo(dir: string): EvalShardInfo {
  const file = infoFile(dir);
  if (!fs.existsSync(file))
    throw new Error(`${dir} is not a shard of a run: it has no shard.json (run bestofn eval --shard i/k --out ${dir})`);
  const parsed = infoSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Records the shard, or returns a reason to refuse when DIR already holds another shard or another split. */
export function claimShard(dir: string, info: EvalShardInfo): string | null {
  const file = infoFile(dir);
  if (fs.existsSync(file)) {
    const prior = readInfo(dir);
    if (shardLabel(prior.shard) !== shardLabel(info.shard))
      return `${dir} holds shard ${shardLabel(prior.shard)}, not ${shardLabel(info.shard)}; give each shard its own --out`;
    if (JSON.stringify(prior.problems) !== JSON.stringify(info.problems))
      return `${dir} holds a shard of another problem list; use another --out`;
  }
  fs.writeFileSync(file, JSON.stringify(info, null, 2) + '\n');
  return null;
}

/** Joins the shard directories into `out` (results.jsonl, report.json/md, accuracy.svg) and returns the report. */
export function mergeEvalShards(dirs: readonly string[], out: string): EvalReport {
  const shards = completeShards(
    dirs.map((dir) => ({ dir, ...readInfo(dir) })),
    (s) => s.dir,
  );
  const first = shards[0]!;
  for (const s of shards) {
    if (JSON.stringify(s.problems) !== JSON.stringify(first.problems))
      throw new Error(`${s.dir} and ${first.dir} split different problem lists`);
    if (JSON.stringify(s.config) !== JSON.stringify(first.config))
      throw new Error(`${s.dir} and ${first.dir} ran with different settings`);
  }
  const results = new Map<string, ProblemResult>();
  for (const s of shards) {
    const own = readResults(s.dir);
    const mine = first.problems.filter((_, i) => inShard(i, s.shard));
    const pending = mine.filter((id) => !own.has(id));
    // A shard still running (or killed) would make a report of part of the run: finish it first.
    if (pending.length)
      throw new Error(
        `shard ${shardLabel(s.shard)} (${s.dir}) has ${pending.length} of its ${mine.length} problems without a result; run it again to finish`,
      );
    for (const id of mine) results.set(id, own.get(id)!);
  }

  fs.mkdirSync(out, { recursive: true });
  if (shards.some((s) => path.resolve(s.dir) === path.resolve(out)))
    throw new Error('--out must not be one of the shard directories');
  fs.rmSync(resultsFile(out), { force: true });
  const merged = openResults(out);
  for (const id of first.problems) {
    const r = results.get(id);
    if (r) merged.append(r);
  }
  merged.close();
  const runJson = path.join(first.dir, 'run.json');
  if (fs.existsSync(runJson)) fs.copyFileSync(runJson, path.join(out, 'run.json'));
  const report = buildReport([...results.values()], first.problems, first.config, first.reference);
  writeReport(out, report);
  writeReportPage(out, report, [...results.values()]);
  return report;
}
