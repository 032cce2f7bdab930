import { describe, expect, it } from 'vitest';
import type { BestOfNOutcome } from '../../../src/proxy/best-of-n';
import type { LiveCandidate } from '../../../src/proxy/live/candidate-stream';
import { committedChunks } from '../../../src/proxy/live/committed-stream';

/** A candidate driven by hand: `write` appends a delta and wakes whoever waits on `changed`. */
function handCandidate() {
  let notify = () => {};
  let next = new Promise<void>((resolve) => (notify = resolve));
  const wake = () => {
    notify();
    next = new Promise<void>((resolve) => (notify = resolve));
  };
  const c = {
    index: 0,
    reasoning: '',
    content: '',
    tokens: 0,
    marks: [],
    done: Promise.resolve(),
    cancel() {},
    changed: () => next,
  } as LiveCandidate;
  return {
    c,
    write(reasoning: string, content: string) {
      c.reasoning += reasoning;
      c.content += content;
      wake();
    },
    finish() {
      c.stopped = 'finished';
      wake();
    },
  };
}

const settled = Promise.resolve({
  outcome: {
    fan: { samples: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, deadlineHit: false },
    ranked: [],
    timings: { upstream: 0, scoring: 0, total: 0 },
  } as BestOfNOutcome,
  metadata: { selected: [0] },
});
const deltas = (chunks: any[], key: 'content' | 'reasoning_content') =>
  chunks.map((c) => c.choices[0]?.delta[key] ?? '').join('');

describe('committed stream', () => {
  it('replays what the leader has written, then forwards every delta, including those that arrive while the client reads', async () => {
    const h = handCandidate();
    h.write('Think. ', 'So far ');
    const gen = committedChunks(h.c, settled, 'm', true);
    const chunks: any[] = [];
    const take = async () => chunks.push((await gen.next()).value);
    await take(); // role
    await take(); // replayed reasoning
    h.write('More thought. ', ''); // arrives while the generator is suspended at a yield
    await take(); // replayed content
    h.write('', 'then more ');
    h.write('', 'and the end.');
    h.finish();
    for (let r = await gen.next(); !r.done; r = await gen.next()) chunks.push(r.value);
    expect(deltas(chunks, 'reasoning_content')).toBe('Think. More thought. ');
    expect(deltas(chunks, 'content')).toBe('So far then more and the end.');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-2).bestofn).toEqual({ selected: [0] });
    expect(chunks.at(-1).usage.total_tokens).toBe(3);
  });

  it('ends with an error when the leader stops before finishing: its text is already with the client', async () => {
    const h = handCandidate();
    h.write('', 'Half an answer');
    h.c.stopped = 'error';
    h.c.error = { status: 502, message: 'upstream went away', code: null };
    const gen = committedChunks(h.c, settled, 'm', false);
    await gen.next();
    await gen.next();
    await expect(gen.next()).rejects.toThrow(/committed candidate stopped early \(error\): upstream went away/);
  });
});
