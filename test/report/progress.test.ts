import { describe, expect, it } from 'vitest';
import { createEvalProgress } from '../../src/eval/progress';
import { createProgress, duration, eta } from '../../src/report/progress';
import { createRowProgress } from '../../src/curate/progress';

const sink = (isTTY: boolean, columns = 100) => {
  const out: string[] = [];
  return { out, isTTY, columns, write: (s: string) => out.push(s) };
};

describe('progress', () => {
  it('redraws one bar in place on a terminal, and ends the line with the last state', () => {
    const s = sink(true);
    let t = 0;
    const p = createEvalProgress(4, s, { now: () => t });
    t = 1000;
    p.tick({ correct: true, failed: false });
    p.tick({ correct: false, failed: true });
    p.done();
    expect(s.out[0]).toMatch(/^\reval \[\.{40}\] 0\/4 /);
    expect(s.out[2]).toBe('\reval [####################....................] 2/4 acc 0.500 errors 1 1s eta 1s\x1b[K');
    expect(s.out.slice(-2)).toEqual([s.out[2], '\n']);
  });

  it('writes a plain line every interval, and at the end, elsewhere', () => {
    const s = sink(false);
    let t = 0;
    const p = createEvalProgress(3, s, { now: () => t, everyMs: 10_000 });
    p.tick({ correct: true, failed: false });
    t = 10_000;
    p.tick({ correct: true, failed: false });
    p.tick({ correct: false, failed: false });
    p.done();
    expect(s.out).toEqual(['eval: 2/3 acc 1.000 errors 0 10s eta 5s\n', 'eval: 3/3 acc 0.667 errors 0 10s\n']);
  });

  it('paces terminal redraws for callers that update per row, and narrows the bar on a narrow terminal', () => {
    const s = sink(true, 60);
    let t = 0;
    const p = createProgress(s, { label: 'x', status: (_, share) => share.toFixed(2), redrawMs: 200, now: () => t });
    t = 100;
    p.update(0.1);
    t = 200;
    p.update(0.2);
    t = 300;
    p.update(0.3);
    p.done();
    expect(s.out).toEqual([
      '\rx [..........] 0.00\x1b[K',
      '\rx [##........] 0.20\x1b[K',
      '\rx [###.......] 0.30\x1b[K',
      '\n',
    ]);
  });

  it('says nothing without a sink (--quiet)', () => {
    const p = createProgress(null, { label: 'x', status: () => 'never' });
    p.update(0.5);
    p.done();
  });

  it('tells select how much of the input is read, how many rows are scored and how fast', () => {
    const s = sink(false);
    let t = 0;
    const p = createRowProgress(s, 1000, () => t);
    t = 10_000;
    p.update(250, 40);
    t = 12_000;
    p.update(1000, 160);
    p.done();
    expect(s.out).toEqual(['scoring: 25.0% 40 rows 4.0/s eta 30s\n', 'scoring: 100.0% 160 rows 13.3/s\n']);
  });

  it('writes durations as seconds, minutes or hours, and an eta only while work is under way', () => {
    expect([duration(42_000), duration(187_000), duration(3_900_000)]).toEqual(['42s', '3m07s', '1h05m']);
    expect([eta(10_000, 0), eta(10_000, 0.25), eta(10_000, 1)]).toEqual(['', ' eta 30s', '']);
  });
});
