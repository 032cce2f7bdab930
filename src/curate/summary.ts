/**
 * What a selection run reports: `<out>.summary.json` (counts, malformed rows by line, reward statistics
 * and histograms overall and per source) and `<out>.report.md` with the histogram drawn in
 * `<out>.reward-hist.svg`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { histogramSvg } from './histogram-svg';
import type { LoadedScores } from './write-pass';

export const BINS = 20;

export interface RewardStats {
  rows: number;
  kept: number;
  mean: number | null;
  median: number | null;
  histogram: number[];
}

export interface SelectSummary {
  input: string;
  output: string;
  scorer: string;
  keep: string;
  by: 'problem' | 'global';
  aggregate: string;
  thinking_weight: number;
  /** weighted, or reasonflux (then `alpha` is given): as BESTOFN_COMBINE or the model's manifest says. */
  combine: string;
  alpha?: number;
  counts: {
    read: number;
    malformed: number;
    /** Well-formed rows the scorer failed on (its answer too large or unusable): skipped, the run went on. */
    failed: number;
    scored: number;
    unscored: number;
    kept: number;
    dropped: number;
  };
  /** The first malformed rows, by input line number; `counts.malformed` has them all. */
  malformed: { line: number; error: string }[];
  /** The first rows the scorer failed on, by input line number; `counts.failed` has them all. */
  failed: { line: number; error: string }[];
  /** Histogram bin edges shared by every histogram below. */
  edges: number[];
  all: RewardStats;
  sources: Record<string, RewardStats>;
}

function stats(
  rewards: readonly number[],
  keep: Uint8Array,
  members: readonly number[],
  edges: readonly number[],
): RewardStats {
  const values = members
    .map((i) => rewards[i]!)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const histogram = new Array<number>(edges.length - 1).fill(0);
  const lo = edges[0]!;
  const width = (edges.at(-1)! - lo) / histogram.length;
  for (const v of values) histogram[Math.min(histogram.length - 1, Math.floor((v - lo) / width))]!++;
  const mid = values.length >> 1;
  return {
    rows: members.length,
    kept: members.reduce((n, i) => n + keep[i]!, 0),
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    median: values.length ? (values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2) : null,
    histogram,
  };
}

export function summarize(
  s: LoadedScores,
  keep: Uint8Array,
  settings: Omit<SelectSummary, 'counts' | 'malformed' | 'failed' | 'edges' | 'all' | 'sources'>,
): SelectSummary {
  let lo = 0;
  let hi = 1; // PRM rewards are probabilities; widen only for a model that is not
  for (const v of s.rewards) if (!Number.isNaN(v)) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + ((hi - lo) * i) / BINS);
  const everyone = s.rewards.map((_, i) => i);
  const bySource = s.sources.map(() => [] as number[]);
  const none: number[] = [];
  s.sourceOf.forEach((src, i) => (src >= 0 ? bySource[src]! : none).push(i));
  const sources: Record<string, RewardStats> = {};
  s.sources.forEach((name, k) => (sources[name] = stats(s.rewards, keep, bySource[k]!, edges)));
  if (s.sources.length && none.length) sources['(no source)'] = stats(s.rewards, keep, none, edges);
  const scored = s.rewards.filter((v) => !Number.isNaN(v)).length;
  const kept = keep.reduce((a, b) => a + b, 0);
  return {
    ...settings,
    counts: {
      read: s.rewards.length + s.malformedCount + s.failedCount,
      malformed: s.malformedCount,
      failed: s.failedCount,
      scored,
      unscored: s.rewards.length - scored,
      kept,
      dropped: scored - kept,
    },
    malformed: s.malformed,
    failed: s.failed,
    edges,
    all: stats(s.rewards, keep, everyone, edges),
    sources,
  };
}

const num = (v: number | null) => (v === null ? '–' : v.toFixed(3));

const formula = (s: SelectSummary) =>
  s.combine === 'reasonflux'
    ? `mean(thinking) + ${s.alpha}·${s.aggregate}(response) (reasonflux)`
    : `${s.thinking_weight}·${s.aggregate}(thinking) + ${1 - s.thinking_weight}·${s.aggregate}(response)`;

function reportMarkdown(s: SelectSummary, svgName: string): string {
  const rows = Object.entries(s.sources).map(
    ([name, st]) => `| ${name.replace(/\|/g, '\\|')} | ${st.rows} | ${st.kept} | ${num(st.mean)} | ${num(st.median)} |`,
  );
  const lines = [
    `# bestofn select: ${path.basename(s.input)}`,
    '',
    `Kept **${s.counts.kept}** of ${s.counts.read} rows (${s.keep}, by ${s.by}) scored by \`${s.scorer}\`, reward = ${formula(s)}.`,
    '',
    '| read | malformed (skipped) | scoring failed (skipped) | scored | unscored | kept | dropped |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.counts.read} | ${s.counts.malformed} | ${s.counts.failed} | ${s.counts.scored} | ${s.counts.unscored} | ${s.counts.kept} | ${s.counts.dropped} |`,
    '',
    '## Rewards by source',
    '',
    '| source | rows | kept | mean | median |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| **all** | ${s.all.rows} | ${s.all.kept} | ${num(s.all.mean)} | ${num(s.all.median)} |`,
    ...rows,
    '',
    `![reward histogram per source](${svgName})`,
    '',
  ];
  const listed = (title: string, rows: SelectSummary['malformed'], count: number) => {
    if (!rows.length) return;
    lines.push(title, '', ...rows.slice(0, 50).map((m) => `- line ${m.line}: ${m.error}`));
    if (count > 50) lines.push(`- … ${count - 50} more in the summary JSON (first ${rows.length} listed there)`);
    lines.push('');
  };
  listed('## Malformed rows (skipped)', s.malformed, s.counts.malformed);
  listed('## Rows the scorer failed on (skipped)', s.failed, s.counts.failed);
  return lines.join('\n');
}

/** Writes the summary, the report and its SVG next to `stem`; returns their paths. */
export function writeReports(stem: string, s: SelectSummary): { summary: string; report: string; svg: string } {
  const paths = { summary: `${stem}.summary.json`, report: `${stem}.report.md`, svg: `${stem}.reward-hist.svg` };
  const series = Object.keys(s.sources).length
    ? Object.entries(s.sources).map(([label, st]) => ({ label, counts: st.histogram }))
    : [{ label: 'all rows', counts: s.all.histogram }];
  fs.writeFileSync(paths.summary, JSON.stringify(s, null, 2) + '\n');
  fs.writeFileSync(paths.svg, histogramSvg(s.edges, series, `Reward distribution (${s.scorer}, ${s.aggregate})`));
  fs.writeFileSync(paths.report, reportMarkdown(s, path.basename(paths.svg)));
  return paths;
}
