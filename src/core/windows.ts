/**
 * Planning how a trajectory longer than the model context is scored: in windows of whole steps, each
 * window re-prefixed with the problem by the caller, so every step still gets a reward. Nothing is dropped
 * silently: the only loss is a single step that alone exceeds the budget, which keeps its end (the tokens
 * nearest its step tag, which is what the reward is read from) and loses its start; `cut` says how much.
 */
export interface StepWindow {
  /** First step of the window. */
  start: number;
  /** One past the last step. */
  end: number;
  /** Tokens removed from the start of step `start` (only when that step alone exceeds the budget). */
  cut: number;
}

export class WindowBudgetError extends RangeError {
  override readonly name = 'WindowBudgetError';
}

function checkBudget(budget: number): void {
  if (!Number.isInteger(budget) || budget < 1) {
    throw new WindowBudgetError(
      `no room for any step: the problem and chat template leave ${budget} tokens of the model context`,
    );
  }
}

/**
 * Greedy windows of consecutive whole steps whose token lengths sum to at most `budget` (the context
 * left after the problem prefix and the closing suffix). One window when everything fits.
 */
export function planWindows(stepLengths: readonly number[], budget: number): StepWindow[] {
  checkBudget(budget);
  const windows: StepWindow[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < stepLengths.length; i++) {
    const len = stepLengths[i]!;
    if (used > 0 && used + len > budget) {
      windows.push({ start, end: i, cut: 0 });
      start = i;
      used = 0;
    }
    if (used === 0 && len > budget) {
      windows.push({ start: i, end: i + 1, cut: len - budget });
      start = i + 1;
      continue;
    }
    used += len;
  }
  if (start < stepLengths.length || windows.length === 0) windows.push({ start, end: stepLengths.length, cut: 0 });
  return windows;
}

/**
 * The single window ending at the last step, for models that read one value at the end of the sequence
 * (value heads): as many trailing whole steps as fit, or the end of the last step when it alone is too long.
 */
export function planTailWindow(stepLengths: readonly number[], budget: number): StepWindow {
  checkBudget(budget);
  const n = stepLengths.length;
  let used = 0;
  let start = n;
  while (start > 0 && used + stepLengths[start - 1]! <= budget) used += stepLengths[--start]!;
  if (start === n && n > 0) return { start: n - 1, end: n, cut: stepLengths[n - 1]! - budget };
  return { start, end: n, cut: 0 };
}

/** True when the plan scores anything other than the whole sequence in one pass. */
export const isWindowed = (windows: readonly StepWindow[], stepCount: number): boolean =>
  windows.length !== 1 || windows[0]!.cut > 0 || windows[0]!.start !== 0 || windows[0]!.end !== stepCount;
