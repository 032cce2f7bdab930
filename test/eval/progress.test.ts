import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/eval/progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, isTTY, columns: 100, write: (s: string) => out.push(s) };
};

describe('progress', () => {
  it('redraws one bar in place on a terminal', () => {
    const s = sink(true);
    let t = 0;
    const p = createProgress(4, s, { now: () => t });
    t = 1000;
    p.tick({ correct: true, failed: false });
    p.tick({ correct: false, failed: true });
    p.done();
    expect(s.out[0]).toMatch(/^\r\[\.{40}\] 0\/4 /);
    expect(s.out[2]).toMatch(/^\r\[#{20}\.{20}\] 2\/4 acc 0\.500 errors 1 1s eta 1s\x1b\[K$/);
    expect(s.out.at(-1)).toBe('\n');
  });

  it('writes a plain line every interval, and at the end, elsewhere', () => {
    const s = sink(false);
    let t = 0;
    const p = createProgress(3, s, { now: () => t, everyMs: 10_000 });
    p.tick({ correct: true, failed: false });
    t = 10_000;
    p.tick({ correct: true, failed: false });
    p.tick({ correct: false, failed: false });
    p.done();
    expect(s.out).toEqual(['eval: 2/3 acc 1.000 errors 0 10s eta 5s\n', 'eval: 3/3 acc 0.667 errors 0 10s\n']);
  });
});
