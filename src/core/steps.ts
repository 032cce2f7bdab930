/**
 * Step splitting, the unit a process reward model scores.
 *
 * The default is the reference rule of the step-classifier PRMs (Qwen2.5-Math-PRM-7B's model card, the
 * ReasonFlux-PRM README): exactly `text.split("\n\n")`. Pieces are not stripped, and an empty piece (from
 * "\n\n\n\n") is a step of its own, because that is the input those models were trained and evaluated on.
 * Only empty text has no steps.
 *
 * The opt-in `merge` rule (manifest `step_split: "merge"`) is bestofn's own: a step is a paragraph, i.e. text between blank lines (a line holding only whitespace counts
 * as blank, `\r\n` included). Two exceptions keep one logical piece together:
 *  - a blank line inside a closed fenced code block (``` … ```) or `$$ … $$` display block does not split;
 *    an unclosed one (a truncated generation) protects nothing, so the tail still splits normally;
 *  - a fragment shorter than `minChars` after trimming ("So:", a lone "$$", "**Step 2**") is not a step
 *    on its own: it joins the step after it, or the one before when it is last. One exception: when the
 *    step before ends with a colon and the fragment does not ("Subtract 3 from both sides:" then a short
 *    `\[2x = 8\]`), the fragment is what that colon announced and joins it instead.
 * Merged steps keep the original text between their parts, so nothing is rewritten.
 * Either rule stops at MAX_STEPS: the text after the last split is one step, nothing is dropped.
 */

export type StepSplit = 'reference' | 'merge';

export interface SplitStepsOptions {
  /** 'reference' (default): text.split("\n\n"). 'merge': paragraphs, short fragments merged. */
  split?: StepSplit;
  /** merge only: fragments shorter than this (after trimming) are merged into a neighbour. */
  minChars?: number;
}

/**
 * Most steps one text is split into; the rest of a longer text is its last step, whole. No PRM context
 * holds more (each step costs at least a step tag), and a hostile answer of 2,000,000 tiny steps would
 * otherwise cost millions of strings per candidate, scored or not.
 */
export const MAX_STEPS = 2048;

/** The reference split, at most MAX_STEPS pieces (the last one holds the rest); linear in the text. */
export function referenceSteps(text: string): string[] {
  if (text === '') return [];
  const steps: string[] = [];
  let start = 0;
  while (steps.length < MAX_STEPS - 1) {
    const at = text.indexOf('\n\n', start);
    if (at === -1) break;
    steps.push(text.slice(start, at));
    start = at + 2;
  }
  steps.push(text.slice(start));
  return steps;
}

const PROTECTED = /^[ \t]*```[^\n]*\n[\s\S]*?^[ \t]*```|\$\$[\s\S]*?\$\$/gm;
const BLANK = /\n\s*\n/g;

interface Span {
  start: number;
  end: number;
}

function protectedSpans(text: string): Span[] {
  return [...text.matchAll(PROTECTED)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** Non-empty trimmed paragraphs as spans of `text`. */
function paragraphs(text: string): Span[] {
  const guarded = protectedSpans(text);
  const spans: Span[] = [];
  let start = 0;
  let g = 0; // both lists run left to right, so one pointer walks the guarded spans
  for (const sep of text.matchAll(BLANK)) {
    while (g < guarded.length && guarded[g]!.end <= sep.index) g++;
    const guard = guarded[g];
    if (guard && sep.index >= guard.start) continue;
    spans.push({ start, end: sep.index });
    start = sep.index + sep[0].length;
    // Merging only joins paragraphs, so MAX_STEPS paragraphs (the last one the rest) bound the steps too.
    if (spans.length === MAX_STEPS - 1) break;
  }
  spans.push({ start, end: text.length });
  return spans.flatMap((s) => {
    const piece = text.slice(s.start, s.end);
    const lead = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    return trimmed ? [{ start: s.start + lead, end: s.start + lead + trimmed.length }] : [];
  });
}

const announces = (text: string, s: Span): boolean => text[s.end - 1] === ':';

export function splitSteps(text: string, { split = 'reference', minChars = 20 }: SplitStepsOptions = {}): string[] {
  return split === 'reference' ? referenceSteps(text) : mergedSteps(text, minChars);
}

function mergedSteps(text: string, minChars: number): string[] {
  const merged: Span[] = [];
  let pending: Span | null = null; // tiny fragments waiting for the next real step
  for (const span of paragraphs(text)) {
    const start: number = pending ? pending.start : span.start;
    pending = null;
    const prev = merged.at(-1);
    if (span.end - span.start >= minChars) {
      merged.push({ start, end: span.end });
    } else if (start === span.start && prev && announces(text, prev) && !announces(text, span)) {
      prev.end = span.end;
    } else {
      pending = { start, end: span.end };
    }
  }
  if (pending) {
    const last = merged.at(-1);
    if (last) last.end = pending.end;
    else merged.push(pending);
  }
  return merged.map((s) => text.slice(s.start, s.end));
}

/**
 * The steps a scorer judges for one part of a candidate, or null when the part is absent. Text without
 * steps counts as a single step, so a one-paragraph answer is still scored rather than silently skipped.
 */
export function partSteps(steps: readonly string[], text: string): readonly string[] | null {
  if (steps.length > 0) return steps;
  return text.trim() === '' ? null : [text];
}
