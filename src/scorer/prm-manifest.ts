/**
 * bestofn-prm.json: what the scorer must know about an exported PRM that the ONNX file cannot say —
 * how to build its input text and how to read a reward from its output. docs/export-prm.md has one per model.
 */
import { z } from 'zod';
import { STEP_TAG } from '../core/prm-prompt';
import { COMBINES } from '../core/aggregate';
import { AGGREGATES } from '../core/types';
import { describeIssue } from '../core/zod-issue';

const common = {
  /** Names the model in score-cache keys; defaults to the model directory's absolute path. */
  model_id: z.string().min(1).optional(),
  /** Longest row the model is run on; longer trajectories are scored in windows of whole steps. */
  max_length: z
    .number()
    .int()
    .min(16)
    .max(1 << 20),
  inputs: z
    .object({
      input_ids: z.string().min(1).default('input_ids'),
      attention_mask: z.string().min(1).default('attention_mask'),
    })
    .default({ input_ids: 'input_ids', attention_mask: 'attention_mask' }),
  /** Right-padding id; defaults to the tokenizer config's pad_token, else 151643 (<|endoftext|>). */
  pad_token_id: z.number().int().min(0).optional(),
  /**
   * The step-reward aggregation the model was trained or evaluated with (README, "How a candidate is
   * chosen"); a request's `aggregate` overrides it. Absent: BESTOFN_AGGREGATE.
   */
  aggregate: z.enum(AGGREGATES).optional(),
  /** How thinking and response rewards make one: weighted (w·agg + (1−w)·agg) or reasonflux (mean + α·final). */
  combine: z.enum(COMBINES).optional(),
  /**
   * "reference" (default): steps are exactly text.split("\n\n"), as the model cards build them.
   * "merge": bestofn's own paragraph rule (short fragments joined, $$ and code blocks kept whole).
   */
  step_split: z.enum(['reference', 'merge']).default('reference'),
};

/**
 * Qwen2.5-Math-PRM-7B, ReasonFlux-PRM-7B: the output is [batch, seq, 2] logits; a step's reward is
 * softmax(logits at its tag)[positive_label]. The prompt is the model directory's own chat template; the
 * manifest says only what the template cannot.
 */
const stepClassifier = z.object({
  kind: z.literal('step-classifier'),
  ...common,
  /** The system message passed to the template; null passes none, so the template's default applies. */
  system_prompt: z.string().nullable().default(null),
  /** Must be one token of tokenizer.json; checked at start-up. */
  step_tag: z.string().min(1).default(STEP_TAG),
  /** Optional cross-check: the id the tag must have. */
  step_tag_id: z.number().int().min(0).optional(),
  output: z.string().min(1).default('logits'),
  positive_label: z.number().int().min(0).max(1).default(1),
});

/**
 * ReasonFlux-PRM-1.5B: the output is one value per token, [batch, seq] or [batch, seq, 1]; the reward is
 * activation(value at the last non-pad token), one scalar per sequence.
 */
const valueHead = z.object({
  kind: z.literal('value-head'),
  ...common,
  template: z
    .string()
    .default('{problem}{completion}')
    .refine(
      (t) => t.includes('{problem}') && t.indexOf('{problem}') < t.indexOf('{completion}'),
      'must contain {problem} followed by {completion}',
    ),
  step_separator: z.string().default('\n\n'),
  output: z.string().min(1).default('values'),
  /** "sigmoid" when the graph ends at the linear head (the recipe in docs/export-prm.md), "none" when it already applies one. */
  activation: z.enum(['sigmoid', 'none']).default('sigmoid'),
  /** Accepted for symmetry with step classifiers; value heads ignore it. */
  system_prompt: z.string().nullable().optional(),
});

export const prmManifestSchema = z.discriminatedUnion('kind', [stepClassifier, valueHead]);
export type PrmManifest = z.output<typeof prmManifestSchema>;
export type StepClassifierManifest = z.output<typeof stepClassifier>;
export type ValueHeadManifest = z.output<typeof valueHead>;

export const MANIFEST_FILE = 'bestofn-prm.json';

/** Parses the manifest JSON; returns a one-line reason on failure so the caller can name the file. */
export function parseManifest(json: unknown): { ok: true; manifest: PrmManifest } | { ok: false; reason: string } {
  const parsed = prmManifestSchema.safeParse(json);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return { ok: false, reason: describeIssue(parsed.error) };
}
