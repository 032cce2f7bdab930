/**
 * `bestofn select`: score a JSONL file of reasoning traces with a PRM and keep the best. Node-only.
 * Flags fall back to the gateway's env variables (PRM_MODEL_DIR, SCORER_URL, BESTOFN_AGGREGATE…).
 */
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AGGREGATES, type Aggregate } from '../core/types';
import { createPrmScorer } from '../scorer/prm-scorer';
import { createRemoteVllmSequenceScorer } from '../scorer/remote-vllm';
import type { Scorer } from '../scorer/types';
import { parseFieldMap } from '../select/fields';
import { parseKeep } from '../select/keep';
import { runSelect, selectScored, stemOf } from '../select/run-select';
import { mergeShardScores } from '../select/shard-merge';
import { parseShard, shardLabel } from '../util/shard';

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
  --aggregate last|min|mean|prod       step rewards → part reward (env BESTOFN_AGGREGATE) [default: min]
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

class UsageError extends Error {}

function int(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

async function buildScorer(v: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>): Promise<{ scorer: Scorer; id: string }> {
  const modelDir = (v['model-dir'] as string | undefined) ?? env.PRM_MODEL_DIR;
  const url = (v['scorer-url'] as string | undefined) ?? env.SCORER_URL;
  if (v['model-dir'] && v['scorer-url']) throw new UsageError('give --model-dir or --scorer-url, not both');
  if (modelDir) {
    const device = ((v.device as string | undefined) ?? env.SCORER_DEVICE ?? 'auto') as 'auto' | 'cpu' | 'cuda';
    if (!['auto', 'cpu', 'cuda'].includes(device)) throw new UsageError(`--device must be auto, cpu or cuda, got '${device}'`);
    const { createOnnxScorer } = await import('../scorer/onnx/index');
    const batchTokens = int('batch-tokens', (v['batch-tokens'] as string | undefined) ?? env.SCORER_BATCH_TOKENS, 16_384, 1);
    const scorer = await createOnnxScorer({ modelDir, device, batchTokens, queueLimit: 1 << 16, cacheEntries: 10_000, cacheMB: 64 });
    return { scorer, id: `onnx:${path.resolve(modelDir)}` };
  }
  if (url) {
    const model = (v['scorer-model'] as string | undefined) ?? env.SCORER_MODEL;
    const timeoutMs = Number(env.SCORER_TIMEOUT_MS) > 0 ? Number(env.SCORER_TIMEOUT_MS) : 120_000; // offline batches can wait longer than a live request
    const remote = createRemoteVllmSequenceScorer({ baseUrl: url, model, apiKey: env.SCORER_API_KEY, timeoutMs });
    return { scorer: createPrmScorer(remote), id: `remote:${url}${model ? `#${model}` : ''}` };
  }
  throw new UsageError('no reward model: give --model-dir DIR or --scorer-url URL');
}

/** Exit codes: 0 done (or a --max-rows slice done), 1 scoring or I/O failure, 2 usage, 130 interrupted. */
export async function selectCommand(argv: string[], env: Record<string, string | undefined>, io: SelectIo = process): Promise<number> {
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
    const by = v.by ?? 'problem';
    if (by !== 'problem' && by !== 'global') throw new UsageError(`--by must be problem or global, got '${by}'`);
    const aggregate = v.aggregate ?? env.BESTOFN_AGGREGATE ?? 'min';
    if (!AGGREGATES.some((a) => a === aggregate)) throw new UsageError(`--aggregate must be one of ${AGGREGATES.join(', ')}, got '${aggregate}'`);
    const thinkingWeight = Number(v['thinking-weight'] ?? env.BESTOFN_THINKING_WEIGHT ?? 0.5);
    if (!(thinkingWeight >= 0 && thinkingWeight <= 1)) throw new UsageError('--thinking-weight must be in [0, 1]');
    let keep, map;
    try {
      keep = parseKeep(v.keep ?? 'top-k=1');
      map = parseFieldMap(v.map ?? '');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (v.merge) {
      if (v.shard) throw new UsageError('give --shard or --merge, not both');
      const scores = `${stemOf(v.out)}.scores.jsonl`;
      const stems = v.merge.split(',').map((s) => s.trim()).filter(Boolean).map(stemOf);
      if (stems.includes(stemOf(v.out))) throw new UsageError('--out must not be one of the shards merged');
      let scorerId;
      try {
        scorerId = await mergeShardScores(stems, v.input, scores);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const merged = await selectScored({ input: v.input, out: v.out, keep, by, scorerId, aggregate: aggregate as Aggregate, thinkingWeight }, scores);
      const c = merged.summary!.counts;
      io.stdout.write(`kept ${c.kept} of ${c.read} rows from ${stems.length} shards (${c.malformed} malformed, skipped) → ${v.out}\nreport: ${merged.paths.report}\n`);
      return 0;
    }
    let shard;
    try {
      shard = v.shard === undefined ? undefined : parseShard(v.shard);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const concurrency = int('concurrency', v.concurrency, 16, 1);
    const maxRows = v['max-rows'] === undefined ? undefined : int('max-rows', v['max-rows'], 0, 1);
    const built = await buildScorer(v, env);
    scorer = built.scorer;

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
      scorerId: built.id,
      aggregate: aggregate as Aggregate,
      thinkingWeight,
      concurrency,
      maxRows,
      restart: v.restart === true,
      ...(shard ? { shard } : {}),
      signal: abort.signal,
      stderr: v.quiet ? null : io.stderr,
    });
    if (!result.finished) {
      io.stderr.write(`bestofn select: stopped after ${result.rowsScoredNow} rows, at input line ${result.lastLine}; scores so far are in ${result.paths.scores}. Run the same command again to continue.\n`);
      return abort.signal.aborted ? 130 : 0;
    }
    if (shard) {
      io.stdout.write(`shard ${shardLabel(shard)}: scored → ${result.paths.scores}; select with --merge once every shard is done\n`);
      return 0;
    }
    const c = result.summary!.counts;
    io.stdout.write(`kept ${c.kept} of ${c.read} rows (${c.malformed} malformed, skipped) → ${result.paths.out}\nreport: ${result.paths.report}\n`);
    return 0;
  } catch (err) {
    if (abort.signal.aborted) {
      io.stderr.write('bestofn select: interrupted; run the same command again to resume.\n');
      return 130;
    }
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr.write(`bestofn select: ${(err as Error).message}\n${usage ? 'Try bestofn select --help.\n' : ''}`);
    return usage ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await scorer?.close?.();
  }
}
