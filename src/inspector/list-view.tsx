import type { Inspection } from './inspection';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
export const chosenAnswer = (i: Inspection) => i.candidates.find((c) => c.index === i.selected[0])?.answer ?? null;
export const requestHref = (id: string) => `/ui/r/${encodeURIComponent(id)}`;

/** Recent requests, newest first: one row each, its time linking to the request. */
export function ListView(props: { items: readonly Inspection[]; note?: string }) {
  return (
    <main>
      <h1>Recent Best-of-N requests</h1>
      {props.note ? <p class="muted">{props.note}</p> : ''}
      {props.items.length === 0 ? (
        <p id="empty">
          No Best-of-N request yet. Send one to <code>/v1/chat/completions</code> and reload.
        </p>
      ) : (
        <table id="requests">
          <thead>
            <tr>
              <th>time</th>
              <th>key</th>
              <th>model</th>
              <th class="num">N</th>
              <th>scorer</th>
              <th>decided by</th>
              <th>chosen answer</th>
              <th class="num">agreement</th>
              <th class="num">tokens</th>
              <th class="num">latency</th>
              <th class="num">early stops</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((i) => (
              <tr>
                <td>
                  <a class="row-link" href={requestHref(i.id)}>
                    {i.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}
                  </a>
                </td>
                <td>{i.key ?? '—'}</td>
                <td>{i.model || '—'}</td>
                <td class="num">{i.n}</td>
                <td>{i.scorer}</td>
                <td>{i.decided_by}</td>
                <td>
                  <code>{chosenAnswer(i) ?? '—'}</code>
                </td>
                <td class="num">{pct(i.agreement)}</td>
                <td class="num">{i.tokens.prompt + i.tokens.completion}</td>
                <td class="num">{i.latency_ms === null ? '—' : `${Math.round(i.latency_ms)} ms`}</td>
                <td class="num">{i.early_stops}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
