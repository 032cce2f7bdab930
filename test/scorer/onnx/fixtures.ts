/** Shared by the ONNX scorer tests: the real Qwen2.5 tokenizer, test models in temp dirs, and the reference maths. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ChatTemplate, prmPromptPieces } from '../../../src/core/prm-prompt';
import { encodeStepClassifier } from '../../../src/scorer/onnx/prm-input';
import type { EncodedPieces } from '../../../src/scorer/onnx/prm-input';
import { makeTestPrm, testPrmWeights } from '../../../tools/make-test-prm';
import type { BrokenVariant, TestPrmKind } from '../../../tools/make-test-prm';
import { fixturePath } from '../../helpers/fixture-path';

export const TOKENIZER_DIR = fixturePath('tokenizers/qwen2.5-prm-tag');

let tokenizer: Tokenizer | undefined;
export function qwenEncode(text: string): number[] {
  tokenizer ??= new Tokenizer(
    JSON.parse(fs.readFileSync(path.join(TOKENIZER_DIR, 'tokenizer.json'), 'utf8')),
    JSON.parse(fs.readFileSync(path.join(TOKENIZER_DIR, 'tokenizer_config.json'), 'utf8')),
  );
  return tokenizer.encode(text, { add_special_tokens: false }).ids;
}

export const STEP_TAG_ID = 151651;

let template: ChatTemplate | undefined;
/** The tokenizer directory's own chat template, as a model directory ships it. */
export function qwenTemplate(): ChatTemplate {
  return (template ??= new ChatTemplate(fs.readFileSync(path.join(TOKENIZER_DIR, 'chat_template.jinja'), 'utf8')));
}

/** The step-classifier input pieces exactly as the in-process scorer builds them. */
export function qwenPieces(problem: string, steps: readonly string[], system: string | null): EncodedPieces {
  return encodeStepClassifier(qwenEncode, prmPromptPieces(qwenTemplate(), problem, steps, system), STEP_TAG_ID);
}

export function tempModel(kind: TestPrmKind, opts: { maxLength?: number; broken?: BrokenVariant } = {}): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-prm-'));
  return makeTestPrm({ kind, out, tokenizerDir: TOKENIZER_DIR, ...opts });
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The test graph's forward pass, re-derived in plain JS from its weights:
 * out[t] = direct[id_t] + Σ_{s≤t} context[id_s] / √(t+1), for the tokens of one unpadded row.
 */
function reference(kind: TestPrmKind, ids: readonly number[]): number[][] {
  const w = testPrmWeights(kind);
  const sums = new Array<number>(w.labels).fill(0);
  return ids.map((id, t) =>
    sums.map((_, k) => {
      sums[k]! += w.context[id * w.labels + k]!;
      return w.direct[id * w.labels + k]! + sums[k]! / Math.sqrt(t + 1);
    }),
  );
}

/** Reward of each tag position: softmax(logits)[1]. */
export function referenceStepRewards(ids: readonly number[], tagPositions: readonly number[]): number[] {
  const logits = reference('step-classifier', ids);
  return tagPositions.map((t) => {
    const [l0, l1] = logits[t]!;
    return Math.exp(l1!) / (Math.exp(l0!) + Math.exp(l1!));
  });
}

/** sigmoid(value at the last token). */
export function referenceValue(ids: readonly number[]): number {
  return sigmoid(reference('value-head', ids).at(-1)![0]!);
}
