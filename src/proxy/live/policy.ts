/**
 * Pure rules of the live path: when to check, whom to reject, when to stop drawing. Deterministic: the
 * same inputs give the same decision, ties broken by the lower candidate index.
 */
import type { RejectPolicy, StopRule } from '../../core/live-policy';

/** Token count at which checkpoint k (0-based) falls. */
export const checkpointAt = (policy: RejectPolicy, k: number) => policy.after_tokens + k * policy.every_tokens;

/**
 * Which running candidates to cancel at a checkpoint. `alive` is everyone still in the race (finished
 * ones included: they count towards the survivors but are never cancelled, since they cost nothing more).
 * A candidate tied with the last one kept survives too: a scorer that cannot tell partial trajectories
 * apart (vote, before any answer is written) must not turn rejection into dropping the higher indices.
 */
export function chooseRejected(
  alive: readonly { index: number; reward: number | null; finished: boolean }[],
  policy: RejectPolicy,
): number[] {
  const keep = Math.max(policy.min_keep, Math.ceil(policy.keep_fraction * alive.length));
  if (alive.length <= keep) return [];
  const score = (c: { reward: number | null }) => c.reward ?? -Infinity;
  const ranked = [...alive].sort((a, b) => score(b) - score(a) || a.index - b.index);
  const cut = score(ranked[keep - 1]!);
  return ranked
    .slice(keep)
    .filter((c) => !c.finished && score(c) < cut)
    .map((c) => c.index);
}

/** Why drawing may stop after a wave, or null to draw the next one. */
export function stopReason(
  finished: readonly { answerKey: string | null; reward: number | null }[],
  rule: StopRule,
): string | null {
  if (finished.length === 0) return null;
  if (rule.agreement !== undefined) {
    const counts = new Map<string, number>();
    for (const f of finished) if (f.answerKey !== null) counts.set(f.answerKey, (counts.get(f.answerKey) ?? 0) + 1);
    const top = Math.max(0, ...counts.values());
    if (top / finished.length >= rule.agreement)
      return `agreement ${(top / finished.length).toFixed(2)} ≥ ${rule.agreement}`;
  }
  const rewards = finished.map((f) => f.reward ?? -Infinity).sort((a, b) => b - a);
  if (rule.top_reward !== undefined && rewards[0]! >= rule.top_reward)
    return `top reward ${rewards[0]!.toFixed(3)} ≥ ${rule.top_reward}`;
  if (rule.margin !== undefined && rewards.length > 1 && rewards[0]! - rewards[1]! >= rule.margin)
    return `margin ${(rewards[0]! - rewards[1]!).toFixed(3)} ≥ ${rule.margin}`;
  return null;
}
