/**
 * DIR/report.json, DIR/report.md and DIR/accuracy.svg from the finished results of a run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clusterAnswers } from '../core/clusters';
import { bootstrapInterval } from './bootstrap';
import { selectionRule } from '../core/selection-rules';
import { metricName, metricValues, STRATEGIES, usesRewards, type ProblemOutcome } from './metrics';
import type { ProblemResult } from './results';
import { accuracySvg, type Series } from './svg-plot';
import { tokensPerProblem } from './tokens';

const RESAMPLES = 2000;

export interface ReportConfig {
  dataset: string;
  endpoint: string;
  model: string;
  ns: number[];
  draws: number;
  seed: number;
  prompt: string;
  replay?: string;
}

export interface EvalReport {
  config: ReportConfig & {
    /** Runs the figures average (1, or more with `--also`). */
    runs: number;
    /** Where the rewards of weighted@ / argmax@ come from: a replayed pool's own ORM, the gateway's scorer, or none. */
    reward_source: 'pool' | 'gateway' | 'none';
    scorer?: string;
    select?: string;
  };
  counts: {
    problems: number;
    finished: number;
    ok: number;
    errors: number;
    with_candidates: number;
    pending: number;
    candidates: number;
  };
  /**
   * Fractions in [0, 1]: accuracy, random@N, pass@N, maj@N, weighted@N, argmax@N, bestofn@maxN. The rules keep
   * their report names (maj = majority, weighted = weighted_vote): saved reports and tools read these keys.
   */
  metrics: Record<string, number>;
  /** 95% bootstrap interval of each metric over problems (seeded by config.seed). */
  intervals: Record<string, [number, number]>;
  /** Mean tokens per problem each method spends at its N: upstream completion tokens, scorer tokens included. */
  tokens: Record<string, number>;
  /** A replayed pool's own figures, computed its producer's way (pool-reference.ts). */
  reference?: Record<string, number>;
  generated_at: string;
}

/** The strategies' metric names (report.json keys: `maj`, not `majority`; see core/selection-rules.ts), in row order. */
const METRICS = STRATEGIES.map(metricName);
/** Metrics that rank by rewards: present only when the run had rewards. */
const REWARD_METRICS = STRATEGIES.filter(usesRewards).map(metricName);

export const LABELS: Record<string, string> = {
  accuracy: 'returned answer',
  random: 'random@N (one random candidate)',
  pass: 'pass@N (oracle)',
  ...Object.fromEntries(
    STRATEGIES.flatMap((s) => (s === 'random' || s === 'pass' ? [] : [[metricName(s), selectionRule(s).label]])),
  ),
  bestofn: 'bestofn@N (gateway pick)',
};

/** One problem's outcome as the metrics see it; a problem missing from a run counts as wrong there. */
function outcomeOf(r: ProblemResult | undefined, id: string, usePool: boolean): ProblemOutcome {
  if (!r) return { id, correct: false };
  if (!r.bestofn) return { id: r.id, correct: r.correct };
  const cands = r.bestofn.candidates;
  const clusters = clusterAnswers(
    cands.map((c) => c.answer),
    { budgetMs: 5_000 },
  );
  const pick = cands.find((c) => c.index === r.bestofn!.selected[0]);
  return {
    id: r.id,
    correct: r.correct,
    // Votes count clusters of equivalent answers, as the gateway's do.
    candidates: cands.map((c, i) => ({
      key: keyOf(clusters.clusterOf[i]),
      correct: c.correct,
      reward: usePool ? (c.pool_reward ?? null) : c.reward,
    })),
    picked: pick?.correct ?? false,
  };
}

/**
 * The report of a run. `otherRuns` are the results of the same problems run again (other sampling
 * seeds, `--also`): the figures then average every run, and the intervals resample runs as well as problems.
 */
export function buildReport(
  results: readonly ProblemResult[],
  problemIds: readonly string[],
  config: ReportConfig,
  reference?: Record<string, number>,
  otherRuns: readonly (readonly ProblemResult[])[] = [],
): EvalReport {
  const byId = new Map(results.map((r) => [r.id, r]));
  const finished = problemIds.map((id) => byId.get(id)).filter((r): r is ProblemResult => r !== undefined);
  const withCands = finished.filter((r) => r.bestofn);
  const usePool =
    withCands.length > 0 && withCands.every((r) => r.bestofn!.candidates.every((c) => c.pool_reward !== undefined));
  const runs = [results, ...otherRuns].map((run) => {
    const ids = new Map(run.map((r) => [r.id, r]));
    return metricValues(
      finished.map((f) => outcomeOf(ids.get(f.id), f.id, usePool)),
      { ns: config.ns, draws: config.draws, seed: config.seed },
    );
  });
  const values = runs[0]!;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const metrics: Record<string, number> = {};
  const intervals: Record<string, [number, number]> = {};
  for (const k of Object.keys(values)) {
    const perRun = runs.map((r) => r[k]).filter((v): v is number[] => v !== undefined);
    if (perRun.length !== runs.length) continue; // a metric one run lacks (no rewards there) is not averaged
    metrics[k] = mean(perRun.map(mean));
    const ci = bootstrapInterval(perRun, { resamples: RESAMPLES, seed: config.seed });
    if (ci) intervals[k] = ci;
  }
  const tokens = tokensPerProblem(
    withCands
      .filter((r) => r.usage)
      .map((r) => ({ completion: r.usage!.completion_tokens, scorer: r.bestofn!.scorer_tokens ?? 0 })),
    config.ns,
  );
  const first = withCands[0]?.bestofn;
  const hasRewards = Object.keys(metrics).some((k) => REWARD_METRICS.some((r) => k.startsWith(`${r}@`)));
  return {
    config: {
      ...config,
      runs: runs.length,
      reward_source: !hasRewards ? 'none' : usePool ? 'pool' : 'gateway',
      ...(first ? { scorer: first.scorer, select: first.select } : {}),
    },
    counts: {
      problems: problemIds.length,
      finished: finished.length,
      ok: finished.filter((r) => r.status === 'ok').length,
      errors: finished.filter((r) => r.status === 'error').length,
      with_candidates: withCands.length,
      pending: problemIds.length - finished.length,
      candidates: withCands.reduce((s, r) => s + r.bestofn!.candidates.length, 0),
    },
    metrics,
    intervals,
    tokens,
    ...(reference ? { reference } : {}),
    generated_at: new Date().toISOString(),
  };
}

const pct = (x: number | undefined) => (x === undefined ? '–' : (x * 100).toFixed(1));
const keyOf = (cluster: number | null | undefined) => (cluster == null ? null : `c${cluster}`);
const withCi = (x: number | undefined, ci: [number, number] | undefined) =>
  x === undefined ? '–' : ci ? `${pct(x)} [${pct(ci[0])}, ${pct(ci[1])}]` : pct(x);

export function reportMarkdown(r: EvalReport): string {
  const { config: c, counts, metrics: m } = r;
  const maxN = Math.max(...c.ns);
  const lines = [
    `# Evaluation: ${c.dataset}`,
    '',
    `Endpoint ${c.endpoint}, model \`${c.model}\`${c.replay ? `, replaying \`${c.replay}\`` : ''}; prompt ${c.prompt}.`,
    `${counts.finished} of ${counts.problems} problems finished (${counts.errors} failed, counted as wrong; ${counts.pending} pending).`,
    c.scorer
      ? `Gateway scorer \`${c.scorer}\`, selection \`${c.select}\`; rewards for weighted/argmax: ${c.reward_source}.`
      : 'The endpoint returned no Best-of-N metadata: only the returned answer is graded.',
    `Smaller N: mean of ${c.draws} seeded subsamples (seed ${c.seed}) of the ${maxN} candidates; pass@N is the exact unbiased estimator.`,
    '',
    `Accuracy of the returned answer: **${pct(m.accuracy)}%**${r.intervals?.accuracy ? ` (95% CI ${pct(r.intervals.accuracy[0])}–${pct(r.intervals.accuracy[1])})` : ''}.`,
    `Intervals: 95% percentile bootstrap over ${(c.runs ?? 1) > 1 ? `problems and ${c.runs} runs (figures average the runs)` : 'problems'}, ${RESAMPLES} resamples, seed ${c.seed}.`,
    '',
  ];
  if (counts.with_candidates > 0) {
    lines.push(
      `| strategy (% correct) | ${c.ns.map((n) => `N=${n}`).join(' | ')} |`,
      `|---|${c.ns.map(() => '---:').join('|')}|`,
    );
    for (const s of [...METRICS, 'bestofn']) {
      if (!c.ns.some((n) => m[`${s}@${n}`] !== undefined)) continue;
      lines.push(
        `| ${LABELS[s]} | ${c.ns.map((n) => withCi(m[`${s}@${n}`], r.intervals?.[`${s}@${n}`])).join(' | ')} |`,
      );
    }
    lines.push('', 'Brackets: 95% bootstrap intervals (see above).', '');
    const t = r.tokens ?? {};
    if (Object.keys(t).length > 0) {
      lines.push(
        'Tokens per problem (upstream completion tokens at N, scorer tokens included for weighted/argmax/bestofn):',
        '',
      );
      lines.push(`| method | ${c.ns.map((n) => `N=${n}`).join(' | ')} |`, `|---|${c.ns.map(() => '---:').join('|')}|`);
      for (const s of [...METRICS, 'bestofn']) {
        if (!c.ns.some((n) => t[`${s}@${n}`] !== undefined && m[`${s}@${n}`] !== undefined)) continue;
        lines.push(
          `| ${s}@N | ${c.ns.map((n) => (t[`${s}@${n}`] === undefined || m[`${s}@${n}`] === undefined ? '–' : Math.round(t[`${s}@${n}`]!).toString())).join(' | ')} |`,
        );
      }
      lines.push('');
    }
  }
  if (r.reference) {
    lines.push("## Beside the pool's own figures", '', "| metric | replayed here | pool's own |", '|---|---:|---:|');
    for (const [k, v] of Object.entries(r.reference)) lines.push(`| ${k} | ${pct(m[k])} | ${pct(v)} |`);
    lines.push(
      '',
      "The pool's own figures use its recorded answers (`pred`) and grades (`score`), exact-string majority",
      'with ties to the answer seen first, and the first top `pred_score`. Here answers are re-extracted from',
      'each response and graded with `mathEqual`, votes count clusters of equivalent answers, ties are split, and',
      'weighted votes sum sigmoid(pred_score).',
      '',
    );
  }
  return lines.join('\n');
}

function plotSeries(r: EvalReport): Series[] {
  const m = r.metrics;
  const series: Series[] = [];
  for (const s of METRICS) {
    const points = r.config.ns.filter((n) => m[`${s}@${n}`] !== undefined).map((n) => ({ n, value: m[`${s}@${n}`]! }));
    if (points.length > 0) series.push({ label: LABELS[s]!, points });
  }
  const maxN = Math.max(...r.config.ns);
  const pick = m[`bestofn@${maxN}`];
  if (pick !== undefined) series.push({ label: LABELS.bestofn!, points: [{ n: maxN, value: pick }] });
  else if (m.accuracy !== undefined) series.push({ label: LABELS.accuracy!, points: [{ n: maxN, value: m.accuracy }] });
  return series;
}

/** Accuracy against tokens per problem: the same strategies, placed by what they cost. */
function tokenSeries(r: EvalReport): Series[] {
  const m = r.metrics;
  const t = r.tokens ?? {};
  const series: Series[] = [];
  for (const s of [...METRICS, 'bestofn']) {
    const points = r.config.ns
      .filter((n) => m[`${s}@${n}`] !== undefined && (t[`${s}@${n}`] ?? 0) > 0)
      .map((n) => ({ n: Math.round(t[`${s}@${n}`]!), value: m[`${s}@${n}`]! }));
    if (points.length > 0) series.push({ label: LABELS[s]!, points });
  }
  return series;
}

export function writeReport(dir: string, report: EvalReport): void {
  fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'report.md'), reportMarkdown(report));
  fs.writeFileSync(
    path.join(dir, 'accuracy.svg'),
    accuracySvg(plotSeries(report), `${report.config.dataset}: accuracy vs N`),
  );
  const bytokens = tokenSeries(report);
  const ticks = report.config.ns.map((n) => Math.round(report.tokens?.[`pass@${n}`] ?? 0)).filter((x) => x > 0);
  if (bytokens.length > 0) {
    const svg = accuracySvg(bytokens, `${report.config.dataset}: accuracy vs tokens per problem`, {
      xLabel: 'tokens per problem (log scale)',
      ticks,
    });
    fs.writeFileSync(path.join(dir, 'tokens.svg'), svg);
  }
}
