import { describe, expect, it } from 'vitest';
import { accuracySvg } from '../../src/eval/svg-plot';
import { COLORS, esc, svgStart } from '../../src/report/svg';
import { histogramSvg } from '../../src/curate/histogram-svg';

// Labels come from data files: a source or dataset name can hold markup.
const HOSTILE = 'r1 <script>alert(1)</script> & "q"';

describe('report figures', () => {
  it('escape every label, so a name from a data file cannot inject markup', () => {
    expect(esc(HOSTILE)).toBe('r1 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;');
    const figures = [
      accuracySvg(
        [
          {
            label: HOSTILE,
            points: [
              { n: 1, value: 0.5 },
              { n: 4, value: 0.7 },
            ],
          },
        ],
        HOSTILE,
      ),
      histogramSvg([0, 0.5, 1], [{ label: HOSTILE, counts: [1, 2] }], HOSTILE),
    ];
    for (const svg of figures) {
      expect(svg).not.toContain('<script');
      expect(svg).not.toContain('"q"');
      expect(svg).toContain(esc(HOSTILE));
    }
  });

  it('share the frame and the palette: the n-th series has the same colour in every figure', () => {
    const two = ['a', 'b'];
    const accuracy = accuracySvg(
      two.map((label) => ({
        label,
        points: [
          { n: 1, value: 0.5 },
          { n: 2, value: 0.6 },
        ],
      })),
      'acc',
    );
    const histogram = histogramSvg(
      [0, 1],
      two.map((label) => ({ label, counts: [1] })),
      'hist',
    );
    for (const [svg, w, h, size, title] of [
      [accuracy, 800, 400, 12, 'acc'],
      [histogram, 640, 360, 11, 'hist'],
    ] as const) {
      expect(svg.startsWith(svgStart(w, h, size, title).join('\n') + '\n')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      const colours = [...svg.matchAll(/stroke="(#[0-9a-f]{6})" stroke-width/g)].map((m) => m[1]);
      expect([...new Set(colours)]).toEqual([COLORS[0], COLORS[1]]);
    }
  });
});
