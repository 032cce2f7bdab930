/**
 * Token ids exactly as the reference PRM code builds them, kept in pieces (prefix, steps, suffix) so a
 * long trajectory can be re-assembled in windows of whole steps.
 */
import { prmPromptPieces } from '../../core/prm-prompt';
import { isWindowed, planTailWindow, planWindows } from '../../core/windows';
import type { StepWindow } from '../../core/windows';

/** Text → ids without special tokens added around it (Qwen adds none anyway). */
export type Encode = (text: string) => number[];

export interface EncodedPieces {
  prefix: number[];
  /** One entry per step; for step classifiers each ends with the step tag id. */
  steps: number[][];
  suffix: number[];
}

/** One model input row. */
export interface PrmRow {
  ids: number[];
  /** Step-classifier: where the tags are, and which step each belongs to. */
  tagPositions: number[];
  stepIndices: number[];
}

export interface PlannedSequence {
  rows: PrmRow[];
  windowed: boolean;
}

/**
 * encode(prefix) + Σ (encode(step) + [tag]) + encode(suffix). Pieces are encoded apart: special tokens
 * split the text in the reference tokenizer too, and the tag must go in as an id because the base Qwen2.5
 * vocabulary has no `<extra_0>`.
 */
export function encodeStepClassifier(encode: Encode, problem: string, steps: readonly string[], systemPrompt: string | null, tagId: number): EncodedPieces {
  const pieces = prmPromptPieces(problem, steps, systemPrompt);
  return { prefix: encode(pieces.prefix), steps: pieces.steps.map((s) => [...encode(s), tagId]), suffix: encode(pieces.suffix) };
}

/** Flattens pieces into one row, recording the position of each step's last token (its tag). */
export function assemble(pieces: EncodedPieces, window: StepWindow = { start: 0, end: pieces.steps.length, cut: 0 }): PrmRow {
  const ids = [...pieces.prefix];
  const tagPositions: number[] = [];
  const stepIndices: number[] = [];
  for (let i = window.start; i < window.end; i++) {
    const step = pieces.steps[i]!;
    ids.push(...(i === window.start && window.cut > 0 ? step.slice(window.cut) : step));
    tagPositions.push(ids.length - 1);
    stepIndices.push(i);
  }
  ids.push(...pieces.suffix);
  return { ids, tagPositions, stepIndices };
}

/** Rows for a step classifier: one when it fits in maxLength, else one per window of whole steps. */
export function planStepClassifier(pieces: EncodedPieces, maxLength: number): PlannedSequence {
  const total = pieces.prefix.length + pieces.suffix.length + pieces.steps.reduce((n, s) => n + s.length, 0);
  if (total <= maxLength) return { rows: [assemble(pieces)], windowed: false };
  const windows = planWindows(
    pieces.steps.map((s) => s.length),
    maxLength - pieces.prefix.length - pieces.suffix.length,
  );
  return { rows: windows.map((w) => assemble(pieces, w)), windowed: isWindowed(windows, pieces.steps.length) };
}

export interface ValueHeadFormat {
  /** Contains `{problem}` then `{completion}`, e.g. "{problem}{completion}" for ReasonFlux-PRM-1.5B. */
  template: string;
  /** Joins the steps into the completion. */
  stepSeparator: string;
}

/**
 * Rows for a value head, which reads one value at the last token. The reference encodes the whole text
 * at once, so that is what is scored when it fits. When it does not, the row keeps the problem and as many
 * trailing whole steps as fit (the end is where the value is read), and is reported as windowed.
 */
export function planValueHead(encode: Encode, problem: string, steps: readonly string[], format: ValueHeadFormat, maxLength: number): PlannedSequence {
  const at = format.template.indexOf('{completion}');
  const before = format.template.slice(0, at).replace('{problem}', () => problem);
  const after = format.template.slice(at + '{completion}'.length);
  const whole = encode(before + steps.join(format.stepSeparator) + after);
  const oneRow = (ids: number[]): PrmRow => ({ ids, tagPositions: [ids.length - 1], stepIndices: [0] });
  if (whole.length <= maxLength) return { rows: [oneRow(whole)], windowed: false };
  const pieces: EncodedPieces = {
    prefix: encode(before),
    steps: steps.map((s, i) => encode(i < steps.length - 1 ? s + format.stepSeparator : s)),
    suffix: encode(after),
  };
  const window = planTailWindow(
    pieces.steps.map((s) => s.length),
    maxLength - pieces.prefix.length - pieces.suffix.length,
  );
  return { rows: [oneRow(assemble(pieces, window).ids)], windowed: true };
}
