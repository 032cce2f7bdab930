/** Accuracy plots for report.html as inline SVG: lines with their 95% bands, log₂ x axis. */
import { colorAt } from '../report/svg';

export interface PlotSeries {
  label: string;
  /** Drawn thinner and dashed: another run of the same problems (`--also`). */
  dashed?: boolean;
  color?: number;
  points: { x: number; y: number; lo?: number; hi?: number }[];
}

const W = 820;
const H = 380;
const M = { left: 56, right: 280, top: 26, bottom: 46 };
const r2 = (x: number) => Math.round(x * 100) / 100;

export function AccuracyPlot(props: { series: PlotSeries[]; title: string; xLabel: string; id: string }) {
  const all = props.series.flatMap((s) => s.points);
  if (all.length === 0) return <p class="muted">Nothing to plot.</p>;
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const lx = xs.map(Math.log2);
  const [x0, x1] = lx.length > 1 ? [lx[0]!, lx.at(-1)!] : [lx[0]! - 1, lx[0]! + 1];
  const lowest = Math.min(...all.map((p) => p.lo ?? p.y));
  const y0 = Math.max(0, Math.floor((lowest - 0.05) * 10) / 10);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (x: number) => r2(M.left + ((Math.log2(x) - x0) / (x1 - x0)) * pw);
  const Y = (y: number) => r2(M.top + (1 - (y - y0) / (1 - y0)) * ph);
  const step = 1 - y0 <= 0.3 ? 0.05 : 0.1;
  const ticks = Array.from({ length: Math.floor((1 - y0) / step + 1e-9) + 1 }, (_, i) => y0 + i * step);
  return (
    <svg
      id={props.id}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={props.title}
      font-family="sans-serif"
      font-size="12"
    >
      <text x={M.left + pw / 2} y="16" text-anchor="middle" font-size="14">
        {props.title}
      </text>
      {ticks.map((v) => (
        <g>
          <line x1={M.left} x2={M.left + pw} y1={Y(v)} y2={Y(v)} stroke="#e5e5e5" />
          <text x={M.left - 6} y={Y(v) + 4} text-anchor="end">
            {r2(v)}
          </text>
        </g>
      ))}
      {xs.map((x) => (
        <text x={X(x)} y={M.top + ph + 18} text-anchor="middle">
          {x}
        </text>
      ))}
      <line x1={M.left} x2={M.left + pw} y1={M.top + ph} y2={M.top + ph} stroke="black" />
      <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + ph} stroke="black" />
      <text x={M.left + pw / 2} y={H - 10} text-anchor="middle">
        {props.xLabel}
      </text>
      <text transform={`translate(16 ${M.top + ph / 2}) rotate(-90)`} text-anchor="middle">
        accuracy
      </text>
      {props.series.map((s, i) => {
        const color = colorAt(s.color ?? i);
        const pts = [...s.points].sort((a, b) => a.x - b.x);
        const banded = pts.filter((p) => p.lo !== undefined && p.hi !== undefined);
        const band =
          banded.length > 1
            ? [
                ...banded.map((p) => `${X(p.x)},${Y(p.hi!)}`),
                ...[...banded].reverse().map((p) => `${X(p.x)},${Y(p.lo!)}`),
              ].join(' ')
            : null;
        const ly = M.top + 10 + i * 18;
        return (
          <g class="series">
            {band && !s.dashed ? <polygon points={band} fill={color} fill-opacity="0.13" stroke="none" /> : ''}
            {pts.length > 1 ? (
              <polyline
                fill="none"
                stroke={color}
                stroke-width={s.dashed ? 1.2 : 2}
                stroke-dasharray={s.dashed ? '5 3' : 'none'}
                points={pts.map((p) => `${X(p.x)},${Y(p.y)}`).join(' ')}
              />
            ) : (
              ''
            )}
            {pts.map((p) => (
              <circle cx={X(p.x)} cy={Y(p.y)} r={s.dashed ? 2 : 3.5} fill={color}>
                <title>{`${s.label} at ${p.x}: ${p.y.toFixed(3)}${p.lo !== undefined ? ` [${p.lo.toFixed(3)}, ${p.hi!.toFixed(3)}]` : ''}`}</title>
              </circle>
            ))}
            <line
              x1={W - M.right + 14}
              x2={W - M.right + 38}
              y1={ly}
              y2={ly}
              stroke={color}
              stroke-width="2"
              stroke-dasharray={s.dashed ? '5 3' : 'none'}
            />
            <text x={W - M.right + 44} y={ly + 4}>
              {s.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
