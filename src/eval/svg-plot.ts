/**
 * Accuracy against N as a small standalone SVG: N on a log₂ axis, accuracy on a linear one, one polyline
 * per strategy, points for single figures (the gateway's pick at the largest N), and a legend.
 */
import { colorAt, esc, svgStart } from '../report/svg';

export interface Series {
  label: string;
  points: { n: number; value: number }[];
}

const W = 800;
const H = 400;
const M = { left: 60, right: 270, top: 30, bottom: 50 };

const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

/** A y range that shows differences of a few points: from a tenth below the lowest value, at most 0..1. */
function yRange(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const floor = Math.max(0, Math.floor((lo - 0.05) * 10) / 10);
  return [floor, 1];
}

export interface AxisOptions {
  /** x-axis title (default "N (candidates)"). */
  xLabel?: string;
  /** x ticks (default: every x that a point has). */
  ticks?: number[];
}

export function accuracySvg(series: readonly Series[], title: string, axis: AxisOptions = {}): string {
  const all = series.flatMap((s) => s.points);
  const ns = axis.ticks ?? [...new Set(all.map((p) => p.n))].sort((a, b) => a - b);
  const [y0, y1] = all.length > 0 ? yRange(all.map((p) => p.value)) : [0, 1];
  const lx = [...new Set([...ns, ...all.map((p) => p.n)])].map(Math.log2);
  const [x0, x1] = lx.length > 1 ? [Math.min(...lx), Math.max(...lx)] : [(lx[0] ?? 0) - 1, (lx[0] ?? 0) + 1];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const X = (n: number) => r2(M.left + ((Math.log2(n) - x0) / (x1 - x0)) * pw);
  const Y = (v: number) => r2(M.top + (1 - (v - y0) / (y1 - y0)) * ph);

  const out = svgStart(W, H, 12, title);
  out.push(`<text x="${M.left + pw / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  // Grid and y ticks every 0.1 (0.05 when the range is narrow).
  const step = y1 - y0 <= 0.3 ? 0.05 : 0.1;
  for (let i = 0; y0 + i * step <= y1 + 1e-9; i++) {
    const v = y0 + i * step;
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const n of ns) {
    out.push(`<line x1="${X(n)}" x2="${X(n)}" y1="${M.top + ph}" y2="${M.top + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${X(n)}" y="${M.top + ph + 18}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="black"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="black"/>`);
  out.push(
    `<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(axis.xLabel ?? 'N (candidates)')}</text>`,
  );
  out.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);

  series.forEach((s, i) => {
    const color = colorAt(i);
    const pts = [...s.points].sort((a, b) => a.n - b.n);
    if (pts.length > 1)
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${X(p.n)},${Y(p.value)}`).join(' ')}"/>`,
      );
    for (const p of pts)
      out.push(
        `<circle cx="${X(p.n)}" cy="${Y(p.value)}" r="3.5" fill="${color}"><title>${esc(s.label)} ${axis.xLabel ? 'x' : 'N'}=${p.n}: ${p.value.toFixed(3)}</title></circle>`,
      );
    const ly = M.top + 10 + i * 20;
    out.push(
      `<line x1="${W - M.right + 15}" x2="${W - M.right + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
