/** One request: what was asked, every candidate side by side, the step-reward heat map, votes, verdicts, the live timeline. */
import { ConfidenceCurve, Timeline } from './charts';
import { HeatMap } from './heat-map';
import type { InspectedCandidate, Inspection } from './inspection';

const fmt = (x: number | null | undefined, digits = 3) => (x == null ? '—' : x.toFixed(digits));
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function Facts(props: { i: Inspection }) {
  const i = props.i;
  const rows: [string, string][] = [
    ['time', i.time],
    ['source', i.source === 'memory' ? 'gateway memory' : i.source === 'record' ? 'RECORD file' : 'eval results'],
    ['key', i.key ?? '—'],
    ['model', i.model || '—'],
    ['N requested / returned', `${i.n} / ${i.k}`],
    ['scorer', i.fallback ? `${i.scorer} (stood in for ${i.fallback.from}: ${i.fallback.reason})` : i.scorer],
    ['decided by', i.decided_by],
    ['reward', `steps aggregated by ${i.aggregate}${i.combined ? `; ${i.combined}` : ''}`],
    ['chosen', i.selected.map((s) => `#${s}`).join(', ') || 'none'],
    ['agreement with the winner', i.agreement === null ? '—' : `${Math.round(i.agreement * 100)}%`],
    ['tokens (prompt + completion)', `${i.tokens.prompt} + ${i.tokens.completion}`],
    ['latency', i.latency_ms === null ? '—' : `${Math.round(i.latency_ms)} ms`],
    ['stopped early', String(i.early_stops)],
  ];
  if (i.deadline_hit) rows.push(['deadline', 'hit: ranked what had arrived']);
  if (i.vote)
    rows.push([
      'vote',
      `${i.vote.clusters} answer clusters, ${i.vote.merged} merged as equivalent${i.vote.timed_out ? ', clustering timed out' : ''}`,
    ]);
  if (i.reference)
    rows.push([
      'reference answer',
      `${i.reference.answer} (returned answer ${i.reference.correct ? 'correct' : 'wrong'})`,
    ]);
  for (const [k, v] of Object.entries(i.scorer_info ?? {})) rows.push([`scorer: ${k}`, show(v)]);
  return (
    <dl class="facts" id="facts">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

function CandidateCard(props: { c: InspectedCandidate; won: boolean }) {
  const c = props.c;
  const steps = c.steps.thinking.length + c.steps.response.length;
  return (
    <article class={props.won ? 'cand win' : 'cand'} id={`candidate-${c.index}`} aria-label={`candidate ${c.index}`}>
      <h3>
        <span>#{c.index}</span>
        {props.won ? <span class="badge win">chosen</span> : ''}
        {c.correct === true ? (
          <span class="badge win">correct</span>
        ) : c.correct === false ? (
          <span class="badge bad">wrong</span>
        ) : (
          ''
        )}
        <span class="muted">reward {fmt(c.reward)}</span>
        {c.group != null ? <span class="badge">group {c.group}</span> : ''}
        {c.confidence != null ? <span class="badge">confidence {fmt(c.confidence, 2)}</span> : ''}
      </h3>
      {c.error ? <p class="error">failed: {c.error}</p> : ''}
      {c.stopped && c.stopped !== 'finished' ? (
        <p>
          <span class="badge warn">stopped: {c.stopped}</span>
        </p>
      ) : (
        ''
      )}
      {c.invalid ? (
        <p>
          <span class="badge bad">invalid: {c.invalid}</span>
        </p>
      ) : (
        ''
      )}
      <p>
        answer: <code>{c.answer ?? '—'}</code>{' '}
        <span class="muted small">
          {steps} steps{c.windowed ? ', scored in windows' : ''}
          {c.tokens !== undefined ? `, ${c.tokens} tokens` : ''}
          {c.finish_reason ? `, finish ${c.finish_reason}` : ''}
          {c.upstream ? `, from ${c.upstream}` : ''}
        </span>
      </p>
      {c.thinking ? (
        <details>
          <summary>thinking ({c.steps.thinking.length} steps)</summary>
          <pre>{c.thinking}</pre>
        </details>
      ) : (
        ''
      )}
      {c.content !== null ? <pre class="answer">{c.content}</pre> : ''}
      {c.verdict ? (
        <details open>
          <summary>verifier's verdict</summary>
          <pre>{JSON.stringify(c.verdict, null, 1)}</pre>
        </details>
      ) : (
        ''
      )}
      {c.confidence_curve && c.confidence_curve.length > 1 ? (
        <ConfidenceCurve values={c.confidence_curve} label={`group confidence along candidate ${c.index}`} />
      ) : (
        ''
      )}
    </article>
  );
}

function Clusters(props: { i: Inspection }) {
  const groups = new Map<number, InspectedCandidate[]>();
  for (const c of props.i.candidates) if (c.group != null) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  if (groups.size === 0) return <></>;
  const winner = props.i.candidates.find((c) => c.index === props.i.selected[0])?.group;
  return (
    <section>
      <h2>Vote clusters</h2>
      <table id="clusters">
        <thead>
          <tr>
            <th>group</th>
            <th>answer</th>
            <th class="num">votes</th>
            <th class="num">reward sum</th>
            <th>candidates</th>
          </tr>
        </thead>
        <tbody>
          {[...groups.entries()]
            .sort((a, b) => b[1].length - a[1].length)
            .map(([g, cs]) => (
              <tr class={g === winner ? 'winner' : ''}>
                <td>{g}</td>
                <td>
                  <code>{cs[0]!.answer ?? '—'}</code>
                </td>
                <td class="num">{cs.length}</td>
                <td class="num">{fmt(cs.reduce((s, c) => s + (c.reward ?? 0), 0))}</td>
                <td>{cs.map((c) => `#${c.index}`).join(' ')}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

/** The body of one request's page, also the drill-down of report.html. */
export function RequestBody(props: { i: Inspection }) {
  const i = props.i;
  const winner = i.selected[0];
  return (
    <>
      <Facts i={i} />
      {i.prompt !== null ? (
        <section>
          <h2>Problem</h2>
          <pre id="prompt">{i.prompt}</pre>
        </section>
      ) : (
        ''
      )}
      <section>
        <h2>Step rewards</h2>
        <p class="muted small">
          Each cell is one step, coloured by the reward the scorer gave it; hover or focus a cell (arrow keys move) to
          read the step.
        </p>
        <HeatMap inspection={i} />
      </section>
      <section>
        <h2>Candidates</h2>
        <div class="cands" id="candidates">
          {[...i.candidates]
            .sort((a, b) => Number(b.index === winner) - Number(a.index === winner) || a.index - b.index)
            .map((c) => (
              <CandidateCard c={c} won={c.index === winner} />
            ))}
        </div>
      </section>
      <Clusters i={i} />
      {i.live || i.timeline ? (
        <section>
          <h2>Live timeline</h2>
          {i.live ? (
            <p class="small">
              {`${i.live.drawn} drawn in waves ${i.live.waves.join(', ')}; ${i.live.checkpoints} checkpoints, ${i.live.rejected} rejected; stopped because ${i.live.stopped_because}`}
              {i.live.committed
                ? `; committed to #${i.live.committed.index} at ${i.live.committed.at_tokens} tokens (${i.live.committed.because})`
                : ''}
            </p>
          ) : (
            ''
          )}
          {i.timeline ? <Timeline timeline={i.timeline} winner={winner} /> : ''}
        </section>
      ) : (
        ''
      )}
    </>
  );
}

export function RequestView(props: { i: Inspection }) {
  return (
    <main>
      <h1>
        Request <code>{props.i.id}</code>
      </h1>
      <RequestBody i={props.i} />
    </main>
  );
}
