/**
 * Token ids exactly as the reference PRM code builds them, kept in pieces (prefix, steps, suffix) so a
 * long trajectory can be re-assembled in windows of whole steps.
 */
import type { PrmPromptPieces } from '../../core/prm-prompt';
import { isWindowed, planTailWindow, planWindows } from '../../core/windows';
import type { StepWindow } from '../../core/windows';

/** Text → ids without special tokens added around it (Qwen adds none anyway). */
export type Encode = (text: string) => number[];

export interface EncodedPieces {
  /** The prefix alone: the start of a window that begins after the first step. */
  prefix: number[];
  /**
   * The prefix as it is encoded in front of the first step. Usually the same ids; it differs when the
   * first step starts with text the tokenizer merges with the prefix's last token (a leading "\n" joins
   * the assistant header's "\n" into "\n\n"), and the reference encodes the text whole.
   */
  firstPrefix: number[];
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
 * The reference encodes the rendered conversation whole; the tag, a special token, splits the text there,
 * so encoding each step apart and appending the tag id gives the same ids. The one joint that is not at a
 * special token, prefix → first step, is encoded together and split where the prefix's own ids end.
 * The tag goes in by id at our own positions, so a step that contains the tag's text cannot shift them.
 */
export function encodeStepClassifier(encode: Encode, pieces: PrmPromptPieces, tagId: number): EncodedPieces {
  const prefix = encode(pieces.prefix);
  const steps = pieces.steps.map((s, i) => (i === 0 ? [] : [...encode(s), tagId]));
  let firstPrefix = prefix;
  if (pieces.steps.length > 0) {
    const joint = encode(pieces.prefix + pieces.steps[0]!);
    let common = 0;
    while (common < prefix.length && common < joint.length && prefix[common] === joint[common]) common++;
    firstPrefix = common === prefix.length ? prefix : joint.slice(0, common);
    steps[0] = [...joint.slice(common), tagId];
  }
  return { prefix, firstPrefix, steps, suffix: encode(pieces.suffix) };
}

/** Flattens pieces into one row, recording the position of each step's last token (its tag). */
export function assemble(
  pieces: EncodedPieces,
  window: StepWindow = { start: 0, end: pieces.steps.length, cut: 0 },
): PrmRow {
  const ids = [...(window.start === 0 ? pieces.firstPrefix : pieces.prefix)];
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
  const total = pieces.firstPrefix.length + pieces.suffix.length + pieces.steps.reduce((n, s) => n + s.length, 0);
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
export function planValueHead(
  encode: Encode,
  problem: string,
  steps: readonly string[],
  format: ValueHeadFormat,
  maxLength: number,
): PlannedSequence {
  const at = format.template.indexOf('{completion}');
  const before = format.template.slice(0, at).replace('{problem}', () => problem);
  const after = format.template.slice(at + '{completion}'.length);
  const whole = encode(before + steps.join(format.stepSeparator) + after);
  const oneRow = (ids: number[]): PrmRow => ({ ids, tagPositions: [ids.length - 1], stepIndices: [0] });
  if (whole.length <= maxLength) return { rows: [oneRow(whole)], windowed: false };
  const prefixIds = encode(before);
  const pieces: EncodedPieces = {
    prefix: prefixIds,
    firstPrefix: prefixIds,
    steps: steps.map((s, i) => encode(i < steps.length - 1 ? s + format.stepSeparator : s)),
    suffix: encode(after),
  };
  const window = planTailWindow(
    pieces.steps.map((s) => s.length),
    maxLength - pieces.prefix.length - pieces.suffix.length,
  );
  return { rows: [oneRow(assemble(pieces, window).ids)], windowed: true };
}
