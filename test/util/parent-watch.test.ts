import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchParent } from '../../src/util/parent-watch';

afterEach(() => void vi.useRealTimers());

describe('watchParent', () => {
  it('calls back once when the parent id changes (the wrapper died and the process was re-parented)', () => {
    vi.useFakeTimers();
    let parent = 4242;
    const gone = vi.fn();
    watchParent(gone, { intervalMs: 100, ppid: () => parent });
    vi.advanceTimersByTime(1000);
    expect(gone).not.toHaveBeenCalled();
    parent = 1;
    vi.advanceTimersByTime(100);
    parent = 77;
    vi.advanceTimersByTime(1000);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('does not watch a process whose parent is already init (PID 1 in a container)', () => {
    vi.useFakeTimers();
    let parent = 1;
    const gone = vi.fn();
    watchParent(gone, { intervalMs: 100, ppid: () => parent });
    parent = 0;
    vi.advanceTimersByTime(1000);
    expect(gone).not.toHaveBeenCalled();
  });

  it('stops watching when asked', () => {
    vi.useFakeTimers();
    let parent = 10;
    const gone = vi.fn();
    const stop = watchParent(gone, { intervalMs: 100, ppid: () => parent });
    stop();
    parent = 1;
    vi.advanceTimersByTime(1000);
    expect(gone).not.toHaveBeenCalled();
  });
});
