/**
 * The in-process half of the PRM scorer: sequences → model rows (windowed when too long) → micro-batched
 * forward passes → one reward per step (step classifier) or one per sequence (value head).
 */
import { ScorerError } from '../../errors';
import { prmPromptPieces } from '../../core/prm-prompt';
import { WindowBudgetError } from '../../core/windows';
import type { PrmSequence, SequenceScore, SequenceScorer } from '../types';
import { MicroBatcher } from './micro-batcher';
import type { LoadedPrm } from './model-dir';
import { encodeStepClassifier, planStepClassifier, planValueHead } from './prm-input';
import type { Encode, PlannedSequence, PrmRow } from './prm-input';
import { forward, readRewards } from './run-batch';

export interface OnnxSequenceScorerOptions {
  batchTokens: number;
  queueLimit: number;
  /** Told the size of every batch the model runs (rows, padded tokens), for metrics. */
  onBatch?: (rows: number, paddedTokens: number) => void;
}

export interface OnnxSequenceScorer extends SequenceScorer {
  readonly batcher: MicroBatcher<PrmRow, number[]>;
}

/** Within one call the problem prefix and repeated steps are encoded once. */
function memoize(encode: Encode): Encode {
  const memo = new Map<string, number[]>();
  return (text) => {
    let ids = memo.get(text);
    if (!ids) memo.set(text, (ids = encode(text)));
    return ids;
  };
}

/**
 * The model rows for one sequence: the in-process scorer's whole input path (template, tokenizer, tag,
 * windows). Exported so the reference-vector test runs exactly this.
 */
export function planSequence(
  prm: Pick<LoadedPrm, 'manifest' | 'template' | 'tagId'>,
  seq: PrmSequence,
  encode: Encode,
): PlannedSequence {
  const { manifest } = prm;
  try {
    return manifest.kind === 'step-classifier'
      ? planStepClassifier(
          encodeStepClassifier(
            encode,
            prmPromptPieces(prm.template!, seq.problem, seq.steps, manifest.system_prompt),
            prm.tagId,
          ),
          manifest.max_length,
        )
      : planValueHead(
          encode,
          seq.problem,
          seq.steps,
          { template: manifest.template, stepSeparator: manifest.step_separator },
          manifest.max_length,
        );
  } catch (err) {
    if (err instanceof WindowBudgetError)
      throw new ScorerError(`cannot score: ${err.message} (max_length ${manifest.max_length})`, 'prompt_too_long');
    throw err;
  }
}

export function createOnnxSequenceScorer(prm: LoadedPrm, opts: OnnxSequenceScorerOptions): OnnxSequenceScorer {
  const { manifest } = prm;
  const batcher = new MicroBatcher<PrmRow, number[]>({
    run: async (rows) => {
      opts.onBatch?.(rows.length, rows.length * Math.max(...rows.map((r) => r.ids.length)));
      return readRewards(manifest, await forward(prm, rows), rows);
    },
    lengthOf: (row) => row.ids.length,
    batchTokens: opts.batchTokens,
    queueLimit: opts.queueLimit,
  });

  const plan = (seq: PrmSequence, encode: Encode) => planSequence(prm, seq, encode);

  async function scoreSequences(sequences: readonly PrmSequence[], signal?: AbortSignal): Promise<SequenceScore[]> {
    const encode = memoize(prm.encode);
    const plans = sequences.map((s) => plan(s, encode));
    const rows = plans.flatMap((p) => p.rows);
    const results = await batcher.submit(rows, signal);
    let at = 0;
    return plans.map((p, i) => {
      const stepRewards: number[] =
        manifest.kind === 'step-classifier' ? new Array<number>(sequences[i]!.steps.length) : [];
      let tokens = 0;
      for (const row of p.rows) {
        const rewards = results[at++]!;
        tokens += row.ids.length;
        if (manifest.kind === 'value-head') stepRewards.push(rewards[0]!);
        else row.stepIndices.forEach((step, k) => (stepRewards[step] = rewards[k]!));
      }
      return { stepRewards, windowed: p.windowed, tokens };
    });
  }

  return {
    name: 'onnx',
    modelId: prm.modelId,
    batcher,
    scoreSequences,
    health: () => ({
      provider: prm.provider,
      kind: manifest.kind,
      max_length: manifest.max_length,
      queued_rows: batcher.waiting,
    }),
    close: () => prm.session.release(),
  };
}
