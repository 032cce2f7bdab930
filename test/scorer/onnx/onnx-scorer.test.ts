import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createOnnxScorer } from '../../../src/scorer/onnx/index';
import { loadModelDir } from '../../../src/scorer/onnx/model-dir';
import type { LoadedPrm } from '../../../src/scorer/onnx/model-dir';
import { createOnnxSequenceScorer } from '../../../src/scorer/onnx/onnx-sequence-scorer';
import { assemble } from '../../../src/scorer/onnx/prm-input';
import type { PrmSequence } from '../../../src/scorer/types';
import { STEP_TAG_ID, qwenEncode, qwenPieces, referenceStepRewards, referenceValue, tempModel } from './fixtures';

const SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';
const PROBLEM =
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?';
const SEQUENCES: PrmSequence[] = [
  {
    problem: PROBLEM,
    steps: ['In May she sold 48 / 2 = 24 clips.', 'Altogether 48 + 24 = 72.', 'The answer is \\boxed{72}.'],
  },
  { problem: PROBLEM, steps: ['48 + 48 = 96.'] },
  {
    problem: PROBLEM,
    steps: [
      'Half of 48 is 24.',
      'So May had 24 clips, and April had 48, which makes 72 clips in the two months together.',
    ],
  },
  { problem: 'What is 2+3?', steps: ['2 + 3 = 5', '\\boxed{5}'] },
];

function expectedStepRewards(seq: PrmSequence): number[] {
  const row = assemble(qwenPieces(seq.problem, seq.steps, SYSTEM));
  return referenceStepRewards(row.ids, row.tagPositions);
}

const close = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 5));
};

describe('ONNX step classifier', () => {
  let prm: LoadedPrm;
  beforeAll(async () => {
    prm = await loadModelDir(tempModel('step-classifier', { maxLength: 4096 }), { device: 'cpu' });
  });
  afterAll(() => prm.session.release());

  it('gives each step softmax(logits at its tag)[1], as recomputed from the weights', async () => {
    const scorer = createOnnxSequenceScorer(prm, { batchTokens: 1 << 16, queueLimit: 100 });
    const scores = await scorer.scoreSequences(SEQUENCES);
    scores.forEach((s, i) => {
      close(s.stepRewards, expectedStepRewards(SEQUENCES[i]!));
      expect(s.windowed).toBe(false);
    });
    // The rewards differ between steps and sequences, so a misplaced tag or row would show.
    expect(new Set(scores.flatMap((s) => s.stepRewards.map((r) => r.toFixed(4)))).size).toBe(8);
  });

  it('batched (padded) rewards equal one-at-a-time rewards', async () => {
    const one = createOnnxSequenceScorer(prm, { batchTokens: 1, queueLimit: 100 });
    const many = createOnnxSequenceScorer(prm, { batchTokens: 1 << 16, queueLimit: 100 });
    const [alone, together] = await Promise.all([
      Promise.all(SEQUENCES.map((s) => one.scoreSequences([s]).then((r) => r[0]!))),
      many.scoreSequences(SEQUENCES),
    ]);
    expect(many.batcher.stats.batches).toBe(1);
    expect(one.batcher.stats.batches).toBe(SEQUENCES.length);
    together.forEach((s, i) => close(s.stepRewards, alone[i]!.stepRewards));
  });

  it('merges concurrent calls into shared batches', async () => {
    const scorer = createOnnxSequenceScorer(prm, { batchTokens: 1 << 16, queueLimit: 100 });
    const results = await Promise.all(SEQUENCES.map((s) => scorer.scoreSequences([s])));
    expect(scorer.batcher.stats.batches).toBe(1);
    results.forEach((r, i) => close(r[0]!.stepRewards, expectedStepRewards(SEQUENCES[i]!)));
  });
});

describe('ONNX step classifier on a long trajectory', () => {
  it('scores windows of whole steps so every step gets the reward of its window', async () => {
    const steps = Array.from(
      { length: 12 },
      (_, i) => `Step ${i + 1}: add ${i} apples to the basket, which now holds ${(i * (i + 1)) / 2} apples.`,
    );
    const seq = { problem: PROBLEM, steps };
    const prefix = qwenEncode(
      `<|im_start|>system\n${SYSTEM}<|im_end|>\n<|im_start|>user\n${PROBLEM}<|im_end|>\n<|im_start|>assistant\n`,
    );
    const maxLength = prefix.length + 2 + 70;
    const prm = await loadModelDir(tempModel('step-classifier', { maxLength }), { device: 'cpu' });
    const [score] = await createOnnxSequenceScorer(prm, { batchTokens: 4096, queueLimit: 100 }).scoreSequences([seq]);
    expect(score!.windowed).toBe(true);
    expect(score!.stepRewards).toHaveLength(12);
    score!.stepRewards.forEach((r) => expect(r).toBeGreaterThan(0));
    // Recompute window by window: the prefix, the window's steps, the suffix.
    const stepIds = steps.map((s) => [...qwenEncode(s), STEP_TAG_ID]);
    const expected: number[] = [];
    let window: number[][] = [];
    const flush = () => {
      const ids = [...prefix, ...window.flat(), 151645, 198];
      let at = prefix.length - 1;
      expected.push(
        ...referenceStepRewards(
          ids,
          window.map((s) => (at += s.length)),
        ),
      );
      window = [];
    };
    for (const s of stepIds) {
      if (window.flat().length + s.length > 70) flush();
      window.push(s);
    }
    flush();
    close(score!.stepRewards, expected);
    await prm.session.release();
  });
});

describe('ONNX value head', () => {
  it('reads sigmoid(value at the last real token) of problem + completion, padded or not', async () => {
    const prm = await loadModelDir(tempModel('value-head'), { device: 'cpu' });
    const scorer = createOnnxSequenceScorer(prm, { batchTokens: 1 << 16, queueLimit: 100 });
    const scores = await scorer.scoreSequences(SEQUENCES);
    expect(scorer.batcher.stats.batches).toBe(1);
    scores.forEach((s, i) => {
      const seq = SEQUENCES[i]!;
      expect(s.stepRewards).toHaveLength(1);
      expect(s.stepRewards[0]).toBeCloseTo(referenceValue(qwenEncode(seq.problem + seq.steps.join('\n\n'))), 5);
    });
    await prm.session.release();
  });
});

describe('createOnnxScorer', () => {
  it('scores candidates, reports the provider actually used, and caches duplicates', async () => {
    const lines: string[] = [];
    const scorer = await createOnnxScorer({
      modelDir: tempModel('step-classifier'),
      device: 'cuda',
      batchTokens: 1 << 16,
      queueLimit: 100,
      cacheEntries: 100,
      cacheMB: 1,
      log: (m) => lines.push(m),
    });
    expect(lines[0]).toMatch(/FALLING BACK TO CPU/);
    expect(await scorer.health!()).toMatchObject({ provider: 'cpu', kind: 'step-classifier' });
    const seq = SEQUENCES[0]!;
    const candidate = {
      thinking: '',
      thinkingSteps: [],
      response: seq.steps.join('\n\n'),
      responseSteps: [...seq.steps],
      answer: '72',
    };
    const request = {
      problem: PROBLEM,
      candidates: [candidate, candidate, { ...candidate, responseSteps: ['48 + 48 = 96.'] }],
    };
    const first = await scorer.score(request);
    expect(first.scorer).toBe('onnx');
    expect(first.info).toMatchObject({ provider: 'cpu', cache_hits: 0, duplicates: 1, sequences_scored: 2 });
    close(first.rewards[0]!.response!, expectedStepRewards(seq));
    expect(first.rewards[1]).toEqual(first.rewards[0]);
    expect(first.rewards[0]!.thinking).toBeNull();
    const second = await scorer.score(request);
    expect(second.info).toMatchObject({ cache_hits: 2, sequences_scored: 0, tokens: 0 });
    expect(second.rewards).toEqual(first.rewards);
    await scorer.close!();
  });
});
