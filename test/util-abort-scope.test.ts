import { describe, expect, it } from 'vitest';
import { AbortScope, untilSettled } from '../src/util/abort-scope';

describe('AbortScope', () => {
  it('follows its parents and its timers until disposed, then lets go of both', async () => {
    const parent = new AbortController();
    const scope = new AbortScope().follow(parent.signal);
    scope.timeout(20, () => new Error('late'));
    scope.dispose();
    parent.abort(new Error('client gone'));
    await new Promise((r) => setTimeout(r, 40));
    expect(scope.aborted).toBe(false);
  });

  it('aborts with the parent reason, or with the reason of the timer that fired', async () => {
    const parent = new AbortController();
    const followed = new AbortScope().follow(parent.signal);
    parent.abort('gone');
    expect(followed.signal.reason).toBe('gone');

    const timed = new AbortScope();
    const cancelFirst = timed.timeout(5, () => 'first byte');
    timed.timeout(15, () => 'total');
    cancelFirst();
    await new Promise((r) => setTimeout(r, 30));
    expect(timed.signal.reason).toBe('total');
    expect(new AbortScope().follow(AbortSignal.abort('already')).signal.reason).toBe('already');
  });
});

describe('untilSettled', () => {
  it.each([
    ['read to the end', async (s: ReadableStream) => void (await new Response(s).text())],
    ['cancelled', async (s: ReadableStream) => void (await s.cancel())],
  ])('calls done once the body is %s', async (_name, consume) => {
    let done = 0;
    const body = new Response('chunk one, chunk two').body!;
    const wrapped = untilSettled(body, () => done++);
    expect(done).toBe(0);
    await consume(wrapped);
    expect(done).toBe(1);
  });
});
