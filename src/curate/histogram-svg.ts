/**
 * A reward histogram per source as a hand-written SVG: outlined, lightly filled step curves on one axis,
 * each normalised to its source's share of rows, so a source with ten times the rows does not flatten the
 * others (the way ReasonFlux sets DeepSeek-R1 traces beside Gemini ones).
 */
import { colorAt, esc, svgStart } from '../report/svg';

export interface HistogramSeries {
  label: string;
  /** Rows per bin. */
  counts: readonly number[];
}

const W = 640;
const H = 360;
const M = { left: 56, right: 16, top: 24, bottom: 44 };

const fmt = (n: number) => Number(n.toFixed(3)).toString();

/** `edges` has one more entry than each series has counts. */
export function histogramSvg(edges: readonly number[], series: readonly HistogramSeries[], title: string): string {
  const bins = edges.length - 1;
  const lo = edges[0]!;
  const hi = edges[bins]!;
  const shares = series.map((s) => {
    const total = s.counts.reduce((a, b) => a + b, 0);
    return s.counts.map((c) => (total ? c / total : 0));
  });
  const top = Math.max(0.01, ...shares.flat());
  const x = (v: number) => M.left + ((v - lo) / (hi - lo || 1)) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom);
  const out = [
    ...svgStart(W, H, 11, title),
    `<text x="${W / 2}" y="14" text-anchor="middle" font-size="12">${esc(title)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (top * t) / 4;
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#eee"/>`);
    out.push(
      `<text x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${(v * 100).toFixed(v * 100 < 10 && v > 0 ? 1 : 0)}%</text>`,
    );
  }
  for (let t = 0; t <= 5; t++) {
    const v = lo + ((hi - lo) * t) / 5;
    out.push(
      `<line x1="${fmt(x(v))}" x2="${fmt(x(v))}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="black"/>`,
    );
    out.push(`<text x="${fmt(x(v))}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="black"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">reward</text>`);
  out.push(
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">share of rows</text>`,
  );
  shares.forEach((share, k) => {
    const color = colorAt(k);
    let d = `M${fmt(x(lo))} ${fmt(y(0))}`;
    share.forEach((v, b) => (d += ` L${fmt(x(edges[b]!))} ${fmt(y(v))} L${fmt(x(edges[b + 1]!))} ${fmt(y(v))}`));
    d += ` L${fmt(x(hi))} ${fmt(y(0))} Z`;
    out.push(
      `<path d="${d}" fill="${color}" fill-opacity="0.18" stroke="${color}" stroke-width="1.5"><title>${esc(series[k]!.label)}</title></path>`,
    );
    const ly = M.top + 6 + k * 16;
    out.push(`<rect x="${M.left + 10}" y="${ly}" width="10" height="10" fill="${color}"/>`);
    out.push(
      `<text x="${M.left + 26}" y="${ly + 9}">${esc(series[k]!.label)} (n=${series[k]!.counts.reduce((a, b) => a + b, 0)})</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
