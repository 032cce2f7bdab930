/**
 * `bestofn eval`: accuracy of an endpoint on a math dataset, and of Best-of-N strategies at several N
 * when the endpoint is bestofn. `--replay FILE` evaluates recorded candidates offline, through a real
 * gateway started in this process. Exit codes: 0 done, 1 every problem failed, 2 bad usage.
 */
import OpenAI from 'openai';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadProblems, resolveDataset, type EvalProblem } from '../eval/dataset';
import { poolReference } from '../eval/pool-reference';
import { buildReport, reportMarkdown, writeReport } from '../eval/report';
import { writeReportPage } from '../eval/report-page';
import { poolProblems, poolRewards, replayProblems, startReplayTarget, type ReplayTarget } from '../eval/replay-target';
import type { ProgressSink } from '../report/progress';
import { claimRunDir, readResults } from '../eval/results';
import { runEval } from '../eval/run-eval';
import { claimShard, mergeEvalShards } from '../eval/shard-merge';
import { inShard, parseShard, WHOLE } from '../util/shard';
import { loadReplaySource } from '../record/replay-source';
import { redactUrl, secretScrubber, urlSecrets, type Scrub } from '../secrets';
import { asUsage, intFlag, isUsageError, numberFlag, optionalIntFlag, UsageError } from './usage';

export const EVAL_USAGE = `Usage:
  bestofn eval --dataset math500|aime24|FILE.jsonl --base-url URL --model M --out DIR [options]
  bestofn eval --replay FILE --out DIR [--dataset D] [options]
  bestofn eval --merge DIR0,DIR1,… --out DIR

Options:
  --n 1,4,8,16        Ns to report; one request per problem asks for the largest (best_of)
                      [default 1,2,4,8,16; with --replay, powers of 2 up to the recorded count]
  --concurrency C     problems in flight [default 8]
  --limit K           only the first K problems
  --seed S            seed of the subsamples for smaller N [default 0]
  --draws D           subsamples averaged per problem and N [default 8]
  --timeout-ms T      per-request timeout [default 600000]
  --retries R         retries of a failed request (429, 5xx, connection) [default 2; 0 with --replay]
  --temperature T     sent to the endpoint (bestofn uses its own default when unset)
  --max-tokens M      sent to the endpoint
  --also DIR[,DIR]    earlier runs of the same problems (other seeds): the report averages them all and
                      its intervals resample runs as well as problems
  --logprobs K        ask for top-K logprobs (1-20) and record them with each result, to measure
                      confidence (DeepConf) offline; against bestofn use SCORER=confidence
  --api-key K         bearer key [default $OPENAI_API_KEY]
  --data-dir DIR      where math500.jsonl / aime24.jsonl live [default $BESTOFN_DATA_DIR, ./data, the package's data/]
  --replay FILE       serve a gateway --record file or a Best-of-N pool (question + response[]) as the
                      upstream of an in-process gateway (gateway settings from the environment, e.g. SCORER);
                      --dataset then supplies reference answers for prompts that carry none
  --shard i/k         evaluate only problems p with p mod k = i (k processes, or a Kubernetes Indexed Job),
                      each with its own --out; then --merge joins them into the report of the whole run
  --merge DIRS        comma-separated shard directories to join into --out (docs/scale-out.md)
Results go to DIR/results.jsonl (a rerun skips finished problems), DIR/report.json, report.md, accuracy.svg.
`;

function parseNs(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const ns = v.split(',').map((s) => Number(s.trim()));
  if (ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`--n must list positive integers, e.g. 1,4,8 (got '${v}')`);
  return [...new Set(ns)].sort((a, b) => a - b);
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: Object.fromEntries(
      [
        'dataset',
        'base-url',
        'model',
        'n',
        'concurrency',
        'limit',
        'seed',
        'draws',
        'timeout-ms',
        'retries',
        'temperature',
        'max-tokens',
        'logprobs',
        'also',
        'api-key',
        'data-dir',
        'replay',
        'out',
        'shard',
        'merge',
      ].map((k) => [k, { type: 'string' as const }]),
    ),
  });
  return values as Record<string, string | undefined>;
}

export async function runEvalCommand(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  rawStderr: ProgressSink = process.stderr,
  rawStdout: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    rawStdout.write(EVAL_USAGE);
    return 0;
  }
  // Everything eval prints passes the scrubber: an error or notice may quote the --base-url it was given.
  let scrub: Scrub = secretScrubber([]);
  const stdout = { write: (s: string) => rawStdout.write(scrub(s)) };
  const stderr: ProgressSink = {
    write: (s: string) => rawStderr.write(scrub(s)),
    isTTY: rawStderr.isTTY,
    columns: rawStderr.columns,
  };
  let target: ReplayTarget | undefined;
  try {
    const a = parse(argv);
    scrub = secretScrubber(urlSecrets(a['base-url']));
    if (!a.out) throw new UsageError('--out DIR is required');
    if (a.merge) {
      const report = asUsage(() =>
        mergeEvalShards(
          a
            .merge!.split(',')
            .map((d) => d.trim())
            .filter(Boolean),
          a.out!,
        ),
      );
      stdout.write(reportMarkdown(report));
      return 0;
    }
    const shard = a.shard === undefined ? WHOLE : asUsage(() => parseShard(a.shard!));
    if (!a.replay && (!a.dataset || !a['base-url'] || !a.model))
      throw new UsageError('--dataset, --base-url and --model are required (or --replay FILE)');
    const limit = optionalIntFlag('limit', a.limit, 1);
    const draws = intFlag('draws', a.draws, 8, 1);
    const seed = intFlag('seed', a.seed, 0);
    const concurrency = intFlag('concurrency', a.concurrency, 8, 1);
    const timeoutMs = intFlag('timeout-ms', a['timeout-ms'], 600_000, 1);
    const retries = intFlag('retries', a.retries, a.replay ? 0 : 2);
    const maxTokens = optionalIntFlag('max-tokens', a['max-tokens'], 1);
    const topLogprobs = optionalIntFlag('logprobs', a.logprobs, 1, 20);
    const temperature = a.temperature === undefined ? undefined : numberFlag('temperature', a.temperature, 0, 0, 2);
    const datasetFile = a.dataset ? asUsage(() => resolveDataset(a.dataset!, a['data-dir'], env)) : undefined;
    let problems: EvalProblem[] = datasetFile ? asUsage(() => loadProblems(datasetFile)) : [];
    let ns = parseNs(a.n);
    const baseUrl = a['base-url'] ?? '';
    // What run.json, the reports and the page name: the URL without its credentials.
    let endpoint = baseUrl ? redactUrl(baseUrl) : '';
    let rewards: Map<string, (number | null)[]> | undefined;
    let reference: Record<string, number> | undefined;

    if (a.replay) {
      const source = asUsage(() => loadReplaySource(a.replay!, (m) => stderr.write(`eval: ${m}\n`)));
      const picked = replayProblems(source, datasetFile ? problems : undefined);
      if (picked.problems.length === 0)
        throw new UsageError(
          `${a.replay} has no prompt with a reference answer${datasetFile ? ` from ${a.dataset}` : ' (gateway records carry none: add --dataset)'}`,
        );
      if (picked.unrecorded > 0)
        stderr.write(`eval: ${picked.unrecorded} problems of ${a.dataset} were not recorded; leaving them out\n`);
      const items = limit === undefined ? picked.items : picked.items.slice(0, limit);
      problems = limit === undefined ? picked.problems : picked.problems.slice(0, limit);
      const recorded = Math.min(...items.map((it) => it.candidates.length));
      const powers = [1, 2, 4, 8, 16, 32, 64, 128].filter((n) => n <= recorded);
      ns ??= powers[powers.length - 1] === recorded ? powers : [...powers, recorded];
      const over = ns.filter((n) => n > recorded);
      if (over.length > 0)
        throw new UsageError(`--n ${over.join(',')} exceeds the ${recorded} candidates recorded per prompt`);
      rewards = poolRewards(problems, items);
      const pool = poolProblems(items);
      if (pool) reference = poolReference(pool, Math.max(...ns));
      endpoint = `replay:${path.resolve(a.replay)}`;
      target = await startReplayTarget(source, Math.max(...ns), env);
    } else if (limit !== undefined) problems = problems.slice(0, limit);

    ns ??= [1, 2, 4, 8, 16];
    const allProblems = problems.map((p) => p.id);
    problems = problems.filter((_, i) => inShard(i, shard));
    const maxN = Math.max(...ns);
    const model = a.model ?? 'replay';
    const dataset = a.dataset ?? path.basename(a.replay!);
    const refused = claimRunDir(a.out, {
      dataset: datasetFile ?? path.resolve(a.replay!),
      endpoint,
      model,
      max_n: maxN,
    });
    if (refused) throw new UsageError(refused);
    const reportConfig = {
      dataset,
      endpoint,
      model,
      ns,
      draws,
      seed,
      prompt: 'qwen25-math-cot (system: step by step, \\boxed{}; user: problem)',
      ...(a.replay ? { replay: a.replay } : {}),
    };
    if (a.shard !== undefined) {
      const other = claimShard(a.out, {
        shard,
        problems: allProblems,
        config: reportConfig,
        ...(reference ? { reference } : {}),
      });
      if (other) throw new UsageError(other);
    }

    const client = new OpenAI({
      baseURL: target?.url ?? baseUrl,
      apiKey: a['api-key'] ?? env.OPENAI_API_KEY ?? 'none',
      maxRetries: retries,
    });
    const summary = await runEval({
      client,
      model,
      problems,
      maxN,
      outDir: a.out,
      concurrency,
      timeoutMs,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(topLogprobs !== undefined ? { topLogprobs } : {}),
      ...(rewards ? { poolRewards: rewards } : {}),
      progress: stderr,
      onNotice: (m) => stderr.write(`eval: ${m}\n`),
    });
    if (summary.skipped > 0)
      stderr.write(`eval: ${summary.skipped} problems already finished in ${a.out}; not sent again\n`);

    const results = [...readResults(a.out, () => {}).values()];
    const ids = problems.map((p) => p.id);
    const alsoDirs = a.also ? a.also.split(',').map((d) => d.trim()) : [];
    const alsoRuns = alsoDirs.map((dir) => [...readResults(dir).values()]);
    const report = buildReport(results, ids, reportConfig, reference, alsoRuns);
    writeReport(a.out, report);
    // report.html draws each --also run on its own beside the averaged figures.
    const alone = alsoDirs.map((dir, i) => ({ label: dir, report: buildReport(alsoRuns[i]!, ids, reportConfig) }));
    writeReportPage(a.out, report, results, alone);
    stdout.write(reportMarkdown(report));
    return summary.sent > 0 && summary.failed === summary.sent ? 1 : 0;
  } catch (err) {
    stderr.write(`bestofn eval: ${(err as Error).message}\n`);
    return isUsageError(err) ? 2 : 1;
  } finally {
    await target?.close();
  }
}
