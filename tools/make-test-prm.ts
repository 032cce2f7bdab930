/**
 * Builds a complete PRM model directory around a tiny hand-encoded ONNX graph, so the ONNX scorer can be
 * tested and benchmarked without real weights:
 *
 *   npx tsx tools/make-test-prm.ts --kind step-classifier|value-head --out DIR [--max-length N] [--broken VARIANT]
 *
 * The graphs read the full Qwen2.5 vocabulary and are causal and context-dependent, so a wrong token, a
 * wrong pad side or a leaking pad changes the numbers:
 *   step-classifier: logits[b,t,:] = E[id_t] + Σ_{s≤t} mask_s·F[id_s] / √(t+1)       → [B,T,2]
 *   value-head:      values[b,t]   = W[id_t] + Σ_{s≤t} mask_s·U[id_s] / √(t+1)       → [B,T]
 * (√ rather than a plain mean keeps the context term's spread from shrinking with length, so rewards at
 * different steps stay visibly different.)
 * The value head leaves the sigmoid to the scorer (manifest `activation: "sigmoid"`), as the export recipe
 * in docs/export-prm.md does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DType, encodeModel, floatTensor, int64Tensor } from './onnx-writer';
import type { Graph, Node, ValueInfo } from './onnx-writer';

export const TEST_VOCAB = 151_936;
const STEP_TAG = 151_651;
export type TestPrmKind = 'step-classifier' | 'value-head';
/** Deliberately wrong models for the loading-error tests. */
export type BrokenVariant = 'vocab-logits' | 'vocab-logits-undeclared' | 'int32-input' | 'float64-output';

export interface MakeTestPrmOptions {
  kind: TestPrmKind;
  out: string;
  maxLength?: number;
  broken?: BrokenVariant;
  /** Defaults to test/fixtures/shared/tokenizers/qwen2.5-prm-tag (the Qwen2.5 tokenizer naming id 151651 `<extra_0>`, with its chat template). */
  tokenizerDir?: string;
}

const DEFAULT_TOKENIZER_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../test/fixtures/shared/tokenizers/qwen2.5-prm-tag',
);

/** Deterministic weight in [-scale, scale] for (row, column, salt): an integer hash, no PRNG state. */
function weight(row: number, col: number, salt: number, scale: number): number {
  let h = Math.imul(row ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(col + 1, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 * scale - scale;
}

function table(rows: number, cols: number, salt: number, scale: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[r * cols + c] = weight(r, c, salt, scale);
  return t;
}

export interface TestPrmWeights {
  /** Per-token term, [V, labels] (labels = 2 for the step classifier, 1 for the value head). */
  direct: Float32Array;
  /** Term averaged over the prefix, same shape. */
  context: Float32Array;
  labels: number;
}

const weightCache = new Map<TestPrmKind, TestPrmWeights>();

/** The weights the graph holds; tests recompute the forward pass from these in plain JS. */
export function testPrmWeights(kind: TestPrmKind): TestPrmWeights {
  const labels = kind === 'step-classifier' ? 2 : 1;
  const cached = weightCache.get(kind);
  if (cached) return cached;
  const w = { direct: table(TEST_VOCAB, labels, 1, 2), context: table(TEST_VOCAB, labels, 2, 1.5), labels };
  // Every reward is read at a step tag; a neutral tag row lets the context decide it, spreading rewards over (0, 1).
  w.direct.fill(0, STEP_TAG * labels, (STEP_TAG + 1) * labels);
  weightCache.set(kind, w);
  return w;
}

function buildGraph(kind: TestPrmKind, broken: BrokenVariant | undefined): Graph {
  const w = testPrmWeights(kind);
  const tableDims = kind === 'step-classifier' ? [TEST_VOCAB, 2] : [TEST_VOCAB];
  const nodes: Node[] = [
    { op: 'Gather', inputs: ['direct', 'input_ids'], outputs: ['d'] },
    { op: 'Gather', inputs: ['context', 'input_ids'], outputs: ['f'] },
    { op: 'Cast', inputs: ['attention_mask'], outputs: ['m'], attrs: [{ name: 'to', int: DType.FLOAT }] },
  ];
  // The step classifier broadcasts the mask over its label axis.
  const mask = kind === 'step-classifier' ? 'mu' : 'm';
  if (kind === 'step-classifier') nodes.push({ op: 'Unsqueeze', inputs: ['m', 'axis2'], outputs: ['mu'] });
  nodes.push(
    { op: 'Mul', inputs: ['f', mask], outputs: ['fm'] },
    { op: 'CumSum', inputs: ['fm', 'axis1'], outputs: ['c'] },
    { op: 'Mul', inputs: [mask, 'zero'], outputs: ['z'] },
    { op: 'Add', inputs: ['z', 'one'], outputs: ['ones'] },
    { op: 'CumSum', inputs: ['ones', 'axis1'], outputs: ['pos'] },
    { op: 'Sqrt', inputs: ['pos'], outputs: ['root'] },
    { op: 'Div', inputs: ['c', 'root'], outputs: ['avg'] },
  );
  const output = kind === 'step-classifier' ? 'logits' : 'values';
  const initializers = [
    floatTensor('direct', tableDims, w.direct),
    floatTensor('context', tableDims, w.context),
    int64Tensor('axis1', [], [1]),
    int64Tensor('axis2', [1], [2]),
    floatTensor('zero', [], new Float32Array([0])),
    floatTensor('one', [], new Float32Array([1])),
  ];
  let outShape: (number | string)[] = kind === 'step-classifier' ? ['batch', 'seq', 2] : ['batch', 'seq'];
  let outType: number = DType.FLOAT;
  if (broken === 'vocab-logits') {
    // What an export through AutoModelForCausalLM would give: one logit per vocabulary entry.
    nodes.push(
      { op: 'Unsqueeze', inputs: ['m', 'axis2'], outputs: ['mv'] },
      { op: 'Add', inputs: ['mv', 'vocab_zeros'], outputs: [output] },
    );
    initializers.push(floatTensor('vocab_zeros', [1, 1, TEST_VOCAB], new Float32Array(TEST_VOCAB)));
    outShape = ['batch', 'seq', TEST_VOCAB];
  } else if (broken === 'vocab-logits-undeclared') {
    // The same, but with the width computed from the data (max(mask)·V), so no shape inference can see it.
    nodes.push(
      { op: 'Unsqueeze', inputs: ['m', 'axis2'], outputs: ['mv'] },
      { op: 'ReduceMax', inputs: ['attention_mask'], outputs: ['mx'] },
      { op: 'Reshape', inputs: ['mx', 'shape1'], outputs: ['mx1'] },
      { op: 'Mul', inputs: ['mx1', 'vocab'], outputs: ['width'] },
      { op: 'Concat', inputs: ['ones2', 'width'], outputs: ['reps'], attrs: [{ name: 'axis', int: 0 }] },
      { op: 'Tile', inputs: ['mv', 'reps'], outputs: [output] },
    );
    initializers.push(
      int64Tensor('shape1', [1], [1]),
      int64Tensor('vocab', [1], [TEST_VOCAB]),
      int64Tensor('ones2', [2], [1, 1]),
    );
    outShape = ['batch', 'seq', 'labels'];
  } else if (broken === 'float64-output') {
    nodes.push(
      { op: 'Add', inputs: ['d', 'avg'], outputs: ['sum'] },
      { op: 'Cast', inputs: ['sum'], outputs: [output], attrs: [{ name: 'to', int: DType.DOUBLE }] },
    );
    outType = DType.DOUBLE;
  } else {
    nodes.push({ op: 'Add', inputs: ['d', 'avg'], outputs: [output] });
  }
  const idType = broken === 'int32-input' ? DType.INT32 : DType.INT64;
  const inputs: ValueInfo[] = [
    { name: 'input_ids', elemType: idType, shape: ['batch', 'seq'] },
    { name: 'attention_mask', elemType: DType.INT64, shape: ['batch', 'seq'] },
  ];
  const used = new Set(nodes.flatMap((n) => n.inputs));
  return {
    nodes,
    initializers: initializers.filter((t) => used.has(t.name)),
    inputs,
    outputs: [{ name: output, elemType: outType, shape: outShape }],
  };
}

export function testPrmManifest(kind: TestPrmKind, maxLength: number): Record<string, unknown> {
  const common = {
    model_id: `bestofn-test-${kind}`,
    max_length: maxLength,
    inputs: { input_ids: 'input_ids', attention_mask: 'attention_mask' },
  };
  return kind === 'step-classifier'
    ? {
        kind,
        ...common,
        system_prompt: 'Please reason step by step, and put your final answer within \\boxed{}.',
        step_tag: '<extra_0>',
        step_tag_id: 151651,
        output: 'logits',
      }
    : {
        kind,
        ...common,
        system_prompt: null,
        template: '{problem}{completion}',
        step_separator: '\n\n',
        output: 'values',
        activation: 'sigmoid',
      };
}

// Tests build many directories; the graph bytes only depend on kind and variant.
const modelCache = new Map<string, Uint8Array>();

/** Writes model.onnx, the tokenizer files and bestofn-prm.json into `out` (created if missing). */
export function makeTestPrm(opts: MakeTestPrmOptions): string {
  const tokenizerDir = opts.tokenizerDir ?? DEFAULT_TOKENIZER_DIR;
  fs.mkdirSync(opts.out, { recursive: true });
  const key = `${opts.kind}/${opts.broken ?? ''}`;
  const bytes = modelCache.get(key) ?? encodeModel(buildGraph(opts.kind, opts.broken));
  modelCache.set(key, bytes);
  fs.writeFileSync(path.join(opts.out, 'model.onnx'), bytes);
  // The chat template travels with the tokenizer, as in a real checkpoint.
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja']) {
    if (fs.existsSync(path.join(tokenizerDir, f))) fs.copyFileSync(path.join(tokenizerDir, f), path.join(opts.out, f));
  }
  const manifest = testPrmManifest(opts.kind, opts.maxLength ?? 4096);
  fs.writeFileSync(path.join(opts.out, 'bestofn-prm.json'), JSON.stringify(manifest, null, 2) + '\n');
  return opts.out;
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const kind = arg('kind');
  const out = arg('out');
  if ((kind !== 'step-classifier' && kind !== 'value-head') || !out) {
    console.error(
      'usage: npx tsx tools/make-test-prm.ts --kind step-classifier|value-head --out DIR [--max-length N] [--broken VARIANT]',
    );
    process.exit(2);
  }
  const maxLength = arg('max-length');
  const dir = makeTestPrm({
    kind,
    out,
    maxLength: maxLength ? Number(maxLength) : undefined,
    broken: arg('broken') as BrokenVariant | undefined,
  });
  console.log(`wrote ${kind} test PRM to ${dir}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
