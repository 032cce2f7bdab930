import { describe, it, expect } from 'vitest';
import { OverloadedError } from '../../../src/errors';
import { MicroBatcher } from '../../../src/scorer/onnx/micro-batcher';

/** Items are their own lengths; run() records each batch and answers length × 10 after a tick. */
function recording(opts: { batchTokens: number; queueLimit: number; fail?: boolean }) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  const batcher = new MicroBatcher<number, number>({
    ...opts,
    lengthOf: (n) => n,
    run: async (items) => {
      batches.push(items);
      if (gate) await gate;
      await new Promise((r) => setTimeout(r, 1));
      if (opts.fail) throw new Error('model exploded');
      return items.map((n) => n * 10);
    },
  });
  const hold = () => {
    gate = new Promise((r) => (release = r));
  };
  return { batcher, batches, hold, release: () => release() };
}

describe('MicroBatcher', () => {
  it('answers each item in order and keeps width × rows within the token budget', async () => {
    const { batcher, batches } = recording({ batchTokens: 100, queueLimit: 100 });
    const lengths = [30, 5, 28, 31, 6, 50, 4, 29, 120];
    expect(await batcher.submit(lengths)).toEqual(lengths.map((n) => n * 10));
    for (const b of batches) if (b.length > 1) expect(Math.max(...b) * b.length).toBeLessThanOrEqual(100);
    // The over-budget row runs alone rather than never.
    expect(batches).toContainEqual([120]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([...lengths].sort((a, b) => a - b));
    // Similar lengths share batches: the three short rows go together, not with the long ones.
    expect(batches).toContainEqual([4, 5, 6]);
  });

  it('merges concurrent submissions into one batch', async () => {
    const { batcher, batches } = recording({ batchTokens: 1000, queueLimit: 100 });
    const out = await Promise.all([batcher.submit([10]), batcher.submit([12, 11]), batcher.submit([9])]);
    expect(out).toEqual([[100], [120, 110], [90]]);
    expect(batches).toHaveLength(1);
    expect(batcher.stats).toMatchObject({ batches: 1, rows: 4, paddedTokens: 48, realTokens: 42 });
  });

  it('refuses work past the queue limit with a 503 and retry-after, and recovers', async () => {
    const { batcher, hold, release } = recording({ batchTokens: 10, queueLimit: 3 });
    hold();
    const first = batcher.submit([10]);
    await new Promise((r) => setTimeout(r, 5)); // the first batch is now running and holds nothing in the queue
    const queued = batcher.submit([10, 10]);
    const refused = await batcher.submit([10, 10]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect((refused as OverloadedError).status).toBe(503);
    expect((refused as OverloadedError).headers['retry-after']).toBe('1');
    expect(batcher.waiting).toBe(2);
    release();
    expect(await first).toEqual([100]);
    expect(await queued).toEqual([100, 100]);
    expect(await batcher.submit([10, 10, 10])).toEqual([100, 100, 100]);
  });

  it('drops queued work when its signal aborts', async () => {
    const { batcher, batches, hold, release } = recording({ batchTokens: 10, queueLimit: 10 });
    hold();
    const running = batcher.submit([7]);
    await new Promise((r) => setTimeout(r, 5));
    const controller = new AbortController();
    const abandoned = batcher.submit([8, 9], controller.signal);
    controller.abort(new Error('client went away'));
    await expect(abandoned).rejects.toThrow('client went away');
    expect(batcher.waiting).toBe(0);
    release();
    await running;
    expect(batches).toEqual([[7]]);
    await expect(batcher.submit([1], AbortSignal.abort(new Error('already gone')))).rejects.toThrow('already gone');
  });

  it('rejects every item of a failed batch and keeps serving', async () => {
    const failing = recording({ batchTokens: 100, queueLimit: 10, fail: true });
    await expect(failing.batcher.submit([1, 2])).rejects.toThrow('model exploded');
    await expect(failing.batcher.submit([3])).rejects.toThrow('model exploded');
    expect(failing.batches).toEqual([[1, 2], [3]]);
  });
});
