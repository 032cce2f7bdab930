/**
 * Tokens per problem for each method at each N, so accuracy can be read against cost. One request per
 * problem samples maxN candidates; a method at N is charged N/maxN of the problem's upstream completion
 * tokens, plus the same share of the scorer's own tokens (a verifier's generations, a PRM's reads) when
 * the gateway reported them. random@N is one candidate. A live run's early stops are already in its usage.
 */
import { metricName, STRATEGIES, usesRewards } from './metrics';

export interface ProblemTokens {
  /** Upstream completion tokens for all maxN candidates. */
  completion: number;
  /** Tokens the scorer spent on them, when reported. */
  scorer: number;
}

export function tokensPerProblem(problems: readonly ProblemTokens[], ns: readonly number[]): Record<string, number> {
  if (problems.length === 0) return {};
  const maxN = Math.max(...ns);
  const mean = (f: (p: ProblemTokens) => number) => problems.reduce((s, p) => s + f(p), 0) / problems.length;
  const out: Record<string, number> = {};
  for (const s of STRATEGIES) {
    for (const n of ns) {
      const share = s === 'random' ? 1 / maxN : n / maxN;
      // pass@N and a rule without rewards (majority) need no scorer; the others rank by its rewards.
      const scored = usesRewards(s);
      out[`${metricName(s)}@${n}`] = mean((p) => share * (p.completion + (scored ? p.scorer : 0)));
    }
  }
  out[`bestofn@${maxN}`] = mean((p) => p.completion + p.scorer);
  return out;
}
