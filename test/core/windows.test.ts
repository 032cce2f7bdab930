import { describe, it, expect } from 'vitest';
import { isWindowed, planTailWindow, planWindows, WindowBudgetError } from '../../src/core/windows';

describe('planWindows', () => {
  it('is one window when everything fits', () => {
    const w = planWindows([3, 4, 5], 12);
    expect(w).toEqual([{ start: 0, end: 3, cut: 0 }]);
    expect(isWindowed(w, 3)).toBe(false);
  });

  it('packs whole steps greedily and covers every step exactly once', () => {
    const lengths = [5, 5, 5, 2, 9, 1, 1];
    const w = planWindows(lengths, 10);
    expect(w).toEqual([
      { start: 0, end: 2, cut: 0 },
      { start: 2, end: 4, cut: 0 },
      { start: 4, end: 6, cut: 0 },
      { start: 6, end: 7, cut: 0 },
    ]);
    expect(isWindowed(w, lengths.length)).toBe(true);
    for (const win of w) expect(lengths.slice(win.start, win.end).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10);
  });

  it('cuts an oversized step from its start, alone in its window', () => {
    expect(planWindows([2, 15, 3], 10)).toEqual([
      { start: 0, end: 1, cut: 0 },
      { start: 1, end: 2, cut: 5 },
      { start: 2, end: 3, cut: 0 },
    ]);
    const only = planWindows([12], 10);
    expect(only).toEqual([{ start: 0, end: 1, cut: 2 }]);
    expect(isWindowed(only, 1)).toBe(true);
  });

  it('refuses when the prefix leaves no room', () => {
    expect(() => planWindows([1], 0)).toThrow(WindowBudgetError);
    expect(() => planTailWindow([1], -3)).toThrow(/no room/);
  });
});

describe('planTailWindow', () => {
  it('keeps the trailing whole steps that fit', () => {
    expect(planTailWindow([4, 4, 4, 4], 9)).toEqual({ start: 2, end: 4, cut: 0 });
    expect(planTailWindow([4, 4], 9)).toEqual({ start: 0, end: 2, cut: 0 });
  });

  it('keeps the end of an oversized last step', () => {
    expect(planTailWindow([1, 20], 8)).toEqual({ start: 1, end: 2, cut: 12 });
  });
});
