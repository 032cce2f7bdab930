import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/eval/report';
import { pickVersusMajority, reportHtml, writeReportPage } from '../../src/eval/report-page';
import type { ProblemResult } from '../../src/eval/results';

const CONFIG = { dataset: 'tiny', endpoint: 'http://gw/v1', model: 'm', ns: [1, 2, 4], draws: 8, seed: 1, prompt: 'p' };

/** Four candidates per problem: answers, graded, with rewards and step rewards as the gateway gives them. */
function problem(id: string, gt: string, answers: string[], rewards: number[], selected: number): ProblemResult {
  return {
    id,
    gt,
    status: 'ok',
    answer: answers[selected]!,
    correct: answers[selected] === gt,
    bestofn: {
      scorer: 'prm',
      select: 'argmax',
      n_requested: answers.length,
      selected: [selected],
      candidates: answers.map((a, i) => ({
        index: i,
        answer: a,
        key: a,
        correct: a === gt,
        reward: rewards[i]!,
        step_rewards: { thinking: [0.9, rewards[i]!], response: [rewards[i]!] },
      })),
    },
    latency_ms: 1200,
    usage: { prompt_tokens: 40, completion_tokens: 900 },
    time: '2026-12-07T12:00:00.000Z',
  };
}

const RESULTS = [
  // The PRM picks the minority's right answer: the drill-down shows it.
  problem('p1', '5', ['4', '4', '5', '4'], [0.2, 0.3, 0.9, 0.25], 2),
  problem('p2', '7', ['7', '7', '7', '3'], [0.8, 0.7, 0.9, 0.1], 2),
  problem('p3', '<script>x</script>', ['1', '2', '1', '1'], [0.4, 0.6, 0.3, 0.2], 1),
];
const ALSO = [problem('p1', '5', ['5', '4', '5', '4'], [0.9, 0.1, 0.8, 0.2], 0), RESULTS[1]!, RESULTS[2]!];

describe('report.html', () => {
  const ids = RESULTS.map((r) => r.id);
  const report = buildReport(RESULTS, ids, CONFIG, undefined, [ALSO]);
  const html = reportHtml(report, RESULTS, [{ label: 'seed-2', report: buildReport(ALSO, ids, CONFIG) }]);

  it('is one self-contained page: no script, nothing fetched, a CSP that forbids the network', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<link');
    // Text from results is escaped: a reference answer holding markup stays text.
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('plots accuracy against N with 95% bands and against tokens, --also runs dashed on the same plots', () => {
    const byN = html.slice(html.indexOf('id="by-n"'), html.indexOf('id="by-tokens"'));
    expect(byN.match(/<polygon/g)!.length).toBeGreaterThan(0);
    expect(byN).toContain('pass@N (oracle)');
    expect(byN).toContain('(seed-2)');
    expect(byN).toContain('stroke-dasharray="5 3"');
    expect(html).toContain('id="by-tokens"');
  });

  it('lists every problem and drills into those where the pick and the majority disagree', () => {
    expect(html.match(/<tbody>[\s\S]*?<\/tbody>/)![0].match(/<tr/g)).toHaveLength(3);
    expect(pickVersusMajority(RESULTS[0]!)).toEqual({ pick: '5', majority: '4' });
    expect(pickVersusMajority(RESULTS[1]!)).toEqual({ pick: '7', majority: '7' });
    expect(html).toContain('Where Best-of-N and the majority disagree (2)');
    const drill = html.slice(html.indexOf('id="p-p1"'));
    expect(drill).toContain('id="heatmap"');
    expect(drill).toMatch(/aria-label="thinking step 2: reward 0\.900"/);
    expect(drill).toContain('class="badge win">correct');
  });

  it('is written beside report.md', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-report-html-'));
    writeReportPage(dir, report, RESULTS);
    expect(fs.readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('Evaluation: tiny');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
