/**
 * DIR/report.html: the eval report as one self-contained page (inline SVG and style, no script, no
 * network: its Content-Security-Policy forbids any). Accuracy against N with 95% bands, accuracy against
 * tokens, the per-problem table, and the problems where the gateway's pick and the majority disagree,
 * drilled down to their candidates and step rewards. `--also` runs are drawn dashed on the same plots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { INSPECTOR_CSS } from '../inspector/assets';
import { RequestBody } from '../inspector/request-view';
import { fromEvalResult } from './inspection';
import { STRATEGIES } from './metrics';
import { LABELS, type EvalReport } from './report';
import { AccuracyPlot, type PlotSeries } from './report-plot';
import type { ProblemResult } from './results';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const METHODS = [...STRATEGIES, 'bestofn'] as const;
const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(1)}`);

function byN(r: EvalReport, dashed: boolean, runLabel = ''): PlotSeries[] {
  return METHODS.flatMap((s, color) => {
    const points = r.config.ns
      .filter((n) => r.metrics[`${s}@${n}`] !== undefined)
      .map((n) => {
        const ci = r.intervals[`${s}@${n}`];
        return { x: n, y: r.metrics[`${s}@${n}`]!, ...(ci ? { lo: ci[0], hi: ci[1] } : {}) };
      });
    return points.length ? [{ label: `${LABELS[s]}${runLabel}`, points, dashed, color }] : [];
  });
}

function byTokens(r: EvalReport, dashed: boolean, runLabel = ''): PlotSeries[] {
  return METHODS.flatMap((s, color) => {
    const points = r.config.ns
      .filter((n) => r.metrics[`${s}@${n}`] !== undefined && (r.tokens[`${s}@${n}`] ?? 0) > 0)
      .map((n) => ({ x: Math.round(r.tokens[`${s}@${n}`]!), y: r.metrics[`${s}@${n}`]! }));
    return points.length ? [{ label: `${LABELS[s]}${runLabel}`, points, dashed, color }] : [];
  });
}

/** The majority's answer key among a problem's candidates (first seen wins a tie), and the gateway pick's. */
export function pickVersusMajority(r: ProblemResult): { pick: string | null; majority: string | null } | null {
  const b = r.bestofn;
  if (!b || b.candidates.length < 2) return null;
  const counts = new Map<string, number>();
  for (const c of b.candidates) if (c.key !== null) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
  let majority: string | null = null;
  for (const [k, n] of counts) if (majority === null || n > counts.get(majority)!) majority = k;
  const pick = b.candidates.find((c) => c.index === b.selected[0])?.key ?? null;
  return { pick, majority };
}

export function ReportPage(props: {
  report: EvalReport;
  results: ProblemResult[];
  also: { label: string; report: EvalReport }[];
}) {
  const r = props.report;
  const also = props.also;
  const disagree = props.results.filter((p) => {
    const v = pickVersusMajority(p);
    return v !== null && v.pick !== v.majority;
  });
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content={CSP} />
        <title>{`Evaluation: ${r.config.dataset}`}</title>
        <style dangerouslySetInnerHTML={{ __html: INSPECTOR_CSS }} />
      </head>
      <body>
        <main>
          <h1>Evaluation: {r.config.dataset}</h1>
          <p>
            Endpoint <code>{r.config.endpoint}</code>, model <code>{r.config.model}</code>; {r.counts.finished} of{' '}
            {r.counts.problems} problems finished ({r.counts.errors} failed). Returned answer accuracy{' '}
            <strong>{pct(r.metrics.accuracy)}%</strong>
            {r.config.scorer ? `; scorer ${r.config.scorer}, selection ${r.config.select}` : ''}. Bands: 95% bootstrap
            intervals{r.config.runs > 1 ? ` over problems and ${r.config.runs} runs` : ''}.
            {also.length ? ` Dashed: each run alone (${['this run', ...also.map((a) => a.label)].join(', ')}).` : ''}
          </p>
          <h2>Accuracy against N</h2>
          <AccuracyPlot
            id="by-n"
            title={`${r.config.dataset}: accuracy vs N`}
            xLabel="N (candidates, log scale)"
            series={[...byN(r, false), ...also.flatMap((a) => byN(a.report, true, ` (${a.label})`))]}
          />
          <h2>Accuracy against tokens</h2>
          <AccuracyPlot
            id="by-tokens"
            title={`${r.config.dataset}: accuracy vs tokens per problem`}
            xLabel="tokens per problem (log scale)"
            series={[...byTokens(r, false), ...also.flatMap((a) => byTokens(a.report, true, ` (${a.label})`))]}
          />
          <h2>Problems</h2>
          <table id="problems">
            <thead>
              <tr>
                <th>problem</th>
                <th>reference</th>
                <th>returned</th>
                <th>correct</th>
                <th>majority</th>
                <th class="num">correct candidates</th>
                <th class="num">latency</th>
              </tr>
            </thead>
            <tbody>
              {props.results.map((p) => {
                const v = pickVersusMajority(p);
                const cands = p.bestofn?.candidates ?? [];
                return (
                  <tr class={p.correct ? 'winner' : ''}>
                    <td>{disagree.includes(p) ? <a href={`#p-${encodeURIComponent(p.id)}`}>{p.id}</a> : p.id}</td>
                    <td>
                      <code>{p.gt}</code>
                    </td>
                    <td>
                      <code>{p.answer ?? (p.error ? `error: ${p.error}` : '—')}</code>
                    </td>
                    <td>{p.correct ? 'yes' : 'no'}</td>
                    <td>
                      <code>{v?.majority ?? '—'}</code>
                    </td>
                    <td class="num">
                      {cands.length ? `${cands.filter((c) => c.correct).length} / ${cands.length}` : '—'}
                    </td>
                    <td class="num">{Math.round(p.latency_ms)} ms</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>Where Best-of-N and the majority disagree ({disagree.length})</h2>
          {disagree.length === 0 ? (
            <p class="muted">Nowhere: the gateway's pick was the majority's answer on every problem.</p>
          ) : (
            ''
          )}
          {disagree.map((p) => (
            <details id={`p-${encodeURIComponent(p.id)}`} class="problem">
              <summary>
                {p.id}: picked <code>{pickVersusMajority(p)?.pick ?? '—'}</code>, majority{' '}
                <code>{pickVersusMajority(p)?.majority ?? '—'}</code>, reference <code>{p.gt}</code> (
                {p.correct ? 'the pick was right' : 'the pick was wrong'})
              </summary>
              <RequestBody i={fromEvalResult(p)} />
            </details>
          ))}
        </main>
      </body>
    </html>
  );
}

export function reportHtml(
  report: EvalReport,
  results: ProblemResult[],
  also: { label: string; report: EvalReport }[] = [],
): string {
  return '<!doctype html>' + (<ReportPage report={report} results={results} also={also} />).toString();
}

export function writeReportPage(
  dir: string,
  report: EvalReport,
  results: ProblemResult[],
  also: { label: string; report: EvalReport }[] = [],
): void {
  fs.writeFileSync(path.join(dir, 'report.html'), reportHtml(report, results, also));
}
