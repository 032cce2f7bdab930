/** The live path's timeline (tokens over time per candidate, rejections, the commit) and confidence curves, as SVG. */
import { colorAt } from '../report/svg';
import type { LiveTimeline } from '../proxy/live/timeline';

const W = 820;
const H = 300;
const M = { left: 56, right: 170, top: 18, bottom: 40 };
const r1 = (x: number) => Math.round(x * 10) / 10;

export function Timeline(props: { timeline: LiveTimeline; winner: number | undefined }) {
  const t = props.timeline;
  const maxMs = Math.max(1, t.total_ms, ...t.candidates.flatMap((c) => c.points.map((p) => p[0])));
  const maxTok = Math.max(1, ...t.candidates.flatMap((c) => c.points.map((p) => p[1])));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (ms: number) => r1(M.left + (ms / maxMs) * pw);
  const Y = (tok: number) => r1(M.top + (1 - tok / maxTok) * ph);
  return (
    <svg
      id="timeline"
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label="Tokens generated over time by each candidate"
      font-size="11"
      font-family="sans-serif"
    >
      <line x1={M.left} x2={M.left + pw} y1={M.top + ph} y2={M.top + ph} stroke="#333" />
      <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + ph} stroke="#333" />
      <text x={M.left + pw / 2} y={H - 8} text-anchor="middle">{`time (ms, ${Math.round(maxMs)} in all)`}</text>
      <text x={M.left - 6} y={M.top + 4} text-anchor="end">
        {maxTok}
      </text>
      <text x={M.left - 6} y={M.top + ph} text-anchor="end">
        0
      </text>
      <text transform={`translate(14 ${M.top + ph / 2}) rotate(-90)`} text-anchor="middle">
        tokens
      </text>
      {t.checkpoints_ms.map((ms, i) => (
        <g>
          <line x1={X(ms)} x2={X(ms)} y1={M.top} y2={M.top + ph} stroke="#999" stroke-dasharray="4 3" />
          <text x={X(ms)} y={M.top - 4} text-anchor="middle" fill="#666">{`checkpoint ${i + 1}`}</text>
        </g>
      ))}
      {t.candidates.map((c, i) => {
        const color = colorAt(i);
        const last = c.points.at(-1) ?? [0, 0];
        const end: [number, number] = [c.stopped_ms ?? last[0], last[1]];
        const pts = [...c.points, end].map((p) => `${X(p[0])},${Y(p[1])}`).join(' ');
        const rejected = c.stopped !== undefined && c.stopped !== 'finished';
        const won = c.index === props.winner;
        const ly = M.top + 8 + i * 16;
        return (
          <g class="lane" data-candidate={c.index}>
            <title>{`#${c.index}: ${last[1]} tokens, ${c.stopped ?? 'running'} at ${Math.round(end[0])} ms`}</title>
            <polyline fill="none" stroke={color} stroke-width={won ? 3 : 1.6} points={pts} />
            {rejected ? (
              <path
                d={`M${X(end[0]) - 4},${Y(end[1]) - 4}l8,8m0,-8l-8,8`}
                stroke="#b2182b"
                stroke-width="2"
                class="rejected"
              />
            ) : (
              <circle cx={X(end[0])} cy={Y(end[1])} r={won ? 5 : 3} fill={color} />
            )}
            <line x1={W - M.right + 10} x2={W - M.right + 30} y1={ly} y2={ly} stroke={color} stroke-width="2" />
            <text x={W - M.right + 35} y={ly + 4}>{`#${c.index} ${won ? '★ ' : ''}${c.stopped ?? ''}`}</text>
          </g>
        );
      })}
      {t.committed ? (
        <g class="commit">
          <line
            x1={X(t.committed.ms)}
            x2={X(t.committed.ms)}
            y1={M.top}
            y2={M.top + ph}
            stroke="#1a9850"
            stroke-width="2"
          />
          <text x={X(t.committed.ms) + 4} y={M.top + ph - 6} fill="#1a9850">{`commit to #${t.committed.index}`}</text>
        </g>
      ) : (
        ''
      )}
    </svg>
  );
}

/** A trace's group confidence along its tokens (higher is surer), as a sparkline. */
export function ConfidenceCurve(props: { values: number[]; label: string }) {
  const w = 300;
  const h = 60;
  const lo = Math.min(...props.values);
  const hi = Math.max(...props.values);
  const pts = props.values
    .map(
      (v, i) =>
        `${r1((i / Math.max(1, props.values.length - 1)) * w)},${r1(h - 4 - ((v - lo) / (hi - lo || 1)) * (h - 8))}`,
    )
    .join(' ');
  return (
    <svg
      class="curve"
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${w} ${h}`}
      width={w}
      height={h}
      role="img"
      aria-label={props.label}
    >
      <polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points={pts} />
      <text x="2" y="10" font-size="9" fill="#666">
        {hi.toFixed(2)}
      </text>
      <text x="2" y={h - 2} font-size="9" fill="#666">
        {lo.toFixed(2)}
      </text>
    </svg>
  );
}
