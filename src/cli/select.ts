/**
 * `bestofn select`: score a JSONL file of reasoning traces with a PRM and keep the best. Node-only.
 * Flags fall back to the gateway's env variables (PRM_MODEL_DIR, SCORER_URL, BESTOFN_AGGREGATE…).
 */
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseScorerOptions } from '../config';
import { resolveRecipe, rewardDefaults, type ModelRecipe, type RecipeRequest } from '../core/reward-recipe';
import { AGGREGATES, DEVICES } from '../core/types';
import { MANIFEST_FILE, parseManifest } from '../scorer/prm-manifest';
import { nodeHttpClient } from '../http/node-http-client';
import { createNodeScorer } from '../scorer/create-node-scorer';
import type { Scorer } from '../scorer/types';
import { parseFieldMap } from '../curate/fields';
import { parseKeep } from '../curate/keep';
import { runSelect, selectScored, stemOf } from '../curate/run-select';
import { mergeShardScores } from '../curate/shard-merge';
import { parseShard, shardLabel } from '../util/shard';
import { parseJson } from '../core/parse-json';
import { redactUrl, secretScrubber, urlSecrets, type Scrub } from '../secrets';
import {
  asUsage,
  asUsageAsync,
  choiceFlag,
  intFlag,
  isUsageError,
  numberFlag,
  optionalIntFlag,
  UsageError,
} from './usage';

export const SELECT_USAGE = `Usage:
  bestofn select --input traces.jsonl --out kept.jsonl [options]
  bestofn select --input traces.jsonl --out kept.jsonl --merge OUT0,OUT1,… [--keep …] [--by …]

Scores each row's reasoning and response with a process reward model and keeps the best rows.
Writes kept.jsonl (kept rows, original fields plus bestofn_reward, bestofn_step_rewards,
bestofn_answer), kept.summary.json, kept.report.md, kept.reward-hist.svg, and kept.scores.jsonl
(every row's step rewards: the checkpoint a rerun resumes from). See docs/select.md.

Options:
  --keep top-k=K|top-p=P|threshold=X   what to keep [default: top-k=1]
  --by problem|global                  apply --keep to each problem's rows or to the whole file [default: problem]
  --model-dir DIR                      in-process ONNX PRM (env PRM_MODEL_DIR)
  --scorer-url URL                     remote PRM server, vLLM --runner pooling (env SCORER_URL)
  --scorer-model NAME                  model name for --scorer-url (env SCORER_MODEL)
  --device auto|cpu|cuda               execution provider for --model-dir (env SCORER_DEVICE) [default: auto]
  --batch-tokens N                     ONNX batch token budget (env SCORER_BATCH_TOKENS) [default: 16384]
  --map field=name,...                 where rows keep problem, reasoning, response, source
  --aggregate last|min|mean|prod       step rewards → part reward (over the manifest's; env BESTOFN_AGGREGATE) [default: min]
  --thinking-weight W                  reward = W·thinking + (1−W)·response (env BESTOFN_THINKING_WEIGHT) [default: 0.5]
  --concurrency N                      rows scored at once [default: 16]
  --max-rows N                         score at most N rows in this run, then stop (run again to go on)
  --restart                            ignore existing scores and start over
  --shard i/k                          score only rows on lines l with (l−1) mod k = i, into this shard's own
                                       --out; nothing is selected until --merge (k processes, an Indexed Job)
  --merge OUT0,OUT1,…                  the shards' --out paths: join their scores and select from all rows
  --quiet                              no progress or notices on stderr
`;

export interface SelectIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** The options select reads from the environment besides the scorer's, and the HTTP client's connect timeout. */
const ALSO = [
  'BESTOFN_AGGREGATE',
  'BESTOFN_THINKING_WEIGHT',
  'BESTOFN_COMBINE',
  'BESTOFN_ALPHA',
  'UPSTREAM_CONNECT_TIMEOUT_MS',
] as const;

/** Flags written over the environment, then read by config.ts as the gateway reads them (bounds, defaults, rules). */
function selectOptions(
  v: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
  scoring: boolean,
) {
  const flag = (name: string) => (typeof v[name] === 'string' ? v[name] : undefined);
  const modelDir = flag('model-dir') ?? env.PRM_MODEL_DIR;
  const url = flag('scorer-url') ?? env.SCORER_URL;
  if (scoring && flag('model-dir') && flag('scorer-url'))
    throw new UsageError('give --model-dir or --scorer-url, not both');
  if (scoring && !modelDir && !url) throw new UsageError('no reward model: give --model-dir DIR or --scorer-url URL');
  const device = flag('device');
  const aggregate = flag('aggregate');
  const options = asUsage(() =>
    parseScorerOptions(
      {
        // Offline batches wait rather than be refused: a longer remote-PRM timeout, and a deep queue for
        // rows of hundreds of candidates times --concurrency (as before select used the server's factory).
        // SCORER_TIMEOUT_MS and SCORER_QUEUE_LIMIT in the environment still win.
        SCORER_TIMEOUT_MS: '120000',
        SCORER_QUEUE_LIMIT: '65536',
        ...env,
        // --merge scores nothing: the scorer settings are read, but no model is asked for.
        SCORER: !scoring ? 'vote' : modelDir ? 'onnx' : 'remote',
        // No vote fallback: an offline reward comes from the reward model or the run fails.
        SCORER_FALLBACK: 'error',
        PRM_MODEL_DIR: modelDir,
        SCORER_URL: modelDir ? undefined : url,
        SCORER_MODEL: flag('scorer-model') ?? env.SCORER_MODEL,
        SCORER_DEVICE: device === undefined ? env.SCORER_DEVICE : choiceFlag('device', device, DEVICES),
        SCORER_BATCH_TOKENS:
          flag('batch-tokens') === undefined
            ? env.SCORER_BATCH_TOKENS
            : String(intFlag('batch-tokens', flag('batch-tokens'), 0, 1)),
        BESTOFN_AGGREGATE:
          aggregate === undefined ? env.BESTOFN_AGGREGATE : choiceFlag('aggregate', aggregate, AGGREGATES),
        BESTOFN_THINKING_WEIGHT:
          flag('thinking-weight') === undefined
            ? env.BESTOFN_THINKING_WEIGHT
            : String(numberFlag('thinking-weight', flag('thinking-weight'), 0, 0, 1)),
      },
      ALSO,
    ),
  );
  // The id is written to the side file, the summary, the report and the plot: never with the URL's credentials.
  const id = modelDir
    ? `onnx:${path.resolve(modelDir)}`
    : `remote:${url ? redactUrl(url) : ''}${options.SCORER_MODEL ? `#${options.SCORER_MODEL}` : ''}`;
  // The flags are this run's own choice, as a request's are on the server: they beat the model's manifest,
  // which beats the environment's BESTOFN_AGGREGATE (core/reward-recipe.ts).
  const override: RecipeRequest = {
    ...(aggregate !== undefined ? { aggregate: options.BESTOFN_AGGREGATE } : {}),
    ...(flag('thinking-weight') !== undefined ? { thinkingWeight: options.BESTOFN_THINKING_WEIGHT } : {}),
  };
  return { options, id, modelDir, override, secrets: modelDir ? [] : urlSecrets(url) };
}

/**
 * The recipe in a model directory's manifest, for --merge, which loads no model. Only its two recipe fields
 * are read; the scoring run already checked the rest.
 */
function manifestRecipe(modelDir: string): ModelRecipe {
  const file = path.join(modelDir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const json = parseJson(text);
  if (!json.ok) throw new UsageError(`${file} is not JSON: ${json.error}`);
  const parsed = parseManifest(json.value);
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.reason}`);
  return { aggregate: parsed.manifest.aggregate, combine: parsed.manifest.combine };
}

/** The rows left out before selection, as the closing line says it. */
const skipped = (c: { malformed: number; failed: number }) =>
  `${c.malformed} malformed${c.failed ? `, ${c.failed} the scorer failed on` : ''}, skipped`;

/** Exit codes: 0 done (or a --max-rows slice done), 1 scoring or I/O failure, 2 usage, 130 interrupted. */
export async function selectCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  raw: SelectIo = process,
): Promise<number> {
  // Everything select prints passes the scrubber: a scorer error or notice may quote the URL it was given.
  let scrub: Scrub = secretScrubber([]);
  const io: SelectIo = {
    stdout: { write: (s: string) => raw.stdout.write(scrub(s)) },
    stderr: { write: (s: string) => raw.stderr.write(scrub(s)), isTTY: raw.stderr.isTTY },
  };
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  let scorer: Scorer | undefined;
  try {
    const { values: v } = parseArgs({
      args: argv,
      strict: true,
      options: {
        input: { type: 'string' },
        out: { type: 'string' },
        keep: { type: 'string' },
        by: { type: 'string' },
        'model-dir': { type: 'string' },
        'scorer-url': { type: 'string' },
        'scorer-model': { type: 'string' },
        device: { type: 'string' },
        'batch-tokens': { type: 'string' },
        map: { type: 'string' },
        aggregate: { type: 'string' },
        'thinking-weight': { type: 'string' },
        concurrency: { type: 'string' },
        'max-rows': { type: 'string' },
        restart: { type: 'boolean' },
        shard: { type: 'string' },
        merge: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    });
    if (!v.input || !v.out) throw new UsageError('--input and --out are required');
    const by = choiceFlag('by', v.by ?? 'problem', ['problem', 'global'] as const);
    const { options, id, modelDir, override, secrets } = selectOptions(v, env, !v.merge);
    scrub = secretScrubber(secrets);
    const keep = asUsage(() => parseKeep(v.keep ?? 'top-k=1'));
    const map = asUsage(() => parseFieldMap(v.map ?? ''));
    if (v.merge) {
      if (v.shard) throw new UsageError('give --shard or --merge, not both');
      const scores = `${stemOf(v.out)}.scores.jsonl`;
      const stems = v.merge
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(stemOf);
      if (stems.includes(stemOf(v.out))) throw new UsageError('--out must not be one of the shards merged');
      const scorerId = await asUsageAsync(() => mergeShardScores(stems, v.input!, scores));
      const model = modelDir ? manifestRecipe(modelDir) : undefined;
      const recipe = resolveRecipe(rewardDefaults(options, model), override);
      const merged = await selectScored({ input: v.input, out: v.out, keep, by, scorerId, recipe }, scores);
      const c = merged.summary!.counts;
      io.stdout.write(
        `kept ${c.kept} of ${c.read} rows from ${stems.length} shards (${skipped(c)}) → ${v.out}\nreport: ${merged.paths.report}\n`,
      );
      return 0;
    }
    const shard = v.shard === undefined ? undefined : asUsage(() => parseShard(v.shard!));
    const concurrency = intFlag('concurrency', v.concurrency, 16, 1);
    const maxRows = optionalIntFlag('max-rows', v['max-rows'], 1);
    const log = {
      info() {},
      warn: (m: string) => {
        // with-fallback.ts's note is the server's (a 503 it answers): select says itself what a failure
        // means here, by row (the row is skipped) or as the error that stops the run.
        if (v.quiet || /^scorer '[^']*' failed, answering 503: /.test(m)) return;
        io.stderr.write(`bestofn select: ${m}\n`);
      },
    };
    scorer = await createNodeScorer(options, log, { http: nodeHttpClient(options.UPSTREAM_CONNECT_TIMEOUT_MS) });

    // Every row in flight listens to the signal; that many listeners is by design, not a leak.
    setMaxListeners(concurrency * 4 + 16, abort.signal);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const result = await runSelect({
      input: v.input,
      out: v.out,
      keep,
      by,
      map,
      scorer,
      scorerId: id,
      // The model's own recipe (an ONNX manifest's aggregate and combine) applies as it does in serve.
      recipe: resolveRecipe(rewardDefaults(options, scorer.rewardDefaults), override),
      concurrency,
      maxRows,
      restart: v.restart === true,
      ...(shard ? { shard } : {}),
      signal: abort.signal,
      stderr: v.quiet ? null : io.stderr,
    });
    if (!result.finished) {
      io.stderr.write(
        `bestofn select: stopped after ${result.rowsScoredNow} rows, at input line ${result.lastLine}; scores so far are in ${result.paths.scores}. Run the same command again to continue.\n`,
      );
      return abort.signal.aborted ? 130 : 0;
    }
    if (shard) {
      io.stdout.write(
        `shard ${shardLabel(shard)}: scored → ${result.paths.scores}; select with --merge once every shard is done\n`,
      );
      return 0;
    }
    const c = result.summary!.counts;
    io.stdout.write(
      `kept ${c.kept} of ${c.read} rows (${skipped(c)}) → ${result.paths.out}\nreport: ${result.paths.report}\n`,
    );
    return 0;
  } catch (err) {
    if (abort.signal.aborted) {
      io.stderr.write('bestofn select: interrupted; run the same command again to resume.\n');
      return 130;
    }
    const usage = isUsageError(err);
    io.stderr.write(`bestofn select: ${(err as Error).message}\n${usage ? 'Try bestofn select --help.\n' : ''}`);
    return usage ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await scorer?.close?.();
  }
}
