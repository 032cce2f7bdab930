/** Step rewards as a heat map: one row per candidate part, one cell per step, the step's text on hover or focus. */
import type { InspectedCandidate, InspectedStep, Inspection } from './inspection';

/** Colour bucket 0..10 of a reward: PRM probabilities as they are, other scales stretched over the request's range. */
export function heatScale(items: readonly Inspection[] | Inspection): (r: number | null) => string {
  const all = (Array.isArray(items) ? items : [items]).flatMap((i: Inspection) =>
    i.candidates.flatMap((c) => [...c.steps.thinking, ...c.steps.response].map((s) => s.reward)),
  );
  const rs = all.filter((r): r is number => r !== null && Number.isFinite(r));
  const lo = Math.min(0, ...rs);
  const hi = Math.max(1, ...rs);
  return (r) => (r === null || !Number.isFinite(r) ? 'hn' : `h${Math.round(((r - lo) / (hi - lo || 1)) * 10)}`);
}

const fmt = (r: number | null) => (r === null ? 'not scored' : r.toFixed(3));

function Cells(props: { steps: InspectedStep[]; part: string; who: number; cls: (r: number | null) => string }) {
  return (
    <div class="cells" role="group" aria-label={`candidate ${props.who}, ${props.part} steps`}>
      {props.steps.map((s, i) => (
        <span
          class={`cell ${props.cls(s.reward)}`}
          tabindex={0}
          data-step={`${props.who}-${props.part}-${i + 1}`}
          aria-label={`${props.part} step ${i + 1}: reward ${fmt(s.reward)}`}
        >
          <span class="tip" role="tooltip">
            {`${props.part} step ${i + 1} · reward ${fmt(s.reward)}`}
            {s.text === null ? '' : `\n\n${s.text}`}
          </span>
        </span>
      ))}
      {props.steps.length === 0 ? <span class="muted small">no steps</span> : ''}
    </div>
  );
}

export function HeatMap(props: { inspection: Inspection; candidates?: InspectedCandidate[] }) {
  const cls = heatScale(props.inspection);
  const winner = props.inspection.selected[0];
  const cands = props.candidates ?? props.inspection.candidates;
  return (
    <div>
      <div class="legend small" aria-hidden="true">
        <span class="muted">low</span>
        {Array.from({ length: 11 }, (_, i) => (
          <span class={`cell h${i}`}></span>
        ))}
        <span class="muted">high reward</span>
        <span class="sep"></span>
        <span class="cell hn"></span>
        <span class="muted">not scored</span>
      </div>
      <div class="heat" id="heatmap">
        {cands.map((c) => (
          <>
            <span class="who">
              #{c.index} {c.index === winner ? <span class="badge win">chosen</span> : ''}
            </span>
            <span class="part">thinking</span>
            <Cells steps={c.steps.thinking} part="thinking" who={c.index} cls={cls} />
            <span class="muted small">{c.reward === null ? '—' : `reward ${c.reward.toFixed(3)}`}</span>
            <span class="part">answer</span>
            <Cells steps={c.steps.response} part="answer" who={c.index} cls={cls} />
          </>
        ))}
      </div>
    </div>
  );
}
