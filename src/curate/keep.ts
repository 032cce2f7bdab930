/**
 * Which scored rows to keep: the best k, the best fraction p, or everything at or above a reward, applied
 * to each problem's rows or to the whole file. Rows with no reward (nothing scored) are never kept.
 */
export type KeepPolicy =
  { kind: 'top-k'; k: number } | { kind: 'top-p'; p: number } | { kind: 'threshold'; min: number };

export function parseKeep(spec: string): KeepPolicy {
  const m = /^(top-k|top-p|threshold)=(.+)$/.exec(spec.trim());
  const value = m ? Number(m[2]) : NaN;
  if (m?.[1] === 'top-k' && Number.isInteger(value) && value >= 1) return { kind: 'top-k', k: value };
  if (m?.[1] === 'top-p' && value > 0 && value <= 1) return { kind: 'top-p', p: value };
  if (m?.[1] === 'threshold' && Number.isFinite(value)) return { kind: 'threshold', min: value };
  throw new Error(`--keep expects top-k=K (an integer ≥ 1), top-p=P (0 < P ≤ 1) or threshold=X; got '${spec}'`);
}

export const describeKeep = (p: KeepPolicy) =>
  p.kind === 'top-k' ? `top-k=${p.k}` : p.kind === 'top-p' ? `top-p=${p.p}` : `threshold=${p.min}`;

/**
 * Marks in `keep` the members of one group (indices into `rewards`, NaN = no reward) that the policy
 * keeps. Ties go to the earlier row, so the result does not depend on sort stability or on a rerun.
 * top-p keeps ceil(p · scored rows): a group of one keeps its row whatever p is.
 */
export function keepGroup(
  rewards: ArrayLike<number>,
  members: readonly number[],
  policy: KeepPolicy,
  keep: Uint8Array,
): void {
  const scored = members.filter((i) => !Number.isNaN(rewards[i]!));
  if (policy.kind === 'threshold') {
    for (const i of scored) if (rewards[i]! >= policy.min) keep[i] = 1;
    return;
  }
  const n = policy.kind === 'top-k' ? policy.k : Math.ceil(policy.p * scored.length - 1e-9);
  if (n >= scored.length) {
    for (const i of scored) keep[i] = 1;
    return;
  }
  scored.sort((a, b) => rewards[b]! - rewards[a]! || a - b);
  for (let j = 0; j < n; j++) keep[scored[j]!] = 1;
}

/** Groups as lists of row indices, from each row's group id (-1 for rows outside every group). */
export function groupMembers(groupOf: ArrayLike<number>, groups: number): number[][] {
  const out = Array.from({ length: groups }, () => [] as number[]);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i]! >= 0) out[groupOf[i]!]!.push(i);
  return out;
}
