import { describe, expect, it } from 'vitest';
import { fairLimit } from '../../src/http/fair-limit';

/** A call that stays open until the test releases it, logging when it starts. */
function heldCalls() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const call = (name: string) => () => {
    started.push(name);
    return new Promise<string>((resolve) => releases.set(name, () => resolve(name)));
  };
  const release = async (name: string) => {
    releases.get(name)!();
    // The freed slot is handed on after the call's promise settles.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, call, release };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('fairLimit (issue 27, item 13)', () => {
  it('a small request queued behind a big backlog gets the next free slot, not the backlog after', async () => {
    const limit = fairLimit(2);
    const { started, call, release } = heldCalls();
    const big = {};
    const small = {};
    const bigCalls = Array.from({ length: 8 }, (_, i) => limit(call(`big${i}`), big));
    await flush();
    const smallCall = limit(call('small0'), small);
    await flush();
    expect(started).toEqual(['big0', 'big1']);
    expect(limit.pendingCount).toBe(7);
    await release('big0');
    expect(started).toEqual(['big0', 'big1', 'small0']);
    await release('small0');
    await expect(smallCall).resolves.toBe('small0');
    for (let i = 1; i < 8; i++) await release(`big${i}`);
    await expect(Promise.all(bigCalls)).resolves.toHaveLength(8);
    expect(started).toEqual(['big0', 'big1', 'small0', ...Array.from({ length: 6 }, (_, i) => `big${i + 2}`)]);
    expect(limit.activeCount).toBe(0);
    expect(limit.pendingCount).toBe(0);
  });

  it('takes the waiting owners in turn, one call each', async () => {
    const limit = fairLimit(1);
    const { started, call, release } = heldCalls();
    const [a, b, c] = [{}, {}, {}];
    void limit(call('a0'), a);
    for (const [owner, name] of [
      [a, 'a1'],
      [a, 'a2'],
      [b, 'b0'],
      [b, 'b1'],
      [c, 'c0'],
    ] as const)
      void limit(call(name), owner);
    await flush();
    for (const name of ['a0', 'a1', 'b0', 'c0', 'a2', 'b1']) await release(name);
    expect(started).toEqual(['a0', 'a1', 'b0', 'c0', 'a2', 'b1']);
  });

  it('never runs more than its concurrency, and a failing call frees its slot', async () => {
    const limit = fairLimit(2);
    let running = 0;
    let most = 0;
    const work = (fail: boolean) => async () => {
      running++;
      most = Math.max(most, running);
      await flush();
      running--;
      if (fail) throw new Error('boom');
      return 1;
    };
    const results = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => limit(work(i % 3 === 0), {})));
    expect(most).toBe(2);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    expect(limit.activeCount).toBe(0);
  });

  it('a call that throws synchronously rejects its promise', async () => {
    const limit = fairLimit(1);
    await expect(
      limit(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limit(() => 2)).resolves.toBe(2);
  });
});
