/**
 * Reading a generative verifier's output (ThinkPRM format): per-step `\boxed{correct}` /
 * `\boxed{incorrect}` verdicts, the final "Is the solution correct? Yes/No", and P(yes) from the logprobs
 * of the token after the question. Then one reward per chain, and chains averaged into one per part.
 */

export type RewardMethod = 'p_yes' | 'step_share' | 'judgement' | 'none';

/** What one verification chain said about one solution. */
export interface ChainVerdict {
  /** One entry per solution step: true correct, false incorrect, null not judged. */
  steps: (boolean | null)[];
  /** The chain's own final Yes/No when it wrote one, else null. */
  judgement: boolean | null;
  /** P(yes) from the decision logprobs, null when the endpoint gave none. */
  pYes: number | null;
}

export interface PartVerdict {
  reward: number;
  /** The method of every chain, or 'mixed' when they differ (one chain had logprobs, another did not). */
  method: RewardMethod | 'mixed';
  /** Per step: the share of chains that judged it correct, among those that judged it; null when none did. */
  steps: (number | null)[];
  chains: number;
}

export interface TopLogprob {
  token: string;
  logprob: number;
}

// `\boxed{correct}` and `\boxed{\text{correct}}`; a verdict word only, so `\boxed{42}` is not one.
const BOXED_VERDICT = /\\boxed\{\s*(?:\\text(?:bf)?\{\s*)?(correct|incorrect)\s*\}/gi;
const STEP_MENTION = /\bStep\s*(\d+)\b/i;
const JUDGEMENT = /Is the solution correct\?\s*(?:\*\*)?\s*(yes|no)\b/gi;

/**
 * Assigns each boxed verdict to a step. The first "Step N" mentioned since the previous verdict is the
 * heading of the critique it closes, so it names the step; a verdict without one takes the next step in
 * order. A later verdict on the same step (the verifier double-checking) replaces the earlier one, and a
 * verdict on a step the solution does not have is dropped.
 */
export function parseStepVerdicts(chain: string, stepCount: number): (boolean | null)[] {
  const out: (boolean | null)[] = Array.from({ length: stepCount }, () => null);
  let next = 0;
  let from = 0;
  for (const m of chain.matchAll(BOXED_VERDICT)) {
    const mention = STEP_MENTION.exec(chain.slice(from, m.index));
    from = m.index + m[0].length;
    const step = mention ? Number(mention[1]) - 1 : next;
    if (step < 0 || step >= stepCount) continue;
    out[step] = m[1]!.toLowerCase() === 'correct';
    next = step + 1;
  }
  return out;
}

/** The last "Is the solution correct? Yes/No" in text, or null. */
export function parseJudgement(text: string): boolean | null {
  let last: boolean | null = null;
  for (const m of text.matchAll(JUDGEMENT)) last = m[1]!.toLowerCase() === 'yes';
  return last;
}

const isYes = (t: string) => t.trim().toLowerCase() === 'yes';
const isNo = (t: string) => t.trim().toLowerCase() === 'no';

/**
 * P(yes) = Σ e^lp(yes variants) / (Σ e^lp(yes variants) + Σ e^lp(no variants)) over the top logprobs of the
 * decision token, counting " Yes", "Yes", "yes"… as one answer. One side missing from the top list means
 * its probability is below every listed one, and it counts as 0; both missing → null.
 */
export function pYesFromTopLogprobs(top: readonly TopLogprob[]): number | null {
  const yes = top.filter((t) => isYes(t.token)).map((t) => t.logprob);
  const no = top.filter((t) => isNo(t.token)).map((t) => t.logprob);
  if (yes.length === 0 && no.length === 0) return null;
  // Shift by the largest logprob so exp never underflows to 0/0.
  const max = Math.max(...yes, ...no);
  const sum = (lps: number[]) => lps.reduce((s, lp) => s + Math.exp(lp - max), 0);
  const y = sum(yes);
  return y / (y + sum(no));
}

/**
 * What the reference scores a failed chain: it takes logprobs [0, 1] for (yes, no) and softmaxes them,
 * so a failure is 1/(1+e) ≈ 0.269, not 0 — below an even call, above a confident "no".
 */
export const FAILED_CHAIN_REWARD = 1 / (1 + Math.E);

/**
 * One chain's reward: P(yes) when the endpoint gave logprobs (what ThinkPRM scores with), else the
 * share of judged steps found correct, else the chain's written Yes/No. A chain that said nothing usable
 * (usually one that ran out of tokens) gets the reference's failed-chain value.
 */
export function chainReward(chain: ChainVerdict): { reward: number; method: RewardMethod } {
  if (chain.pYes !== null) return { reward: chain.pYes, method: 'p_yes' };
  const judged = chain.steps.filter((s) => s !== null);
  if (judged.length > 0) return { reward: judged.filter((s) => s).length / judged.length, method: 'step_share' };
  if (chain.judgement !== null) return { reward: chain.judgement ? 1 : 0, method: 'judgement' };
  return { reward: FAILED_CHAIN_REWARD, method: 'none' };
}

/** Averages chains into one part verdict (parallel scaling in the ThinkPRM paper: the mean of the scores). */
export function combineChains(chains: readonly ChainVerdict[]): PartVerdict {
  if (chains.length === 0) throw new RangeError('combineChains needs at least one chain');
  const rewards = chains.map(chainReward);
  const methods = new Set(rewards.map((r) => r.method));
  const stepCount = Math.max(...chains.map((c) => c.steps.length));
  const steps = Array.from({ length: stepCount }, (_, i) => {
    const judged = chains.map((c) => c.steps[i]).filter((s): s is boolean => s !== null && s !== undefined);
    return judged.length === 0 ? null : judged.filter((s) => s).length / judged.length;
  });
  return {
    reward: rewards.reduce((s, r) => s + r.reward, 0) / rewards.length,
    method: methods.size === 1 ? rewards[0]!.method : 'mixed',
    steps,
    chains: chains.length,
  };
}
